//! `labforge update`: bring a learner's lab up to a newer version of its
//! template without losing an edit.
//!
//! The stored base (`.labforge/objects`, recorded per file in `state.toml`)
//! is the common ancestor; the new version is rendered once with the recorded
//! answers; [`plan`] decides per path; [`merge`] is git's 3-way text merge;
//! the one backup store ([`crate::backup`]) copies every file about to
//! change and the one journal ([`crate::journal`]) makes the writes
//! restartable; [`gitcheck`] refuses a dirty git tree; [`inputs`] gathers the
//! three sides; [`report`] prints plans, diffs and JSON; versions for
//! `--check` and `--to` compare with [`crate::version`]; [`finish`] holds
//! `--continue` and reports a recovered update (`--undo` is
//! [`crate::backup::undo`]); [`run`] puts it together.

pub(crate) mod finish;
pub(crate) mod gitcheck;
pub(crate) mod inputs;
pub mod merge;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod run;

pub(crate) use run::update;

/// What `labforge update` was asked to do (plain values, no clap types).
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) to: Option<String>,
    /// `NAME=VALUE` answers to change.
    pub(crate) set: Vec<String>,
    pub(crate) dry_run: bool,
    pub(crate) check: bool,
    pub(crate) json: bool,
    pub(crate) allow_dirty: bool,
    pub(crate) continue_: bool,
    pub(crate) undo: bool,
    pub(crate) restore_deleted: bool,
    pub(crate) offline: bool,
}
