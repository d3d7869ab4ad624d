//! Exercise 5: readiness and graceful shutdown.
//!
//! A supervisor (systemd, Docker, ECS) stops a service with SIGTERM, waits a
//! while, then kills it. On SIGTERM the service must: report not ready
//! (GET /readyz answers 503, so a load balancer stops sending traffic), stop
//! accepting new connections, let in-flight requests finish, and exit 0.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::observability::Logger;

/// Ready once the socket listens; not ready from the first SIGTERM on.
#[derive(Clone, Default)]
pub struct Lifecycle {
    ready: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
}

impl Lifecycle {
    pub fn mark_ready(&self) {
        if !self.is_stopping() {
            self.ready.store(true, Ordering::SeqCst);
        }
    }

    pub fn begin_shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.ready.store(false, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// GET /readyz: 200 `{"status": "ready"}`, or 503 `{"status": "stopping"}` (or "starting").
pub fn readyz(lc: &Lifecycle) -> (u16, Value) {
    if lc.is_ready() {
        (200, json!({ "status": "ready" }))
    } else if lc.is_stopping() {
        (503, json!({ "status": "stopping" }))
    } else {
        (503, json!({ "status": "starting" }))
    }
}

/// The shutdown signal given to `axum::serve(..).with_graceful_shutdown(..)`.
///
/// Called before the service says it listens: install the SIGTERM and SIGINT
/// handlers here (with `tokio::signal::unix::signal`), then return a future
/// that resolves on the first of them, after `lc.begin_shutdown()`. axum then
/// stops accepting connections and waits for the in-flight requests.
pub fn shutdown_signal(lc: Lifecycle, log: Logger) -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    // Registered now (not when the future is first polled): from here on,
    // SIGTERM and SIGINT no longer kill the process.
    let mut term = signal(SignalKind::terminate()).expect("install the SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("install the SIGINT handler");
    async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        log.info("shutting down", &[("signal", json!(name))]);
    }
}
