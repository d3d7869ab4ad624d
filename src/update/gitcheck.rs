//! Refuses to update a lab whose git tree has uncommitted changes: the
//! learner's edits should be committed first so `git diff` shows exactly
//! what the update did. `.labforge/` is labforge's own bookkeeping (progress,
//! objects, backups) and does not count.

use std::path::Path;

use crate::error::{Error, Result};

/// Paths (relative to `root`) with uncommitted changes, or an empty list
/// when the lab is not in a git repository.
pub(crate) fn dirty_files(root: &Path) -> Result<Vec<String>> {
    let repo = match git2::Repository::discover(root) {
        Ok(r) => r,
        Err(_) => return Ok(Vec::new()),
    };
    let Some(workdir) = repo.workdir() else {
        return Ok(Vec::new());
    };
    let workdir = workdir
        .canonicalize()
        .map_err(|e| Error::io("resolve", workdir, e))?;
    let root = root
        .canonicalize()
        .map_err(|e| Error::io("resolve", root, e))?;
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo.statuses(Some(&mut opts)).map_err(|e| {
        Error::new(format!(
            "could not read the git status of `{}`: {}",
            workdir.display(),
            e.message()
        ))
        .with_help("repair the repository, or pass --allow-dirty to update without the check")
    })?;
    let mut out = Vec::new();
    for s in statuses.iter() {
        if s.status().is_empty() || s.status().contains(git2::Status::IGNORED) {
            continue;
        }
        let Ok(p) = s.path() else { continue };
        let Ok(rel) = workdir
            .join(p)
            .strip_prefix(&root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
        else {
            continue;
        };
        if rel == ".labforge" || rel.starts_with(".labforge/") {
            continue;
        }
        out.push(rel);
    }
    out.sort();
    Ok(out)
}

/// The error for a dirty tree, naming every file.
pub(crate) fn refuse(files: &[String]) -> Error {
    let mut e = Error::new(format!(
        "the lab has {} uncommitted change(s); labforge update will not mix its changes with yours",
        files.len()
    ));
    for f in files {
        e = e.with_detail(f.clone());
    }
    e.with_help("commit them first (`git add -A && git commit -m wip`), or pass --allow-dirty (every changed file is still backed up in .labforge/backups/)")
}
