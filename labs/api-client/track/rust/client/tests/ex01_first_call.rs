//! Exercise 1: first call. See exercises/01-first-call.md.

mod common;

use std::time::{Duration, Instant};

use client::config::{self, base_url_from};
use client::{ApiError, Product, RetryPolicy};
use common::lab;
use serde_json::json;

#[test]
fn base_url_comes_from_the_environment() {
    let url =
        base_url_from(|k| (k == "PRACTICE_API_URL").then(|| "http://127.0.0.1:9999/".to_string()));
    assert_eq!(
        url.ok().as_deref(),
        Some("http://127.0.0.1:9999"),
        "base_url_from must return PRACTICE_API_URL without its trailing '/'"
    );
}

#[test]
fn a_missing_base_url_is_a_config_error_that_names_the_variable() {
    match base_url_from(|_| None) {
        Err(ApiError::Config(msg)) => assert!(
            msg.contains("PRACTICE_API_URL"),
            "say which variable is missing, so the user can fix it: {msg}"
        ),
        other => panic!("expected ApiError::Config naming PRACTICE_API_URL, got {other:?}"),
    }
}

#[test]
fn product_from_json_builds_a_typed_model() {
    let p = Product::from_json(
        &json!({"id": 7, "name": "Keen Easel", "price_cents": 1999, "updated_at": "2026-06-03T08:01:18Z"}),
    );
    let expected = Product {
        id: 7,
        name: "Keen Easel".into(),
        price_cents: 1999,
        updated_at: "2026-06-03T08:01:18Z".into(),
    };
    assert_eq!(p.ok(), Some(expected));
    let missing = Product::from_json(
        &json!({"id": 7, "name": "Keen Easel", "updated_at": "2026-06-03T08:01:18Z"}),
    );
    assert!(
        matches!(&missing, Err(ApiError::Decode(m)) if m.contains("price_cents")),
        "a missing field is ApiError::Decode naming it, got {missing:?}"
    );
}

#[test]
fn default_timeouts_are_explicit() {
    for (name, t) in [
        ("CONNECT_TIMEOUT", config::CONNECT_TIMEOUT),
        ("REQUEST_TIMEOUT", config::REQUEST_TIMEOUT),
    ] {
        let t = t.unwrap_or_else(|| {
            panic!("{name} is None: without it a stuck server hangs the client for 30 s")
        });
        assert!(
            t > Duration::ZERO && t <= Duration::from_secs(30),
            "{name} must be between 0 and 30 s, got {t:?}"
        );
    }
}

#[test]
fn get_product_returns_the_product() {
    let lab = lab();
    let product = lab.client().get_product(42).expect("get_product(42)");
    let expected = lab.product(42);
    assert_eq!(product.id, 42);
    assert_eq!(json!(product.name), expected["name"]);
    assert_eq!(json!(product.price_cents), expected["price_cents"]);
    assert_eq!(json!(product.updated_at), expected["updated_at"]);
    let calls = lab.journal(Some("/v1/products/{id}"));
    let auth: Vec<&str> = calls.iter().map(|c| c.auth.as_str()).collect();
    assert_eq!(
        auth.first(),
        Some(&"present"),
        "send the token as 'Authorization: Bearer <token>'"
    );
}

#[test]
fn a_slow_response_is_a_timeout_error_quickly() {
    // The one real wait of this exercise: about 1 s.
    let lab = lab();
    let client = lab
        .client()
        .with_timeouts(Duration::from_secs(1), Duration::from_secs(1))
        .expect("client")
        .with_retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        });
    let started = Instant::now();
    let result = client.get("/v1/slow", &[("ms", "3000".to_string())]);
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(ApiError::Timeout(_))),
        "expected ApiError::Timeout, got {:?}",
        result.map(|r| r.status())
    );
    assert!(
        elapsed < Duration::from_secs(2),
        "the 1 s timeout took {elapsed:?} to fire: does send() use self.http?"
    );
}
