//! Respecting rate limits (exercise 6): honour `Retry-After` (seconds or an
//! HTTP-date), give up when the server asks for too long a wait, and throttle
//! ahead of time using `X-RateLimit-Remaining` / `X-RateLimit-Reset`.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Response;
use reqwest::header::HeaderMap;

use crate::errors::{ApiError, Problem};
use crate::retry::Sleeper;

/// The wait when a 429 carries no usable `Retry-After`.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// The wait `Retry-After` asks for, or `None` when it is absent or unreadable.
///
/// The value is either seconds (`"3"`) or an HTTP-date (`"Wed, 25 Nov 2026
/// 10:00:05 GMT"`, see `httpdate::parse_http_date`). Measure an HTTP-date
/// against the response's own `Date` header (immune to clock skew), else
/// against `now`. A date in the past means zero.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let date = headers
        .get("date")
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok());
    Some(
        at.duration_since(date.unwrap_or(now))
            .unwrap_or(Duration::ZERO),
    )
}

/// Wraps sending so that 429s are waited out (up to `max_wait` each) and the
/// client slows down before the server has to say no.
#[derive(Debug)]
pub struct RateLimiter {
    pub max_wait: Duration,
    pub max_retries: u32,
    /// Do not send before this instant (planned from `X-RateLimit-*`).
    pause_until: Mutex<Option<Instant>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(Duration::from_secs(30), 5)
    }
}

impl RateLimiter {
    pub fn new(max_wait: Duration, max_retries: u32) -> RateLimiter {
        RateLimiter {
            max_wait,
            max_retries,
            pause_until: Mutex::new(None),
        }
    }

    /// Sends (via `send`) and returns the first response that is not a 429,
    /// sleeping (with `sleeper`) as `Retry-After` asks between tries. Returns
    /// `ApiError::RateLimited` (with the wait asked for) when that wait exceeds
    /// `max_wait`, or after `max_retries` 429s in a row. Before sending, waits
    /// out a pause planned from `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset`
    /// (seconds until the bucket is full again).
    pub fn call(
        &self,
        sleeper: &dyn Sleeper,
        mut send: impl FnMut() -> Result<Response, ApiError>,
    ) -> Result<Response, ApiError> {
        let mut limited = 0;
        loop {
            let pause = self
                .pause_until
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some(until) = pause {
                let now = sleeper.now();
                if until > now {
                    sleeper.sleep(until - now);
                }
            }
            let resp = send()?;
            self.plan(&resp, sleeper);
            if resp.status() != 429 {
                return Ok(resp);
            }
            limited += 1;
            let wait = retry_after(resp.headers(), SystemTime::now()).unwrap_or(DEFAULT_WAIT);
            if limited > self.max_retries {
                let detail = format!(
                    "the server asked to wait {} s (we wait at most {} s)",
                    wait.as_secs(),
                    self.max_wait.as_secs()
                );
                return Err(ApiError::RateLimited(
                    Problem {
                        status: 429,
                        title: "Too many requests".into(),
                        detail,
                    },
                    Some(wait),
                ));
            }
            sleeper.sleep(wait);
        }
    }

    /// Plans a pause when the bucket is empty: until `X-RateLimit-Reset` says it refills.
    fn plan(&self, resp: &Response, sleeper: &dyn Sleeper) {
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if resp.status() != 429 && header("x-ratelimit-remaining") == Some(0) {
            let reset = Duration::from_secs(header("x-ratelimit-reset").unwrap_or(1).max(1));
            *self.pause_until.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(sleeper.now() + reset);
        }
    }
}
