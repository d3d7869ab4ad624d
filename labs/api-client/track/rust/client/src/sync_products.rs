//! `cargo run -q -p client --bin sync-products`: the capstone (exercise 8).
//!
//! Downloads every product into a JSON file and prints a one-line JSON summary:
//! `{"count": 137, "requests": 3, "retries": 0, "rate_limited": 0, "output": "products.json"}`.
//! Exit status: 0 on success, 1 when the API failed, 2 on a configuration error.

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::api::ApiClient;
use crate::errors::ApiError;

/// Fetches all products (`client.iter_products`), writes them sorted by id to
/// `out` as a JSON list of `{id, name, price_cents, updated_at}`, without leaving a
/// half-written file behind (write a temporary file, then rename), and returns
/// the summary: `count`, and from `client.stats`: `requests`, `retries`,
/// `rate_limited`; plus `output` (the path as a string).
pub fn run_sync(client: &ApiClient, out: &Path, limit: u32) -> Result<Value, ApiError> {
    // TODO(lab): exercise 8.
    let _ = (client, out, limit);
    todo!("exercise 8: write run_sync in client/src/sync_products.rs")
}

/// Parses `--out` (default products.json) and `--limit` (default 50), runs the
/// sync with `ApiClient::from_env()`, prints the summary as one JSON line on
/// stdout and returns 0. Errors go to stderr as `error: ...`: exit 2 for a
/// configuration error (`ApiError::Config`, bad arguments), 1 for the others.
pub fn main(args: Vec<String>) -> ExitCode {
    // TODO(lab): exercise 8.
    let _ = args;
    todo!("exercise 8: write main in client/src/sync_products.rs")
}
