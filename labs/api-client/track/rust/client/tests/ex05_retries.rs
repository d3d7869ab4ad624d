//! Exercise 5: retry transient failures. See exercises/05-retries.md.

mod common;

use std::cell::Cell;
use std::collections::HashMap;
use std::time::Duration;

use client::api::Call;
use client::errors::Problem;
use client::retry::{backoff_delay, call_with_retries, is_idempotent, is_transient};
use client::{ApiError, RetryPolicy};
use common::{FakeClock, lab, ms};
use reqwest::Method;
use serde_json::json;

const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    base_delay: Duration::from_millis(500),
    max_delay: Duration::from_secs(4),
    budget: Duration::from_secs(30),
};

fn server(status: u16, retry_after: Option<Duration>) -> ApiError {
    ApiError::Server(
        Problem {
            status,
            ..Problem::default()
        },
        retry_after,
    )
}

/// An attempt that fails `times` times with `make()`, then succeeds.
fn failing(
    times: usize,
    make: impl Fn() -> ApiError,
) -> (
    Cell<usize>,
    impl Fn(&Cell<usize>) -> Result<&'static str, ApiError>,
) {
    (Cell::new(0), move |calls: &Cell<usize>| {
        calls.set(calls.get() + 1);
        if calls.get() <= times {
            Err(make())
        } else {
            Ok("ok")
        }
    })
}

#[test]
fn backoff_grows_exponentially_up_to_the_cap() {
    let delays: Vec<_> = (1..=6).map(|n| backoff_delay(n, &POLICY, 1.0)).collect();
    assert_eq!(
        delays,
        [ms(500), ms(1000), ms(2000), ms(4000), ms(4000), ms(4000)],
        "with random = 1 the delays are the caps"
    );
}

#[test]
fn backoff_uses_full_jitter() {
    let delays: Vec<_> = (1..=3).map(|n| backoff_delay(n, &POLICY, 0.25)).collect();
    assert_eq!(delays, [ms(125), ms(250), ms(500)]);
    assert_eq!(
        backoff_delay(3, &POLICY, 0.0),
        Duration::ZERO,
        "full jitter draws from [0, cap], so 0 is possible"
    );
}

#[test]
fn which_requests_are_safe_to_repeat() {
    let key = [("Idempotency-Key", "k".to_string())];
    let lower = [("idempotency-key", "k".to_string())];
    type Case<'a> = (Method, &'a [(&'a str, String)], bool);
    let cases: [Case; 8] = [
        (Method::GET, &[], true),
        (Method::PUT, &[], true),
        (Method::DELETE, &[], true),
        (Method::HEAD, &[], true),
        (Method::POST, &[], false),
        (Method::PATCH, &[], false),
        (Method::POST, &key, true),
        (Method::POST, &lower, true),
    ];
    for (method, headers, expected) in cases {
        assert_eq!(
            is_idempotent(&method, headers),
            expected,
            "is_idempotent({method}, {headers:?}) should be {expected}"
        );
    }
}

#[test]
fn which_failures_are_transient() {
    let problem = |status| Problem {
        status,
        ..Problem::default()
    };
    let cases = [
        (ApiError::Transport("connection reset".into()), true),
        (ApiError::Timeout("slow".into()), true),
        (server(500, None), true),
        (server(502, None), true),
        (server(503, None), true),
        (server(504, None), true),
        (server(501, None), false),
        (ApiError::NotFound(problem(404)), false),
        (ApiError::Validation(problem(422), vec![]), false),
        (ApiError::RateLimited(problem(429), None), false),
        (ApiError::Decode("bug".into()), false),
    ];
    for (err, expected) in cases {
        assert_eq!(
            is_transient(&err),
            expected,
            "is_transient({err:?}) should be {expected}"
        );
    }
}

#[test]
fn transient_failures_are_retried_with_the_backoff_delays() {
    let clock = FakeClock::new();
    let (calls, attempt) = failing(3, || server(503, None));
    assert_eq!(
        call_with_retries(
            &POLICY,
            &Method::GET,
            &[],
            &clock,
            || 1.0,
            || attempt(&calls)
        )
        .ok(),
        Some("ok")
    );
    assert_eq!(calls.get(), 4);
    assert_eq!(
        clock.sleeps(),
        [ms(500), ms(1000), ms(2000)],
        "sleep backoff_delay(1), (2), (3) between attempts"
    );
}

#[test]
fn at_most_max_attempts() {
    let clock = FakeClock::new();
    let (calls, attempt) = failing(10, || ApiError::Transport("reset".into()));
    let result = call_with_retries(
        &POLICY,
        &Method::GET,
        &[],
        &clock,
        || 1.0,
        || attempt(&calls),
    );
    assert!(
        matches!(result, Err(ApiError::Transport(_))),
        "give up with the last error"
    );
    assert_eq!(calls.get(), 4, "max_attempts = 4 means 4 attempts in total");
}

#[test]
fn the_time_budget_stops_retrying() {
    let clock = FakeClock::new();
    let (calls, attempt) = failing(10, || server(500, None));
    let policy = RetryPolicy {
        max_attempts: 10,
        base_delay: ms(1000),
        max_delay: ms(8000),
        budget: ms(5000),
    };
    assert!(
        call_with_retries(
            &policy,
            &Method::GET,
            &[],
            &clock,
            || 1.0,
            || attempt(&calls)
        )
        .is_err()
    );
    assert_eq!(
        clock.sleeps(),
        [ms(1000), ms(2000)],
        "with a 5 s budget, waits of 1 + 2 fit and the next (4) would not"
    );
}

#[test]
fn permanent_failures_and_unsafe_requests_are_not_retried() {
    let clock = FakeClock::new();
    let (calls, attempt) = failing(1, || {
        ApiError::NotFound(Problem {
            status: 404,
            ..Problem::default()
        })
    });
    assert!(
        call_with_retries(
            &POLICY,
            &Method::GET,
            &[],
            &clock,
            || 1.0,
            || attempt(&calls)
        )
        .is_err()
    );
    assert_eq!(calls.get(), 1, "a 404 is not transient");
    let (calls, attempt) = failing(1, || server(502, None));
    assert!(
        call_with_retries(
            &POLICY,
            &Method::POST,
            &[],
            &clock,
            || 1.0,
            || attempt(&calls)
        )
        .is_err()
    );
    assert_eq!(
        calls.get(),
        1,
        "a POST without Idempotency-Key must not be repeated: the first one may have worked"
    );
    assert!(clock.sleeps().is_empty());
}

#[test]
fn a_server_retry_after_is_honoured() {
    let clock = FakeClock::new();
    let (calls, attempt) = failing(1, || server(503, Some(Duration::from_secs(2))));
    assert!(
        call_with_retries(
            &POLICY,
            &Method::GET,
            &[],
            &clock,
            || 0.1,
            || attempt(&calls)
        )
        .is_ok()
    );
    assert_eq!(
        clock.sleeps(),
        [ms(2000)],
        "the 503 said Retry-After: 2, longer than the backoff"
    );
}

#[test]
fn the_full_list_survives_a_flaky_server() {
    let lab = lab();
    lab.scenario("flaky"); // every 5th list call 503, every 7th 500, one connection reset
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    let ids: std::collections::HashSet<u64> = client
        .iter_products(10)
        .map(|p| p.expect("product").id)
        .collect();
    assert_eq!(ids.len(), 137, "got {} of 137 products", ids.len());
    let calls = lab.journal(Some("/v1/products"));
    assert!(
        calls.iter().any(|c| c.fault.is_some()),
        "the flaky scenario did not inject faults (is the scenario set?)"
    );
    let mut per_page: HashMap<&str, usize> = HashMap::new();
    for c in &calls {
        *per_page.entry(c.query.as_str()).or_default() += 1;
    }
    let worst = per_page.values().max().copied().unwrap_or(0);
    assert!(
        worst <= 4,
        "a page was tried {worst} times; at most 4 attempts per request"
    );
}

#[test]
fn a_post_without_a_key_is_not_retried() {
    let lab = lab();
    lab.scenario("ambiguous-write"); // commits the order, then answers 502
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    let body = json!({"product_id": 1, "quantity": 1});
    let result = client.request(&Call {
        method: Method::POST,
        path: "/v1/orders",
        query: &[],
        json: Some(&body),
        headers: &[],
    });
    assert!(
        matches!(result, Err(ApiError::Server(..))),
        "expected ApiError::Server (502), got {:?}",
        result.map(|r| r.status())
    );
    let posts = lab.journal(Some("/v1/orders")).len();
    assert_eq!(
        posts, 1,
        "a POST without Idempotency-Key was sent {posts} times: the retry created a duplicate order"
    );
    assert_eq!(lab.orders().len(), 1);
}
