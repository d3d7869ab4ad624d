//! Typed errors of the client (exercise 4).
//!
//! Callers match on what they can act on (`NotFound`, `Validation`,
//! `Unauthorized`, `RateLimited`) instead of inspecting status codes, and
//! transient failures (`Server`, `Timeout`, `Transport`) are what exercise 5 retries.

use std::fmt;
use std::time::Duration;

use reqwest::blocking::Response;
use serde_json::Value;

/// One entry of a 422 response's `errors` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub msg: String,
}

/// The problem+json fields of an error response (RFC 9457).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub title: String,
    pub detail: String,
}

#[derive(Debug)]
pub enum ApiError {
    /// A setting is missing or malformed; the message names it.
    Config(String),
    /// The request took longer than the configured timeout.
    Timeout(String),
    /// The connection failed, was reset, or the body could not be read.
    Transport(String),
    /// The response was not the JSON we expected.
    Decode(String),
    /// 401: the token (or the client secret) was refused.
    Unauthorized(Problem),
    /// 404: the resource does not exist. Never worth a retry.
    NotFound(Problem),
    /// 422: understood but invalid; `errors` says why.
    Validation(Problem, Vec<FieldError>),
    /// 429: too many requests; `retry_after` is the wait the server asked for.
    RateLimited(Problem, Option<Duration>),
    /// 5xx: the server failed, maybe transiently; `retry_after` as for `RateLimited`.
    Server(Problem, Option<Duration>),
    /// Any other 4xx.
    Http(Problem),
}

impl ApiError {
    /// The HTTP status behind this error, if it came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized(p) | ApiError::NotFound(p) | ApiError::Http(p) => Some(p.status),
            ApiError::Validation(p, _) | ApiError::RateLimited(p, _) | ApiError::Server(p, _) => {
                Some(p.status)
            }
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = |f: &mut fmt::Formatter<'_>, p: &Problem| {
            write!(f, "{} {}: {}", p.status, p.title, p.detail)
        };
        match self {
            ApiError::Config(m) => write!(f, "configuration: {m}"),
            ApiError::Timeout(m) => write!(f, "timed out: {m}"),
            ApiError::Transport(m) => write!(f, "transport: {m}"),
            ApiError::Decode(m) => write!(f, "unexpected response: {m}"),
            ApiError::Validation(pr, errors) => {
                p(f, pr)?;
                errors
                    .iter()
                    .try_for_each(|e| write!(f, "; {}: {}", e.field, e.msg))
            }
            ApiError::RateLimited(pr, after) | ApiError::Server(pr, after) => {
                p(f, pr)?;
                after.map_or(Ok(()), |d| {
                    write!(f, " (retry after {} s)", d.as_secs_f64())
                })
            }
            ApiError::Unauthorized(pr) | ApiError::NotFound(pr) | ApiError::Http(pr) => p(f, pr),
        }
    }
}

impl std::error::Error for ApiError {}

/// Transport failures (given): timeouts apart, the rest is `Transport`.
impl From<reqwest::Error> for ApiError {
    fn from(e: reqwest::Error) -> ApiError {
        // `{:#}`-like chain: the source says "connection reset", "operation timed out"...
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_timeout() {
            ApiError::Timeout(msg)
        } else if e.is_decode() {
            ApiError::Decode(msg)
        } else {
            ApiError::Transport(msg)
        }
    }
}

/// A numeric `Retry-After` header (seconds), if there is one.
fn retry_after_secs(resp: &Response) -> Option<Duration> {
    let value = resp.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Returns 1xx-3xx responses unchanged; turns the others into the matching error.
///
/// 401 -> `Unauthorized`, 404 -> `NotFound`, 422 -> `Validation` (a `FieldError` per
/// `{field, msg}` of the body's `errors`), 429 -> `RateLimited`, 5xx -> `Server`
/// (both with `retry_after` from a numeric `Retry-After` header, else `None`), any
/// other 4xx -> `Http`. Title and detail come from the problem+json body when there is one.
pub fn error_for_response(resp: Response) -> Result<Response, ApiError> {
    let status = resp.status().as_u16();
    if status < 400 {
        return Ok(resp);
    }
    let retry_after = retry_after_secs(&resp);
    let body: Value = resp.json().unwrap_or(Value::Null);
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let problem = Problem {
        status,
        title: text("title"),
        detail: text("detail"),
    };
    Err(match status {
        401 => ApiError::Unauthorized(problem),
        422 => {
            let errors = body
                .get("errors")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let errors = errors
                .iter()
                .map(|e| FieldError {
                    field: e
                        .get("field")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    msg: e
                        .get("msg")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                })
                .collect();
            ApiError::Validation(problem, errors)
        }
        429 => ApiError::RateLimited(problem, retry_after),
        500..=599 => ApiError::Server(problem, retry_after),
        _ => ApiError::Http(problem),
    })
}
