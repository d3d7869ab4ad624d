//! `cargo run -q -p client --bin sync-products`: the capstone (exercise 8).
//!
//! Downloads every product into a JSON file and prints a one-line JSON summary:
//! `{"count": 137, "requests": 3, "retries": 0, "rate_limited": 0, "output": "products.json"}`.
//! Exit status: 0 on success, 1 when the API failed, 2 on a configuration error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::api::ApiClient;
use crate::errors::ApiError;

/// Fetches all products (`client.iter_products`), writes them sorted by id to
/// `out` as a JSON list of `{id, name, price_cents, updated_at}`, without leaving a
/// half-written file behind (write a temporary file, then rename), and returns
/// the summary: `count`, and from `client.stats`: `requests`, `retries`,
/// `rate_limited`; plus `output` (the path as a string).
pub fn run_sync(client: &ApiClient, out: &Path, limit: u32) -> Result<Value, ApiError> {
    let mut products = client.iter_products(limit).collect::<Result<Vec<_>, _>>()?;
    products.sort_by_key(|p| p.id);
    let list: Vec<Value> = products
        .iter()
        .map(|p| json!({"id": p.id, "name": p.name, "price_cents": p.price_cents, "updated_at": p.updated_at}))
        .collect();
    let text = serde_json::to_string_pretty(&list).map_err(|e| ApiError::Decode(e.to_string()))?;
    let tmp = out.with_extension("json.tmp");
    let io = |e: std::io::Error| ApiError::Config(format!("cannot write {}: {e}", out.display()));
    std::fs::write(&tmp, text + "\n").map_err(io)?;
    std::fs::rename(&tmp, out).map_err(io)?;
    Ok(json!({
        "count": list.len(),
        "requests": client.stats.requests(),
        "retries": client.stats.retries(),
        "rate_limited": client.stats.rate_limited(),
        "output": out.display().to_string(),
    }))
}

/// Parses `--out` (default products.json) and `--limit` (default 50), runs the
/// sync with `ApiClient::from_env()`, prints the summary as one JSON line on
/// stdout and returns 0. Errors go to stderr as `error: ...`: exit 2 for a
/// configuration error (`ApiError::Config`, bad arguments), 1 for the others.
pub fn main(args: Vec<String>) -> ExitCode {
    match parse(&args)
        .and_then(|(out, limit)| ApiClient::from_env().and_then(|c| run_sync(&c, &out, limit)))
    {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn parse(args: &[String]) -> Result<(PathBuf, u32), ApiError> {
    let (mut out, mut limit) = (PathBuf::from("products.json"), 50);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| ApiError::Config(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--out" => out = PathBuf::from(value()?),
            "--limit" => {
                limit = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=50).contains(n))
                    .ok_or_else(|| ApiError::Config("--limit must be 1..50".into()))?
            }
            other => {
                return Err(ApiError::Config(format!(
                    "unknown argument {other} (usage: sync-products [--out FILE] [--limit N])"
                )));
            }
        }
    }
    Ok((out, limit))
}
