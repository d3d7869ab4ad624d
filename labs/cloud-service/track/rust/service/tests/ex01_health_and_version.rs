//! Exercise 1: GET /healthz and GET /version.

mod common;

use std::collections::HashMap;

use notes_service::health;
use serde_json::{Value, json};

#[test]
fn healthz_says_ok() {
    let svc = common::start(&[]);
    let resp = common::client()
        .get(format!("{}/healthz", svc.url))
        .send()
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "GET /healthz answered {}",
        resp.status()
    );
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.json::<Value>().unwrap(), json!({"status": "ok"}));
}

#[test]
fn version_comes_from_the_environment() {
    let svc = common::start(&[("GIT_SHA", "abc1234"), ("APP_ENV", "lab")]);
    let resp = common::client()
        .get(format!("{}/version", svc.url))
        .send()
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "GET /version answered {}",
        resp.status()
    );
    assert_eq!(
        resp.json::<Value>().unwrap(),
        json!({"git_sha": "abc1234", "app_env": "lab"}),
        "the service was started with GIT_SHA=abc1234 APP_ENV=lab"
    );
}

#[test]
fn version_has_defaults() {
    let (status, body) = health::version(&HashMap::new());
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"git_sha": "unknown", "app_env": "development"})
    );
}

#[test]
fn version_reads_the_map_it_is_given() {
    let vars: HashMap<String, String> = [("GIT_SHA", "f00dcafe"), ("APP_ENV", "staging")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        health::version(&vars),
        (200, json!({"git_sha": "f00dcafe", "app_env": "staging"})),
        "version() reads GIT_SHA and APP_ENV from the map it is given (the environment, at request time)"
    );
}

#[test]
fn empty_values_get_the_defaults_too() {
    let vars: HashMap<String, String> = [("GIT_SHA", ""), ("APP_ENV", "")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (_, body) = health::version(&vars);
    assert_eq!(
        body,
        json!({"git_sha": "unknown", "app_env": "development"}),
        "GIT_SHA and APP_ENV set but empty must give the defaults too (unset or empty)"
    );
}
