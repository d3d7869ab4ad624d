//! Exercise 1: health and version endpoints.
//!
//! Each function returns `(status, body)`; `server.rs` turns the body into JSON.

use std::collections::HashMap;

use serde_json::{Value, json};

/// GET /healthz: 200 and `{"status": "ok"}` while the process can serve.
pub fn healthz() -> (u16, Value) {
    // TODO(lab): exercise 1. Return the status code and the body.
    todo!("GET /healthz (exercise 1)")
}

/// GET /version: which build is running, and where.
///
/// `{"git_sha": GIT_SHA, "app_env": APP_ENV}`, read from `vars` (the process
/// environment) at request time; "unknown" and "development" when they are
/// unset or empty.
pub fn version(vars: &HashMap<String, String>) -> (u16, Value) {
    // TODO(lab): exercise 1. Read GIT_SHA and APP_ENV from vars.
    let _ = (vars, json!(null));
    todo!("GET /version (exercise 1)")
}
