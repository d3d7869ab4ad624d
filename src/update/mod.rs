//! `labforge update`: bring a learner's lab up to a newer version of its
//! template without losing an edit.
//!
//! The stored base (`.labforge/objects`, recorded per file in `state.toml`)
//! is the common ancestor; the new version is rendered once with the recorded
//! answers; [`plan`] decides per path; [`merge`] is git's 3-way text merge;
//! [`backup`] copies every file about to change; [`journal`] makes the writes
//! restartable; [`gitcheck`] refuses a dirty git tree; [`inputs`] gathers the
//! three sides; [`report`] prints plans, diffs and JSON; versions for
//! `--check` and `--to` compare with [`crate::version`]; [`finish`] holds
//! `--continue` and `--undo`; [`run`] puts it together.

pub mod backup;
pub mod finish;
pub mod gitcheck;
pub mod inputs;
pub mod journal;
pub mod merge;
pub mod plan;
pub mod report;
pub mod run;

pub use run::update;

/// What `labforge update` was asked to do (plain values, no clap types).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub to: Option<String>,
    /// `NAME=VALUE` answers to change.
    pub set: Vec<String>,
    pub dry_run: bool,
    pub check: bool,
    pub json: bool,
    pub allow_dirty: bool,
    pub continue_: bool,
    pub undo: bool,
    pub restore_deleted: bool,
    pub offline: bool,
}
