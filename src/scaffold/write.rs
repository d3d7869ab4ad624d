//! Laying rendered files into a folder: folders created one component at a
//! time (never through a symlink or a file), files replaced, executables
//! made 0755, symlinks kept only when they stay inside.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;
use crate::render::paths;
use crate::template::{Entry, check_link_inside};

/// Lays `entries` into the folder `root` (which may hold other files):
/// creates folders, replaces files, never follows a symlink out of `root`.
/// Files marked executable get mode 0755.
pub(crate) fn write_entries(root: &Path, entries: &BTreeMap<String, Entry>) -> Result<()> {
    lay(root, entries, false)
}

/// [`write_entries`]; `fresh` says `root` is a new empty folder (staging),
/// so nothing can be in the way and the per-file checks are skipped.
pub(super) fn lay(root: &Path, entries: &BTreeMap<String, Entry>, fresh: bool) -> Result<()> {
    let mut known_dirs: HashSet<PathBuf> = HashSet::new();
    for path in entries.keys() {
        paths::check_relative(path)?;
        if let Some((dir, _)) = path.rsplit_once('/') {
            ensure_dir_inside(root, dir, &mut known_dirs)?;
        }
    }
    // Sequential on purpose: creating files is bound by the filesystem, and
    // parallel writers only doubled the kernel time (docs/performance.md).
    for (path, entry) in entries {
        write_entry(root, path, entry, fresh)?;
    }
    Ok(())
}

fn write_entry(root: &Path, path: &str, entry: &Entry, fresh: bool) -> Result<()> {
    let full = root.join(path);
    // In a fresh folder nothing can be in the way: no `stat` per file.
    let in_the_way = if fresh {
        None
    } else {
        std::fs::symlink_metadata(&full).ok()
    };
    match in_the_way {
        Some(meta) if meta.is_dir() => {
            return Err(Error::new(format!(
                "`{}` is a folder, so the file `{path}` cannot be written",
                full.display()
            ))
            .with_help("move the folder away, then try again"));
        }
        Some(_) => fsx::remove_file(&full)?,
        None => {}
    }
    match entry {
        Entry::File { bytes, executable } => {
            fsx::write(&full, bytes)?;
            if *executable {
                fsx::set_executable(&full)?;
            }
        }
        Entry::Symlink(target) => {
            check_link_inside(path, Path::new(target))?;
            make_symlink(target, &full)?;
        }
    }
    Ok(())
}

/// Creates `root/dir` one component at a time, refusing to pass through a
/// symlink or a file (which could lead outside `root`).
fn ensure_dir_inside(root: &Path, dir: &str, known: &mut HashSet<PathBuf>) -> Result<()> {
    let mut cur = root.to_path_buf();
    for part in dir.split('/') {
        cur.push(part);
        if known.contains(&cur) {
            continue;
        }
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::new(format!(
                    "`{}` is not a folder (a file or a symlink is in the way)",
                    cur.display()
                ))
                .with_help(
                    "move it away, then try again; labforge never writes through a symlink",
                ));
            }
            Err(_) => {
                std::fs::create_dir(&cur).map_err(|e| Error::io("create the folder", &cur, e))?
            }
        }
        known.insert(cur.clone());
    }
    Ok(())
}

fn make_symlink(target: &str, at: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, at).map_err(|e| Error::io("create the symlink", at, e))
    }
    #[cfg(not(unix))]
    {
        Err(Error::new(format!(
            "cannot create the symlink `{}` on this system",
            at.display()
        ))
        .with_help("replace the link in the template by a copy of the file"))
    }
}
