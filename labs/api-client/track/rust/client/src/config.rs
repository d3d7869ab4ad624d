//! Where the client connects, and how long it waits (exercise 1).

use std::time::Duration;

use reqwest::blocking::Client;

use crate::errors::ApiError;

pub const ENV_BASE_URL: &str = "PRACTICE_API_URL";

// TODO(lab): exercise 1. Set explicit timeouts, for example 3.05 s to connect
// (Duration::from_millis(3050): just above TCP's 3 s SYN retransmit) and 10 s
// for a whole request (reqwest's blocking client has no separate read timeout).
// `None` means no limit at all: a server that accepts the connection and never
// answers would hang your client forever.

/// How long to wait for the TCP connection.
pub const CONNECT_TIMEOUT: Option<Duration> = None;
/// How long a whole request may take.
pub const REQUEST_TIMEOUT: Option<Duration> = None;

/// The HTTP client every request goes through, with the timeouts above (given).
pub fn http_client() -> Result<Client, ApiError> {
    http_client_with(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
}

/// An HTTP client with these timeouts (`None`: wait as long as it takes).
pub fn http_client_with(
    connect: Option<Duration>,
    request: Option<Duration>,
) -> Result<Client, ApiError> {
    let mut builder = Client::builder().timeout(request);
    if let Some(connect) = connect {
        builder = builder.connect_timeout(connect);
    }
    builder
        .build()
        .map_err(|e| ApiError::Config(format!("cannot build the HTTP client: {e}")))
}

/// The API's base URL from `PRACTICE_API_URL` (given: reads the real environment).
pub fn base_url_from_env() -> Result<String, ApiError> {
    base_url_from(|name| std::env::var(name).ok())
}

/// The base URL from `env` (tests pass a closure), without a trailing `/`.
/// `ApiError::Config` names the variable when it is unset, empty or not http(s).
pub fn base_url_from(env: impl Fn(&str) -> Option<String>) -> Result<String, ApiError> {
    // TODO(lab): exercise 1. Read ENV_BASE_URL with env(..), check it starts with
    // http:// or https://, strip a trailing "/". Errors name the variable.
    let _ = env;
    todo!("exercise 1: write base_url_from in client/src/config.rs")
}
