//! Exercise 6: respect rate limits. See exercises/06-rate-limits.md.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use client::ApiError;
use client::ratelimit::retry_after;
use common::{Lab, lab};
use practice_api::JournalEntry;
use reqwest::header::{HeaderMap, HeaderValue};

fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    map
}

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

#[test]
fn retry_after_in_seconds() {
    assert_eq!(
        retry_after(&h(&[("retry-after", "3")]), SystemTime::now()),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        retry_after(&h(&[("retry-after", " 0 ")]), SystemTime::now()),
        Some(Duration::ZERO)
    );
}

#[test]
fn retry_after_as_an_http_date_is_measured_from_the_date_header() {
    let headers = h(&[
        ("retry-after", "Wed, 25 Nov 2026 10:00:05 GMT"),
        ("date", "Wed, 25 Nov 2026 10:00:00 GMT"),
    ]);
    assert_eq!(
        retry_after(&headers, at(0)),
        Some(Duration::from_secs(5)),
        "measure against the response's Date header, not your own clock"
    );
}

#[test]
fn retry_after_as_an_http_date_without_date_uses_now() {
    let when = 1_795_600_000;
    let headers = h(&[("retry-after", &httpdate::fmt_http_date(at(when)))]);
    assert_eq!(
        retry_after(&headers, at(when - 7)),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        retry_after(&headers, at(when + 60)),
        Some(Duration::ZERO),
        "a date in the past means no wait"
    );
}

#[test]
fn missing_or_garbage_retry_after_is_none() {
    assert_eq!(retry_after(&h(&[]), SystemTime::now()), None);
    assert_eq!(
        retry_after(&h(&[("retry-after", "soon")]), SystemTime::now()),
        None
    );
}

fn assert_waited(entries: &[JournalEntry]) {
    for pair in entries.windows(2) {
        if let (Some(until), 429) = (pair[0].retry_at_ms, pair[0].status) {
            assert!(
                pair[1].t_ms >= until,
                "a request at t={} ms followed a 429 at t={} ms that asked to wait until t={until} ms: sleep for the Retry-After time before trying again",
                pair[1].t_ms,
                pair[0].t_ms
            );
        }
    }
}

fn last_two_statuses(lab: &Lab) -> (Vec<u16>, Vec<JournalEntry>) {
    let entries = lab.journal(Some("/v1/products/{id}"));
    let tail = entries[entries.len().saturating_sub(2)..].to_vec();
    (tail.iter().map(|e| e.status).collect(), tail)
}

#[test]
fn fifty_calls_stay_under_the_limit() {
    let lab = lab();
    lab.scenario("rate-limit"); // a bucket of 10 requests per 2 s
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    for i in 0..50 {
        client.get_product(1 + i % 137).expect("get_product");
    }
    let entries = lab.journal(Some("/v1/products/{id}"));
    let limited = entries.iter().filter(|e| e.status == 429).count();
    assert!(
        limited <= 2,
        "{limited} of {} responses were 429: throttle ahead, pausing for X-RateLimit-Reset seconds when X-RateLimit-Remaining reaches 0",
        entries.len()
    );
    assert_waited(&entries);
}

#[test]
fn a_429_is_waited_out() {
    let lab = lab();
    lab.scenario("rate-limit");
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    lab.drain();
    assert_eq!(client.get_product(5).expect("get_product(5)").id, 5);
    let (statuses, entries) = last_two_statuses(&lab);
    assert_eq!(statuses, [429, 200], "expected a 429 then a success");
    assert_waited(&entries);
    let sleeps = clock.sleeps();
    assert!(
        sleeps.first().is_some_and(|s| *s >= Duration::from_secs(1)),
        "Retry-After was 1 s; slept {sleeps:?}"
    );
}

#[test]
fn an_http_date_retry_after_is_waited_out() {
    let lab = lab();
    lab.scenario("retry-after-date");
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    lab.drain();
    assert_eq!(client.get_product(6).expect("get_product(6)").id, 6);
    let (statuses, entries) = last_two_statuses(&lab);
    assert_eq!(statuses, [429, 200], "expected a 429 then a success");
    assert_waited(&entries);
}

#[test]
fn a_one_hour_wait_fails_quickly() {
    let lab = lab();
    lab.scenario("long-wait"); // the server answers 429 with Retry-After: 3600
    let clock = lab.clock();
    let client = lab.client_with(&clock);
    let started = Instant::now();
    let result = client.get_product(1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "give up at once when the wait is longer than max_wait"
    );
    let long: Vec<_> = clock
        .sleeps()
        .into_iter()
        .filter(|s| *s >= Duration::from_secs(30))
        .collect();
    assert!(long.is_empty(), "slept {long:?} although the cap is 30 s");
    match result {
        Err(ApiError::RateLimited(_, Some(after))) => {
            assert!(
                after >= Duration::from_secs(3000),
                "RateLimited carries the wait the server asked for, got {after:?}"
            )
        }
        other => panic!("expected ApiError::RateLimited with the wait asked for, got {other:?}"),
    }
}

#[test]
fn a_real_wait() {
    // The one real wait of this exercise: Retry-After: 1.
    let lab = lab();
    lab.scenario("rate-limit");
    let client = lab.client();
    lab.drain();
    let started = Instant::now();
    assert_eq!(client.get_product(9).expect("get_product(9)").id, 9);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(2),
        "expected a wait of about 1 s, took {elapsed:?}"
    );
    assert_waited(&lab.journal(Some("/v1/products/{id}")));
}
