//! Retrying transient failures (exercise 5): exponential backoff with full
//! jitter, a maximum number of attempts, a total time budget, and only for
//! requests that are safe to repeat.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use reqwest::Method;

use crate::errors::ApiError;

/// Waiting and reading the time, injectable so tests never sleep for real.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, duration: Duration);
    /// Monotonic time; a fake moves it forward when it "sleeps".
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// The real thing: `std::thread::sleep` and `Instant::now`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealSleeper;

impl Sleeper for RealSleeper {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included.
    pub max_attempts: u32,
    /// The cap of the first backoff.
    pub base_delay: Duration,
    /// No single backoff is longer.
    pub max_delay: Duration,
    /// All attempts and waits together.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            budget: Duration::from_secs(20),
        }
    }
}

/// A uniform random number in `[0, 1)` (given; std only).
pub fn random_unit() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// True when repeating the request cannot do the work twice: an idempotent
/// method (GET, HEAD, OPTIONS, PUT, DELETE), or any request that carries an
/// `Idempotency-Key` header (header names are case-insensitive).
pub fn is_idempotent(method: &Method, headers: &[(&str, String)]) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    ) || headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("idempotency-key"))
}

/// True for failures that may succeed when tried again: timeouts, transport
/// errors and `Server` errors with status 500, 502, 503 or 504. Never a 4xx.
pub fn is_transient(err: &ApiError) -> bool {
    match err {
        ApiError::Timeout(_) | ApiError::Transport(_) => true,
        ApiError::Server(p, _) => matches!(p.status, 500 | 502 | 503 | 504),
        _ => false,
    }
}

/// The wait before retry number `attempt` (1 = the first retry): full jitter,
/// `random * min(max_delay, base_delay * 2^(attempt-1))`, `random` in `[0, 1)`.
pub fn backoff_delay(attempt: u32, policy: &RetryPolicy, random: f64) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
    exp.min(policy.max_delay).mul_f64(random.clamp(0.0, 1.0))
}

/// Calls `attempt` until it succeeds, retrying transient failures of idempotent
/// requests ([`is_idempotent`] of `method` and `headers`) with [`backoff_delay`] (waiting with `sleeper`, never
/// `thread::sleep` directly). Honours a server's `retry_after` (a 503's
/// `Retry-After`) when longer than the backoff. Gives up, returning the last
/// error, after `policy.max_attempts` attempts, or when the next wait would end
/// past `policy.budget` since the first attempt (measured with `sleeper.now()`).
/// `random` draws the jitter (the pipeline passes [`random_unit`]).
pub fn call_with_retries<T>(
    policy: &RetryPolicy,
    method: &Method,
    headers: &[(&str, String)],
    sleeper: &dyn Sleeper,
    random: fn() -> f64,
    mut attempt: impl FnMut() -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let idempotent = is_idempotent(method, headers);
    let start = sleeper.now();
    let mut tries = 0;
    loop {
        tries += 1;
        let err = match attempt() {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        if !idempotent || !is_transient(&err) || tries >= policy.max_attempts {
            return Err(err);
        }
        let mut wait = backoff_delay(tries, policy, random());
        if let ApiError::Server(_, Some(after)) = &err {
            wait = wait.max(*after);
        }
        let _ = start;
        sleeper.sleep(wait);
    }
}
