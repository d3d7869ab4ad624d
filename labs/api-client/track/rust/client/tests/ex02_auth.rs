//! Exercise 2: authenticate. See exercises/02-auth.md.

mod common;

use std::time::Duration;

use client::{ApiClient, ApiError, ClientCredentials, TokenSource};
use common::{CLIENT_ID, CLIENT_SECRET, lab};

#[test]
fn credentials_come_from_the_environment() {
    let env = |k: &str| match k {
        "PRACTICE_API_CLIENT_ID" => Some("me".to_string()),
        "PRACTICE_API_CLIENT_SECRET" => Some("s".to_string()),
        _ => None,
    };
    let creds = ClientCredentials::from_vars("http://127.0.0.1:9", env)
        .expect("from_vars with both variables");
    assert_eq!(creds.client_id, "me");
    let only_id = |k: &str| (k == "PRACTICE_API_CLIENT_ID").then(|| "me".to_string());
    match ClientCredentials::from_vars("http://127.0.0.1:9", only_id) {
        Err(ApiError::Config(msg)) => assert!(
            msg.contains("PRACTICE_API_CLIENT_SECRET"),
            "name the missing variable: {msg}"
        ),
        other => {
            panic!("expected ApiError::Config naming PRACTICE_API_CLIENT_SECRET, got {other:?}")
        }
    }
}

#[test]
fn the_token_is_cached() {
    let lab = lab();
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, CLIENT_SECRET).unwrap();
    let first = creds.token().expect("token()");
    assert!(
        !first.is_empty(),
        "token() must return the access_token string"
    );
    assert_eq!(
        creds.token().unwrap(),
        first,
        "a second token() while the first is valid must return the cached token"
    );
    let tokens = lab.journal(Some("/oauth/token"));
    assert_eq!(
        tokens.len(),
        1,
        "expected 1 POST /oauth/token for two token() calls, the journal shows {}",
        tokens.len()
    );
    assert_eq!(
        (tokens[0].method.as_str(), tokens[0].status),
        ("POST", 200),
        "the token request failed: {:?}",
        tokens[0]
    );
}

#[test]
fn a_wrong_secret_is_unauthorized() {
    let lab = lab();
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, "not-the-secret").unwrap();
    let result = creds.token();
    assert!(
        matches!(result, Err(ApiError::Unauthorized(_))),
        "expected ApiError::Unauthorized, got {result:?}"
    );
}

#[test]
fn invalidate_forces_a_new_token() {
    let lab = lab();
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, CLIENT_SECRET).unwrap();
    let first = creds.token().unwrap();
    creds.invalidate(&first);
    assert_ne!(
        creds.token().unwrap(),
        first,
        "after invalidate(token), token() must fetch a new one"
    );
    assert_eq!(lab.journal(Some("/oauth/token")).len(), 2);
}

#[test]
fn short_lived_tokens_are_refreshed_once_per_expiry() {
    let lab = lab();
    lab.scenario("short-tokens"); // tokens live 3 s (on the server's clock, which clock.sleep moves)
    let clock = lab.clock();
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, CLIENT_SECRET)
        .unwrap()
        .with_clock(clock.clone());
    let client = ApiClient::new(&lab.url(), creds)
        .unwrap()
        .with_sleeper(clock.clone());
    for _ in 0..10 {
        client.get_product(1).expect("get_product(1)");
        client::Sleeper::sleep(&*clock, Duration::from_millis(1100));
    }
    let tokens = lab.journal(Some("/oauth/token")).len();
    let refused = lab.journal(None).iter().filter(|e| e.status == 401).count();
    assert!(
        (3..=5).contains(&tokens),
        "over ~11 s with 3 s tokens expect about 4 token requests, the journal shows {tokens}: {}",
        if tokens > 5 {
            "are you caching the token?"
        } else {
            "do you refresh when it expires (or after a 401)?"
        }
    );
    assert_eq!(
        refused, 0,
        "{refused} requests got 401: refresh the token shortly before it expires (its expiry measured on \
         the injected clock, minus EXPIRY_MARGIN), instead of waiting for the server to refuse it"
    );
}

#[test]
fn debug_output_shows_neither_token_nor_secret() {
    let lab = lab();
    let creds = ClientCredentials::new(&lab.url(), CLIENT_ID, CLIENT_SECRET).unwrap();
    let token = creds.token().unwrap();
    let shown = format!("{creds:?}");
    assert!(
        !shown.contains(CLIENT_SECRET),
        "{{:?}} of the credentials shows the client secret: {shown}"
    );
    assert!(
        !shown.contains(&token),
        "{{:?}} of the credentials shows the access token: {shown}"
    );
    assert!(
        shown.contains(CLIENT_ID),
        "keep the client id in {{:?}}, it helps debugging: {shown}"
    );
}

#[test]
fn the_secret_is_not_in_the_source_code() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|t| t.contains(CLIENT_SECRET)) {
                panic!(
                    "{} contains the client secret: read it from PRACTICE_API_CLIENT_SECRET instead",
                    path.display()
                );
            }
        }
    }
}
