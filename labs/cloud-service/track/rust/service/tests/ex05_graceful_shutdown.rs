//! Exercise 5: readiness and graceful shutdown on SIGTERM.

mod common;

use std::time::{Duration, Instant};

use notes_service::lifecycle::{Lifecycle, readyz};
use serde_json::json;

#[test]
fn readyz_follows_the_lifecycle() {
    let lc = Lifecycle::default();
    assert_eq!(readyz(&lc).0, 503, "not ready before the socket listens");
    lc.mark_ready();
    assert_eq!(readyz(&lc), (200, json!({"status": "ready"})));
    lc.begin_shutdown();
    let (status, body) = readyz(&lc);
    assert_eq!((status, body["status"].as_str()), (503, Some("stopping")));
}

#[test]
fn running_service_is_ready() {
    let svc = common::start(&[]);
    let resp = common::client()
        .get(format!("{}/readyz", svc.url))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200, "GET /readyz answered {}", resp.status());
}

#[test]
fn sigterm_lets_the_in_flight_request_finish() {
    let mut svc = common::start(&[]);
    let url = format!("{}/slow?ms=1500", svc.url);
    let slow = std::thread::spawn(move || {
        common::client()
            .get(url)
            .send()
            .map(|r| r.status().as_u16())
    });
    std::thread::sleep(Duration::from_millis(300)); // the request is in flight (it takes 1.5 s)
    let started = Instant::now();
    let code = svc.terminate(Duration::from_secs(5));
    let got = slow.join().unwrap();
    assert!(
        matches!(got, Ok(200)),
        "the in-flight request must finish with 200, got {got:?}"
    );
    assert_eq!(
        code,
        Some(0),
        "exit code after SIGTERM (None: killed by the signal)"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn sigterm_on_an_idle_service_exits_0_quickly() {
    let mut svc = common::start(&[]);
    let started = Instant::now();
    assert_eq!(svc.terminate(Duration::from_secs(5)), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "an idle service has nothing to wait for"
    );
}
