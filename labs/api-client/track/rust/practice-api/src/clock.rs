//! The server's notion of time: real time plus an offset that tests move
//! forward (`POST /__admin/clock`, [`crate::Handle::advance`]), or a manual
//! clock that stands still until it is moved.
//!
//! Token expiry, the rate-limit buckets, `Date`/`Retry-After` headers and
//! journal times all read this clock, so a test can "wait" an hour without
//! sleeping. `POST /__admin/reset` restarts it at 0.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug)]
struct Inner {
    start: Instant,
    wall_start: SystemTime,
    offset: Duration,
    frozen: bool,
}

/// Milliseconds since the server started (or was reset), real or manual.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Mutex<Inner>>);

impl Clock {
    /// Follows real time (plus whatever [`Clock::advance`] adds).
    pub fn real() -> Clock {
        Clock(Arc::new(Mutex::new(Inner {
            start: Instant::now(),
            wall_start: SystemTime::now(),
            offset: Duration::ZERO,
            frozen: false,
        })))
    }
    /// Stands still until [`Clock::advance`] moves it: fully deterministic tests.
    pub fn manual() -> Clock {
        let clock = Clock::real();
        clock.lock().frozen = true;
        clock
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Time since start (or the last reset).
    pub fn now(&self) -> Duration {
        let c = self.lock();
        if c.frozen {
            c.offset
        } else {
            c.start.elapsed() + c.offset
        }
    }
    pub fn now_ms(&self) -> u64 {
        self.now().as_millis() as u64
    }
    /// The wall-clock time this clock stands for (for `Date` and HTTP-date headers).
    pub fn wall(&self) -> SystemTime {
        let wall_start = self.lock().wall_start;
        wall_start + self.now()
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.lock().offset += by;
    }
    /// Back to 0 (the wall clock restarts at the real time).
    pub fn reset(&self) {
        let mut c = self.lock();
        c.start = Instant::now();
        c.wall_start = SystemTime::now();
        c.offset = Duration::ZERO;
    }
}
