//! The limits of one git fetch (issue 13): a wall-clock deadline
//! (`LABFORGE_GIT_TIMEOUT`, default 300 s) and the download size cap, checked
//! from libgit2's progress callbacks, and the errors that say which one
//! stopped the fetch.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cache;
use crate::error::{Error, Result};

/// The limits of one fetch and why it was stopped, shared with libgit2's
/// callbacks (which may run on the worker thread).
pub struct Watch {
    started: Instant,
    pub deadline: Duration,
    cap: u64,
    stopped: Mutex<Option<Stop>>,
}

#[derive(Clone, Copy)]
pub enum Stop {
    TooBig,
    TooSlow,
}

impl Watch {
    pub fn from_env() -> Result<Watch> {
        let secs = match std::env::var("LABFORGE_GIT_TIMEOUT") {
            Err(_) => 300,
            Ok(t) => t.trim().parse().map_err(|_| {
                Error::new(format!(
                    "LABFORGE_GIT_TIMEOUT=`{}` is not a whole number",
                    super::archive::shorten(&t)
                ))
                .with_help("set LABFORGE_GIT_TIMEOUT to a number of seconds (or unset it for 300)")
            })?,
        };
        Ok(Watch {
            started: Instant::now(),
            deadline: Duration::from_secs(secs),
            cap: cache::max_download()?,
            stopped: Mutex::new(None),
        })
    }

    /// False (stop the transfer) once past the deadline or the cap.
    pub fn allows(&self, received: u64) -> bool {
        let stop = if received > self.cap {
            Some(Stop::TooBig)
        } else if self.started.elapsed() > self.deadline {
            Some(Stop::TooSlow)
        } else {
            None
        };
        if let Some(s) = stop
            && let Ok(mut slot) = self.stopped.lock()
        {
            slot.get_or_insert(s);
        }
        stop.is_none()
    }

    pub fn stopped(&self) -> Option<Stop> {
        self.stopped.lock().ok().and_then(|s| *s)
    }

    pub fn error(&self, stop: Stop, shown: &str) -> Error {
        match stop {
            Stop::TooBig => Error::new(format!(
                "refusing to fetch `{shown}`: it sends more than the download limit of {} bytes",
                self.cap
            ))
            .with_help("a lab template is normally small; if you trust this repository, raise the limit with LABFORGE_MAX_DOWNLOAD=BYTES; nothing was cached"),
            Stop::TooSlow => Error::new(format!(
                "the fetch of `{shown}` did not finish within {} s",
                self.deadline.as_secs()
            ))
            .with_help("check your network and try again; a slow server needs a longer LABFORGE_GIT_TIMEOUT=SECONDS; a cached copy works with --offline"),
        }
    }
}
