//! Exercise 4: errors. See exercises/04-errors.md.

mod common;

use std::time::Duration;

use client::api::Call;
use client::errors::error_for_response;
use client::{ApiClient, ApiError, FieldError, StaticToken};
use common::lab;
use reqwest::Method;
use serde_json::{Value, json};

fn response(
    status: u16,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> reqwest::blocking::Response {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let text = body.map(|v| v.to_string()).unwrap_or_default();
    if !text.is_empty() {
        b = b.header("content-type", "application/problem+json");
    }
    reqwest::blocking::Response::from(b.body(text).unwrap())
}

fn problem(status: u16) -> Option<Value> {
    Some(
        json!({"type": "/problems/x", "title": "Some title", "status": status, "detail": "some detail"}),
    )
}

#[test]
fn each_status_maps_to_its_error() {
    let cases: [(u16, &str); 8] = [
        (401, "Unauthorized"),
        (404, "NotFound"),
        (422, "Validation"),
        (429, "RateLimited"),
        (500, "Server"),
        (503, "Server"),
        (409, "Http"),
        (400, "Http"),
    ];
    for (status, variant) in cases {
        let err = error_for_response(response(status, problem(status), &[])).err();
        let got = match &err {
            Some(ApiError::Unauthorized(_)) => "Unauthorized",
            Some(ApiError::NotFound(_)) => "NotFound",
            Some(ApiError::Validation(..)) => "Validation",
            Some(ApiError::RateLimited(..)) => "RateLimited",
            Some(ApiError::Server(..)) => "Server",
            Some(ApiError::Http(_)) => "Http",
            Some(_) => "another variant",
            None => "Ok(response)",
        };
        assert_eq!(
            got, variant,
            "status {status} must be ApiError::{variant}, got {err:?}"
        );
        let err = err.unwrap();
        assert_eq!(err.status(), Some(status));
        let text = err.to_string();
        assert!(
            text.contains("Some title") && text.contains("some detail"),
            "copy title and detail from the problem+json body: {text}"
        );
    }
}

#[test]
fn success_passes() {
    for status in [200, 201, 204] {
        let resp = error_for_response(response(status, Some(json!({"ok": true})), &[]));
        assert!(
            resp.is_ok_and(|r| r.status() == status),
            "a {status} must pass through unchanged"
        );
    }
}

#[test]
fn a_body_that_is_not_json_still_maps() {
    let err = error_for_response(response(502, None, &[])).err();
    assert!(
        matches!(err, Some(ApiError::Server(ref p, _)) if p.status == 502),
        "a 502 without a body is still ApiError::Server, got {err:?}"
    );
}

#[test]
fn validation_errors_carry_the_field_errors() {
    let mut body = problem(422).unwrap();
    body["errors"] = json!([{"field": "quantity", "msg": "must be an integer from 1 to 100"}]);
    match error_for_response(response(422, Some(body), &[])) {
        Err(ApiError::Validation(_, errors)) => {
            assert_eq!(
                errors,
                vec![FieldError {
                    field: "quantity".into(),
                    msg: "must be an integer from 1 to 100".into()
                }]
            )
        }
        other => panic!(
            "expected ApiError::Validation, got {:?}",
            other.map(|r| r.status())
        ),
    }
}

#[test]
fn retry_after_seconds_is_kept() {
    match error_for_response(response(503, problem(503), &[("retry-after", "1")])) {
        Err(ApiError::Server(_, after)) => assert_eq!(after, Some(Duration::from_secs(1))),
        other => panic!(
            "expected ApiError::Server, got {:?}",
            other.map(|r| r.status())
        ),
    }
}

#[test]
fn not_found_comes_after_one_attempt() {
    let lab = lab();
    let result = lab.client().get_product(9999);
    assert!(
        matches!(result, Err(ApiError::NotFound(_))),
        "expected ApiError::NotFound, got {result:?}"
    );
    let calls = lab.journal(Some("/v1/products/{id}")).len();
    assert_eq!(
        calls, 1,
        "a 404 will not change on a retry: expected 1 attempt, the journal shows {calls}"
    );
}

#[test]
fn an_invalid_order_is_a_validation_error_after_one_attempt() {
    let lab = lab();
    let client = lab.client();
    let body = json!({"product_id": 1, "quantity": 0});
    let headers = [("Idempotency-Key", "test-422".to_string())];
    let call = Call {
        method: Method::POST,
        path: "/v1/orders",
        query: &[],
        json: Some(&body),
        headers: &headers,
    };
    match client.request(&call) {
        Err(ApiError::Validation(_, errors)) => {
            assert_eq!(
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                ["quantity"]
            )
        }
        other => panic!(
            "expected ApiError::Validation, got {:?}",
            other.map(|r| r.status())
        ),
    }
    let calls = lab.journal(Some("/v1/orders")).len();
    assert_eq!(
        calls, 1,
        "a 422 will not change on a retry: expected 1 attempt, the journal shows {calls}"
    );
    assert!(lab.orders().is_empty());
}

#[test]
fn a_bad_token_is_unauthorized_after_one_attempt() {
    let lab = lab();
    let client = ApiClient::new(&lab.url(), StaticToken("not-a-token".into())).unwrap();
    let result = client.get_product(1);
    assert!(
        matches!(result, Err(ApiError::Unauthorized(_))),
        "expected ApiError::Unauthorized, got {result:?}"
    );
    assert_eq!(lab.journal(Some("/v1/products/{id}")).len(), 1);
}
