//! Exercise 4: JSON-lines logs and X-Request-Id.

mod common;

use std::time::{Duration, Instant};

use notes_service::observability::{Logger, request_id};
use serde_json::{Value, json};

const REQUIRED: [&str; 8] = [
    "ts",
    "level",
    "msg",
    "method",
    "path",
    "status",
    "duration_ms",
    "request_id",
];

#[test]
fn incoming_request_id_is_echoed() {
    let svc = common::start(&[]);
    let resp = common::client()
        .get(format!("{}/healthz", svc.url))
        .header("X-Request-Id", "lab-4")
        .send()
        .unwrap();
    assert_eq!(
        resp.headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap()),
        Some("lab-4")
    );
}

#[test]
fn a_request_id_is_created_when_missing() {
    let svc = common::start(&[]);
    let id = || {
        let resp = common::client()
            .get(format!("{}/healthz", svc.url))
            .send()
            .unwrap();
        resp.headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (a, b) = (id(), id());
    assert!(
        a.is_some() && b.is_some(),
        "every response carries an X-Request-Id, created when the caller sent none"
    );
    assert_ne!(a, b, "two requests got the same id");
}

#[test]
fn unusable_ids_are_replaced() {
    let long = "x".repeat(500);
    assert_ne!(request_id(Some(&long)).as_deref(), Some(long.as_str()));
    assert_eq!(request_id(Some("ok-123")).as_deref(), Some("ok-123"));
    assert_eq!(
        request_id(Some("a space ok")).as_deref(),
        Some("a space ok"),
        "a space is printable ASCII: keep the id"
    );
    for bad in [
        "tab\there",
        "new\nline",
        "bell\u{7}",
        "del\u{7f}",
        "caf\u{e9}",
    ] {
        assert_ne!(
            request_id(Some(bad)).as_deref(),
            Some(bad),
            "{bad:?} holds a control or non-ASCII character: replace it"
        );
    }
    assert!(request_id(None).is_some_and(|id| !id.is_empty()));
}

#[test]
fn every_stdout_line_is_json_with_the_fields() {
    let svc = common::start(&[]);
    common::client()
        .get(format!("{}/healthz", svc.url))
        .header("X-Request-Id", "trace-me")
        .send()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let record = loop {
        if let Some(r) = svc
            .json_lines()
            .into_iter()
            .find(|r| r["request_id"] == "trace-me")
        {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "no access-log record with request_id trace-me within 5 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| record.get(*k).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "the access-log record lacks {missing:?}: {record}"
    );
    assert_eq!(
        (
            record["method"].clone(),
            record["path"].clone(),
            record["status"].clone()
        ),
        (json!("GET"), json!("/healthz"), json!(200))
    );
    assert!(record["duration_ms"].is_number());
    assert!(
        record["ts"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') || t.ends_with("+00:00")),
        "timestamps are UTC"
    );
    let first = &svc.json_lines()[0];
    assert!(
        first["msg"]
            .as_str()
            .is_some_and(|m| m.contains("listening on")),
        "the first line says where the service listens"
    );
}

#[test]
fn levels_below_the_threshold_are_dropped() {
    let (log, buf) = Logger::buffered("warning");
    log.info("hidden", &[]);
    log.error("shown", &[("code", json!(7))]);
    let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let record: Value = serde_json::from_str(lines[0]).expect("one JSON object per line");
    assert_eq!(
        (
            record["level"].clone(),
            record["msg"].clone(),
            record["code"].clone()
        ),
        (json!("error"), json!("shown"), json!(7))
    );
}
