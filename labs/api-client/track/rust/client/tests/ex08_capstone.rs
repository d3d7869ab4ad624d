//! Exercise 8: the sync-products CLI. See exercises/08-capstone.md.

mod common;

use std::path::Path;
use std::process::Command;

use client::sync_products::run_sync;
use client::{ApiClient, ClientCredentials};
use common::{CLIENT_ID, CLIENT_SECRET, LabClock, lab};
use serde_json::Value;

fn check_file(path: &Path) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()));
    let rows: Vec<Value> = serde_json::from_str(&text).expect("the file is a JSON list");
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap_or(0)).collect();
    assert_eq!(
        ids,
        (1..=137).collect::<Vec<_>>(),
        "write all 137 products, sorted by id"
    );
    let mut keys: Vec<&String> = rows[0].as_object().expect("objects").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["id", "name", "price_cents", "updated_at"],
        "unexpected fields"
    );
    assert!(
        rows[0]["updated_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z')),
        "write updated_at as YYYY-MM-DDTHH:MM:SSZ"
    );
}

fn sync_products(url: Option<&str>, out: &Path) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sync-products"));
    cmd.args(["--out", out.to_str().unwrap()])
        .env("PRACTICE_API_CLIENT_ID", CLIENT_ID)
        .env("PRACTICE_API_CLIENT_SECRET", CLIENT_SECRET)
        .env_remove("PRACTICE_API_URL");
    if let Some(u) = url {
        cmd.env("PRACTICE_API_URL", u);
    }
    cmd.output().expect("run sync-products")
}

fn client(lab: &common::Lab, clock: &std::sync::Arc<LabClock>) -> ApiClient {
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, CLIENT_SECRET)
        .unwrap()
        .with_clock(clock.clone());
    ApiClient::new(&lab.url(), creds)
        .unwrap()
        .with_sleeper(clock.clone())
}

#[test]
fn the_cli_writes_the_file_and_prints_a_summary() {
    let lab = lab();
    let dir = std::env::temp_dir().join(format!("sync-products-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("products.json");
    let run = sync_products(Some(&lab.url()), &out);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    assert!(
        run.status.success(),
        "exit {:?}; stderr:\n{stderr}",
        run.status.code()
    );
    let lines: Vec<&str> = stdout.trim().lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "print exactly one JSON line on stdout, got:\n{stdout}"
    );
    let summary: Value = serde_json::from_str(lines[0]).expect("the summary is JSON");
    assert_eq!(summary["count"], 137);
    let sent = lab
        .journal(None)
        .iter()
        .filter(|e| e.path.starts_with("/v1/"))
        .count();
    assert_eq!(
        summary["requests"], sent,
        "requests={} but the journal shows {sent} requests to /v1",
        summary["requests"]
    );
    assert_eq!(
        (
            summary["retries"].as_u64(),
            summary["rate_limited"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert_eq!(summary["output"], out.to_str().unwrap());
    check_file(&out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_summary_counts_retries_and_429s() {
    let dir = std::env::temp_dir().join(format!("sync-products-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let lab = lab();
    lab.scenario("flaky");
    let clock = lab.clock();
    let summary =
        run_sync(&client(&lab, &clock), &dir.join("p.json"), 10).expect("run_sync under flaky");
    assert_eq!(summary["count"], 137);
    let sent = lab
        .journal(None)
        .iter()
        .filter(|e| e.path.starts_with("/v1/"))
        .count() as u64;
    assert_eq!(
        summary["requests"], sent,
        "requests={} but the journal shows {sent}",
        summary["requests"]
    );
    assert!(
        sent > 14 && summary["retries"] == sent - 14,
        "14 pages, {sent} requests: retries should be {}, got {}",
        sent - 14,
        summary["retries"]
    );
    check_file(&dir.join("p.json"));

    let lab = common::lab();
    lab.scenario("rate-limit");
    let clock = lab.clock();
    lab.drain(); // the first request meets an empty bucket
    let summary =
        run_sync(&client(&lab, &clock), &dir.join("q.json"), 5).expect("run_sync under rate-limit");
    let limited = lab.journal(None).iter().filter(|e| e.status == 429).count() as u64;
    assert!(
        limited > 0 && summary["rate_limited"] == limited,
        "rate_limited={}, the journal shows {limited} 429s",
        summary["rate_limited"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_setting_exits_2_with_a_message() {
    let out =
        std::env::temp_dir().join(format!("sync-products-missing-{}.json", std::process::id()));
    let run = sync_products(None, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(2),
        "a configuration error exits 2; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("PRACTICE_API_URL") && !stderr.contains("panicked"),
        "print `error: ...` naming the variable, got:\n{stderr}"
    );
    assert!(!out.exists());
}
