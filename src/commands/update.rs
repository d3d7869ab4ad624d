//! `labforge update`: merge a newer lab version into a learner's lab.

use clap::Args;

use crate::error::{Error, Result, Status};
use crate::update::Options;

#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// The version to update to (default: the latest)
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// Change an answer (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub(crate) set: Vec<String>,
    /// Print the plan and the diffs; write nothing
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Exit 1 when a newer version exists, 0 when current
    #[arg(long, conflicts_with_all = ["dry_run", "to", "set", "allow_dirty", "restore_deleted"])]
    pub(crate) check: bool,
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
    /// Update even though the git tree has uncommitted changes
    #[arg(long)]
    pub(crate) allow_dirty: bool,
    /// Finish an update after resolving its conflicts
    #[arg(long = "continue", conflicts_with_all = ["dry_run", "check", "to", "set", "restore_deleted", "offline"])]
    pub(crate) continue_: bool,
    /// Take back the last update (as `labforge undo` when the last change was an update)
    #[arg(long, conflicts_with_all = ["dry_run", "check", "continue_", "to", "set", "restore_deleted", "offline", "allow_dirty"])]
    pub(crate) undo: bool,
    /// Bring back files you deleted that the new version changed
    #[arg(long)]
    pub(crate) restore_deleted: bool,
    /// Use only the cache for remote sources
    #[arg(long)]
    pub(crate) offline: bool,
}

pub(crate) fn run(args: UpdateArgs) -> Result<Status> {
    let opts = Options {
        to: args.to,
        set: args.set,
        dry_run: args.dry_run,
        check: args.check,
        json: args.json,
        allow_dirty: args.allow_dirty,
        continue_: args.continue_,
        undo: args.undo,
        restore_deleted: args.restore_deleted,
        offline: args.offline,
    };
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
    crate::update::update(
        &cwd,
        &opts,
        &mut crate::out::Stdout,
        &mut crate::out::Stderr,
    )
}
