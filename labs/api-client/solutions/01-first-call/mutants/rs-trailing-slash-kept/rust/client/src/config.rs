//! Where the client connects, and how long it waits (exercise 1).

use std::time::Duration;

use reqwest::blocking::Client;

use crate::errors::ApiError;

pub const ENV_BASE_URL: &str = "PRACTICE_API_URL";

/// How long to wait for the TCP connection.
pub const CONNECT_TIMEOUT: Option<Duration> = Some(Duration::from_millis(1_000));
/// How long a whole request may take (reqwest's blocking client has no separate read
/// timeout): long enough for a slow page, short enough that a stuck server fails fast.
pub const REQUEST_TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));

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
    let raw = env(ENV_BASE_URL)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    if raw.is_empty() {
        return Err(ApiError::Config(format!(
            "{ENV_BASE_URL} is not set (for example http://127.0.0.1:8080)"
        )));
    }
    if !(raw.starts_with("http://") || raw.starts_with("https://")) {
        return Err(ApiError::Config(format!(
            "{ENV_BASE_URL} must start with http:// or https:// (got {raw:?})"
        )));
    }
    Ok(raw)
}
