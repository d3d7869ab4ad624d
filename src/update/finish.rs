//! After an update: `--continue` (accepts the update once every conflict is
//! resolved) and `--undo` (puts back every file the last update touched, byte
//! for byte, from its backup, after backing up the current files too).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result, Status};
use crate::fsx;
use crate::state::State;

use super::backup;
use super::journal::{self, Journal};
use super::merge;

/// The error while an update's conflicts are unresolved.
pub fn pending_conflicts(st: &State) -> Error {
    let mut e = Error::new(format!(
        "the last update left {} conflict(s) unresolved",
        st.conflicts.len()
    ));
    for c in &st.conflicts {
        e = e.with_detail(c.clone());
    }
    e.with_help("resolve them and run `labforge update --continue`, or roll the update back with `labforge update --undo`")
}

/// Reports an update (or undo) that was interrupted and has just been
/// finished from its journal; the run stops there.
pub fn recovered(root: &Path, j: &Journal, err: &mut dyn Write) -> Result<Status> {
    let st = State::load(root)?;
    if j.kind == "undo" {
        let _ = writeln!(
            err,
            "Finished the interrupted `labforge update --undo`: the lab is back at {}.",
            st.lab
        );
        return Ok(Status::Success);
    }
    let _ = writeln!(
        err,
        "Finished the interrupted update to {}. Backup: {}/{} (`labforge update --undo` restores it).",
        st.lab,
        backup::BACKUPS_DIR,
        j.backup
    );
    if st.conflicts.is_empty() {
        return Ok(Status::Success);
    }
    let _ = writeln!(err, "{} conflict(s) to resolve:", st.conflicts.len());
    for c in &st.conflicts {
        let _ = writeln!(err, "  {c}");
    }
    let _ = writeln!(err, "Resolve them, then run `labforge update --continue`.");
    Ok(Status::No)
}

/// `labforge update --continue`: refuses while a conflict remains (exit 1),
/// otherwise clears the conflict list.
pub fn resume(
    root: &Path,
    mut st: State,
    _out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status> {
    if st.conflicts.is_empty() {
        let _ = writeln!(err, "No update conflicts to resolve.");
        return Ok(Status::Success);
    }
    let mut open = Vec::new();
    for path in &st.conflicts {
        let side = crate::pathgate::resolve(
            root,
            &format!("{path}.labforge-new"),
            crate::pathgate::Last::MayBeLink,
        )?;
        if std::fs::symlink_metadata(&side).is_ok() {
            open.push(format!("{path}: {path}.labforge-new still exists (keep the version you want, then delete it)"));
            continue;
        }
        let full = crate::pathgate::resolve(root, path, crate::pathgate::Last::MayBeLink)?;
        if std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file()) {
            let bytes = fsx::read(&full)?;
            let lines = merge::marker_lines(&bytes);
            if !lines.is_empty() {
                let list: Vec<String> = lines.iter().map(usize::to_string).collect();
                open.push(format!(
                    "{path}: conflict markers on line(s) {}",
                    list.join(", ")
                ));
            }
        }
    }
    if !open.is_empty() {
        let mut e = Error::new(format!("{} conflict(s) are not resolved yet", open.len()))
            .with_status(Status::No);
        for o in open {
            e = e.with_detail(o);
        }
        return Err(e.with_help("edit the files until no `<<<<<<<`, `|||||||`, `=======` or `>>>>>>>` line is left, then run `labforge update --continue` again"));
    }
    let n = st.conflicts.len();
    st.conflicts.clear();
    st.save(root)?;
    let _ = writeln!(
        err,
        "{n} conflict(s) resolved; the update to {} is complete.",
        st.lab
    );
    Ok(Status::Success)
}

/// `labforge update --undo`: rolls back an interrupted update, or the newest
/// update not undone yet.
pub fn undo(root: &Path, _out: &mut dyn Write, err: &mut dyn Write) -> Result<Status> {
    if let Some(j) = journal::pending(root)? {
        if j.kind == "undo" {
            journal::recover(root)?;
            let _ = writeln!(err, "Finished the interrupted undo (backup {}).", j.backup);
            return Ok(Status::Success);
        }
        // An interrupted update is rolled back below, from its backup.
        journal::remove_strays(root, &j)?;
    }
    backup::clean_partial(root)?;
    journal::clean_temp(root)?;
    let Some((name, b)) = backup::latest_undoable(root)? else {
        journal::discard(root)?;
        return Err(Error::new("there is no update to undo").with_help(format!(
            "backups of earlier updates, if any, are in {}/",
            backup::BACKUPS_DIR
        )));
    };
    let paths: Vec<String> = b.files.iter().map(|s| s.path.clone()).collect();
    let safety = backup::create(root, "undo", &b.to, &b.from, &paths)?;
    // Replacing the update's journal (if it was interrupted) by the undo's is
    // one atomic rename, so a crash here leaves one or the other.
    journal::run(
        root,
        &Journal {
            kind: "undo".into(),
            backup: name.clone(),
            steps: backup::restore_steps(&b),
        },
    )?;
    let _ = writeln!(
        err,
        "Restored {} path(s) from {}/{name}: the lab is back at {}. The files as they were before this undo are in {}/{safety}.",
        paths.len(),
        backup::BACKUPS_DIR,
        b.from,
        backup::BACKUPS_DIR
    );
    Ok(Status::Success)
}
