//! Backups of an earlier labforge: `reset` and `restore` copied the files
//! they replaced into `.labforge/backup/<timestamp>/` (plain copies, links as
//! links, no list). Each such folder is moved into the one store as
//! `.labforge/backups/<timestamp>-earlier-reset/` with a list written from
//! its contents, so `labforge undo` and `undo --list` see it like any other
//! backup (undo puts its files back; it cannot know which files that reset
//! created, so it deletes none). Staged, then renamed, then the old folder
//! removed: a migration killed halfway is finished by the next one.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fsx;
use crate::journal;

use super::{Backup, Saved};

pub(crate) const LEGACY_DIR: &str = ".labforge/backup";

/// Moves every folder of `.labforge/backup/` into the backup store.
pub(crate) fn migrate(root: &Path) -> Result<()> {
    let old = root.join(LEGACY_DIR);
    if !std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    for d in fsx::read_dir_sorted(&old)? {
        if !std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let stamp = d
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let name = format!("{stamp}-earlier-reset");
        let done = super::dir(root, &name);
        if !done.exists() {
            move_one(root, &d, &name)?;
        }
        fsx::remove_dir_all(&d)?;
    }
    if fsx::is_absent_or_empty_dir(&old)? {
        std::fs::remove_dir(&old).map_err(|e| Error::io("remove the empty folder", &old, e))?;
    }
    Ok(())
}

fn move_one(root: &Path, from: &Path, name: &str) -> Result<()> {
    let partial = super::dir(root, &format!("{name}.partial"));
    if partial.exists() {
        fsx::remove_dir_all(&partial)?;
    }
    fsx::create_dir_all(&partial)?;
    let mut files = Vec::new();
    // Never follows a link: a link in the old folder is a saved link.
    let walk = walkdir::WalkDir::new(from)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1);
    for e in walk {
        let e = e.map_err(|e| Error::new(format!("could not read the old backup folder: {e}")))?;
        // Only files and links: a fifo or a device would block or mislead.
        if !e.file_type().is_file() && !e.file_type().is_symlink() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(from)
            .expect("walkdir stays below its root")
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(why) = crate::pathgate::problem(&rel) {
            return Err(Error::new(format!(
                "the old backup folder holds `{}`, which is unsafe: {why}",
                crate::pathgate::shown(&rel)
            ))
            .in_file(from)
            .with_help(
                "this folder was not written by labforge; remove it and restore the lab from git",
            ));
        }
        let copy = partial.join("files").join(&rel);
        fsx::create_dir_all(copy.parent().expect("a file has a folder"))?;
        let mut saved = Saved {
            path: rel,
            was: "file".into(),
            object: None,
            executable: false,
            target: None,
            after: None,
        };
        if e.file_type().is_symlink() {
            let target = fsx::read_link(e.path())?;
            fsx::symlink(&target, &copy)?;
            saved.was = "symlink".into();
            saved.target = Some(target.to_string_lossy().into_owned());
        } else {
            let bytes = fsx::read(e.path())?;
            fsx::write(&copy, &bytes)?;
            saved.object = Some(journal::ensure_object(root, &bytes)?);
            saved.executable = fsx::is_executable(&fsx::symlink_metadata(e.path())?);
        }
        files.push(saved);
    }
    let backup = Backup {
        kind: "reset".into(),
        what: "reset or restore by an earlier labforge".into(),
        from: String::new(),
        to: String::new(),
        undone: false,
        added_objects: Vec::new(),
        files,
    };
    super::write_manifest(&partial, &backup)?;
    fsx::rename(&partial, &super::dir(root, name))
}
