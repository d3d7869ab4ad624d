//! Backups, `.labforge/backups/<timestamp>/`: a plain copy (`files/<path>`)
//! of every file an update is about to change or remove, and `backup.toml`
//! recording how each touched path was before (a file, a symlink, or absent).
//! `labforge update --undo` restores the newest update's backup byte for byte.
//! A backup is written into `<name>.partial/` and renamed when complete.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;

use super::journal::Step;

pub const BACKUPS_DIR: &str = ".labforge/backups";
const MANIFEST: &str = "backup.toml";

/// How one touched path was before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    pub path: String,
    /// `file`, `symlink` or `absent`.
    pub was: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub executable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// `update` (undoable) or `undo` (the files an undo replaced).
    pub kind: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub undone: bool,
    pub files: Vec<Saved>,
}

pub fn dir(root: &Path, name: &str) -> PathBuf {
    root.join(BACKUPS_DIR).join(name)
}

/// Saves the current state of `paths`; returns the backup's folder name.
pub fn create(root: &Path, kind: &str, from: &str, to: &str, paths: &[String]) -> Result<String> {
    let name = unique_name(root)?;
    let partial = dir(root, &format!("{name}.partial"));
    let mut files = Vec::new();
    for path in paths {
        // Never through a link among the folders; a link itself is saved
        // as a link (its target text), never the file it points at.
        let src = crate::pathgate::resolve(root, path, crate::pathgate::Last::MayBeLink)?;
        let saved = match std::fs::symlink_metadata(&src) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fsx::read_link(&src)?.to_string_lossy().into_owned();
                Saved {
                    path: path.clone(),
                    was: "symlink".into(),
                    object: None,
                    executable: false,
                    target: Some(target),
                }
            }
            Ok(m) if m.is_file() => {
                let bytes = fsx::read(&src)?;
                let copy = partial.join("files").join(path);
                fsx::create_dir_all(copy.parent().expect("backup copy has a folder"))?;
                fsx::write(&copy, &bytes)?;
                let object = super::journal::ensure_object(root, &bytes)?;
                Saved {
                    path: path.clone(),
                    was: "file".into(),
                    object: Some(object),
                    executable: fsx::is_executable(&m),
                    target: None,
                }
            }
            _ => Saved {
                path: path.clone(),
                was: "absent".into(),
                object: None,
                executable: false,
                target: None,
            },
        };
        files.push(saved);
    }
    let backup = Backup {
        kind: kind.into(),
        from: from.into(),
        to: to.into(),
        undone: false,
        files,
    };
    write_manifest(&partial, &backup)?;
    fsx::rename(&partial, &dir(root, &name))?;
    Ok(name)
}

fn write_manifest(folder: &Path, backup: &Backup) -> Result<()> {
    let text = toml::to_string_pretty(backup)
        .map_err(|e| Error::new(format!("could not encode the backup list: {e}")))?;
    fsx::write_atomic(&folder.join(MANIFEST), text)
}

fn read_manifest(folder: &Path) -> Result<Backup> {
    let path = folder.join(MANIFEST);
    let text = fsx::read_to_string(&path)?;
    let backup: Backup = toml::from_str(&text).map_err(|e| {
        Error::new(format!(
            "the backup list is damaged: {}",
            e.message().trim_end()
        ))
        .in_file(&path)
        .with_help("restore the files from its files/ folder by hand")
    })?;
    for s in &backup.files {
        let why = crate::pathgate::internal_problem(&s.path).or_else(|| {
            s.object
                .as_deref()
                .filter(|o| !crate::state::is_digest(o))
                .map(|o| {
                    format!(
                        "its object `{}` is not a sha256 digest",
                        crate::pathgate::shown(o)
                    )
                })
        });
        if let Some(why) = why {
            return Err(Error::new(format!(
                "the backup list names `{}`, which is unsafe: {why}",
                crate::pathgate::shown(&s.path)
            ))
            .in_file(&path)
            .with_help("this backup was not written by labforge; remove its folder and restore the lab from git"));
        }
    }
    Ok(backup)
}

/// The newest update backup not undone yet.
pub fn latest_undoable(root: &Path) -> Result<Option<(String, Backup)>> {
    let folder = root.join(BACKUPS_DIR);
    if !folder.is_dir() {
        return Ok(None);
    }
    for d in fsx::read_dir_sorted(&folder)?.into_iter().rev() {
        let name = d
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".partial") || !d.join(MANIFEST).is_file() {
            continue;
        }
        let b = read_manifest(&d)?;
        if b.kind == "update" && !b.undone {
            return Ok(Some((name, b)));
        }
    }
    Ok(None)
}

pub fn mark_undone(root: &Path, name: &str) -> Result<()> {
    let folder = dir(root, name);
    let mut b = read_manifest(&folder)?;
    if !b.undone {
        b.undone = true;
        write_manifest(&folder, &b)?;
    }
    Ok(())
}

/// The journal steps that put every saved path back as it was.
pub fn restore_steps(backup: &Backup) -> Vec<Step> {
    backup
        .files
        .iter()
        .map(|s| match (s.was.as_str(), &s.object, &s.target) {
            ("file", Some(obj), _) => Step::write(&s.path, obj.clone(), s.executable),
            ("symlink", _, Some(t)) => Step::link(&s.path, t),
            _ => Step::delete(&s.path),
        })
        .collect()
}

/// Removes backups a killed update left half-written.
pub fn clean_partial(root: &Path) -> Result<()> {
    let folder = root.join(BACKUPS_DIR);
    if !folder.is_dir() {
        return Ok(());
    }
    for d in fsx::read_dir_sorted(&folder)? {
        if d.to_string_lossy().ends_with(".partial") {
            fsx::remove_dir_all(&d)?;
        }
    }
    Ok(())
}

/// `20261125T093412Z`, with `-2`, `-3`… when two updates share a second.
fn unique_name(root: &Path) -> Result<String> {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = now
        .format(&fmt)
        .map_err(|e| Error::new(format!("could not format the time: {e}")))?;
    let mut name = stamp.clone();
    let mut n = 1;
    while dir(root, &name).exists() || dir(root, &format!("{name}.partial")).exists() {
        n += 1;
        name = format!("{stamp}-{n}");
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_steps_put_back_files_and_remove_paths_that_were_absent() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("kept.txt"), "mine\n").unwrap();
        let name = create(
            root,
            "update",
            "x@1",
            "x@2",
            &["kept.txt".into(), "new.txt".into()],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir(root, &name).join("files/kept.txt")).unwrap(),
            "mine\n"
        );
        let (found, b) = latest_undoable(root).unwrap().unwrap();
        assert_eq!(found, name);
        let steps = restore_steps(&b);
        assert_eq!(steps[0].op, "write");
        assert_eq!(steps[1], Step::delete("new.txt"));
        mark_undone(root, &name).unwrap();
        assert!(latest_undoable(root).unwrap().is_none());
    }
}
