//! `labforge undo`: take back the last reset, restore or update from its
//! backup; `--list` shows the backups.

use clap::Args;

use crate::error::{Error, Result, Status};
use crate::state::State;

#[derive(Debug, Args)]
pub(crate) struct UndoArgs {
    /// List the backups (newest first: folder, time, operation, files) instead of undoing
    #[arg(long)]
    pub(crate) list: bool,
    /// With --list: print JSON on stdout
    #[arg(long, requires = "list")]
    pub(crate) json: bool,
}

pub(crate) fn run(a: UndoArgs) -> Result<Status> {
    if !a.list {
        return undo_last(None);
    }
    let root = lab_root()?;
    // Listing may move an earlier labforge's backups into the store.
    let _lock = crate::lablock::acquire(&root, "undo")?;
    if a.json {
        let doc = crate::backup::undo::json(&root)?;
        crate::outln!("{doc:#}")?;
        return Ok(Status::Success);
    }
    let text = crate::backup::undo::list(&root)?;
    if text.is_empty() {
        crate::eoutln!(
            "no backups yet: reset, restore and update make one whenever they change your files"
        );
    }
    crate::out!("{text}")?;
    Ok(Status::Success)
}

/// Undoes the newest operation (of kind `only`, for `reset --undo`).
pub(crate) fn undo_last(only: Option<&str>) -> Result<Status> {
    let root = lab_root()?;
    let _lock = crate::lablock::acquire(&root, "undo")?;
    crate::backup::undo::undo(&root, only, &mut crate::out::Stderr)
}

fn lab_root() -> Result<std::path::PathBuf> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
    State::find_root(&cwd)
}
