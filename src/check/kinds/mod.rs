//! The check kinds. Each kind turns a [`CheckDef`] into an [`Outcome`]; an
//! `Err` from a kind means the check could not be judged (status `error`).

pub(crate) mod adr;
pub(crate) mod command;
pub(crate) mod file;
pub(crate) mod http;
pub(crate) mod json;
pub(crate) mod process;
pub(crate) mod sql;

use std::time::Duration;

use super::Context;
use super::results::Status;
use super::services::Instance;
use crate::error::Result;
use crate::manifest::{CheckDef, CheckKind, Exercise};

/// What a kind found.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) message: Option<String>,
    /// The end of the output of what ran.
    pub(crate) output: Option<String>,
    /// The failing tests' assertions found in the output (see
    /// [`crate::check::assertions`]).
    pub(crate) assertion: Option<String>,
}

impl Outcome {
    pub(crate) fn pass() -> Outcome {
        Outcome {
            status: Status::Pass,
            message: None,
            output: None,
            assertion: None,
        }
    }
    pub(crate) fn fail(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Fail,
            message: Some(message.into()),
            output: None,
            assertion: None,
        }
    }
    pub(crate) fn error(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Error,
            message: Some(message.into()),
            output: None,
            assertion: None,
        }
    }
    pub(crate) fn skipped(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Skipped,
            message: Some(message.into()),
            output: None,
            assertion: None,
        }
    }
    /// Adds the failing tests' assertions found in a test runner's `output`.
    pub(crate) fn with_assertions_of(mut self, output: &str) -> Outcome {
        self.assertion = crate::check::assertions::excerpt(output);
        self
    }
    pub(crate) fn with_output(mut self, output: impl Into<String>) -> Outcome {
        let o = output.into();
        self.output = (!o.trim().is_empty()).then_some(o);
        self
    }
}

/// Everything a kind needs besides the context.
pub(crate) struct Job<'a> {
    pub(crate) exercise: &'a Exercise,
    pub(crate) check: &'a CheckDef,
    pub(crate) id: &'a str,
    pub(crate) timeout: Duration,
    /// Services started for this check.
    pub(crate) services: &'a [Instance],
}

/// The default timeout of a check of `kind` without `timeout`.
pub(crate) fn default_timeout(kind: CheckKind) -> Duration {
    Duration::from_secs(match kind {
        CheckKind::Command => 600,
        CheckKind::Process => 60,
        CheckKind::Http | CheckKind::Sql => 30,
        CheckKind::File | CheckKind::NoPlaceholders | CheckKind::Adr => 10,
    })
}

/// Runs one check of any kind.
pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    match job.check.kind.get_ref() {
        CheckKind::Command => command::run(cx, job),
        CheckKind::File => file::run_file(cx, job),
        CheckKind::NoPlaceholders => file::run_no_placeholders(cx, job),
        CheckKind::Http => http::run(cx, job),
        CheckKind::Process => process::run(cx, job),
        CheckKind::Sql => sql::run(cx, job),
        CheckKind::Adr => adr::run(cx, job),
    }
}
