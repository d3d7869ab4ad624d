//! After an update: `--continue` (accepts the update once every conflict is
//! resolved), and the report of an update finished from its journal.
//! (`--undo` is the one undo of [`crate::backup::undo`].)

use std::io::Write;
use std::path::Path;

use crate::backup;
use crate::error::{Error, Result, Status};
use crate::fsx;
use crate::journal::Journal;
use crate::state::State;

use super::merge;

/// The error while an update's conflicts are unresolved.
pub(crate) fn pending_conflicts(st: &State) -> Error {
    let mut e = Error::new(format!(
        "the last update left {} conflict(s) unresolved",
        st.conflicts.len()
    ));
    for c in &st.conflicts {
        e = e.with_detail(c.clone());
    }
    e.with_help("resolve them and run `labforge update --continue`, or take the update back with `labforge undo`")
}

/// Reports an update (or undo) that was interrupted and has just been
/// finished from its journal; the run stops there.
pub(crate) fn recovered(root: &Path, j: &Journal, err: &mut dyn Write) -> Result<Status> {
    let st = State::load(root)?;
    if j.kind == "undo" {
        let _ = writeln!(
            err,
            "Finished the interrupted `labforge undo`: the lab is back at {}.",
            st.lab
        );
        return Ok(Status::Success);
    }
    let _ = writeln!(
        err,
        "Finished the interrupted update to {}. Backup: {}/{} (`labforge undo` takes the update back).",
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
pub(crate) fn resume(
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
