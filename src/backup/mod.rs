//! The one backup store, `.labforge/backups/<UTC timestamp>[-N]-<op>/`: before
//! `reset`, `restore`, `update` or `undo` changes a learner's files, every
//! path it is about to touch is saved here. `backup.toml` records the
//! operation (`kind`, and `what` in words), and per path how it was before
//! (a file with its object in the backups' own store, `.labforge/backups/objects/`,
//! ignored by git like the rest of the folder; a symlink with its
//! target, or absent, so that undo deletes what the operation created) and
//! what the operation left there (`after`, so undo can tell the learner's
//! later edits). `files/<path>` holds a plain copy (links as links) for
//! reading by hand. A backup is written into `<name>.partial/` and renamed
//! when complete; the changes themselves go through [`crate::journal`].
//! [`undo`] puts the newest backup back; [`legacy`] moves the folders of an
//! earlier labforge (`.labforge/backup/<timestamp>/`) into this store.

pub(crate) mod legacy;
pub mod undo;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;
use crate::journal::{self, Step};

pub(crate) const BACKUPS_DIR: &str = ".labforge/backups";
const MANIFEST: &str = "backup.toml";
/// The operations that make a backup.
const KINDS: &[&str] = &["reset", "restore", "update", "undo"];

/// How one touched path was before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Saved {
    pub(crate) path: String,
    /// `file`, `symlink` or `absent`.
    pub(crate) was: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) object: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) executable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
    /// What the operation left at the path, as [`signature`] writes it
    /// (absent in backups of an earlier labforge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// `reset`, `restore`, `update` or `undo` (the files an undo replaced).
    pub(crate) kind: String,
    /// The operation in words: `reset of 01-config`, `restore of tests`,
    /// `update lab@1.0.0 -> lab@1.1.0`, `undo of <backup>`.
    #[serde(default)]
    pub(crate) what: String,
    /// An update's versions (`id@version`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) to: String,
    #[serde(default)]
    pub(crate) undone: bool,
    /// An update's new pristine objects, which it added to the lab's
    /// committed store (`.labforge/objects/`); undo removes them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) added_objects: Vec<String>,
    pub(crate) files: Vec<Saved>,
}

impl Backup {
    /// `the reset of 01-config`, for messages.
    pub(crate) fn described(&self) -> String {
        if self.what.is_empty() {
            format!("the {} {} -> {}", self.kind, self.from, self.to)
        } else {
            format!("the {}", self.what)
        }
    }
}

pub(crate) fn dir(root: &Path, name: &str) -> PathBuf {
    root.join(BACKUPS_DIR).join(name)
}

/// `.labforge/backups/NAME/`, as shown to the learner.
pub(crate) fn shown(name: &str) -> String {
    format!("{BACKUPS_DIR}/{name}/")
}

/// What is at a lab path now, in the form of [`Saved::after`]: the digest of
/// a file's bytes, `link:TARGET` for a symlink, `absent` otherwise.
pub(crate) fn signature(root: &Path, path: &str) -> Result<String> {
    let full = crate::pathgate::resolve(root, path, crate::pathgate::Last::MayBeLink)?;
    Ok(match std::fs::symlink_metadata(&full) {
        Ok(m) if m.file_type().is_symlink() => {
            format!("link:{}", fsx::read_link(&full)?.to_string_lossy())
        }
        Ok(m) if m.is_file() => crate::template::digest_bytes(&fsx::read(&full)?),
        _ => "absent".into(),
    })
}

/// What a journal step leaves at its path, in the form of [`signature`].
fn after(step: &Step) -> String {
    match (step.op.as_str(), &step.object, &step.target) {
        ("write", Some(obj), _) => obj.clone(),
        ("link", _, Some(t)) => format!("link:{t}"),
        _ => "absent".into(),
    }
}

/// Saves the current state of every path `steps` touch, before they are
/// applied; returns the backup's folder name. `from_to` are an update's
/// versions.
pub(crate) fn create(
    root: &Path,
    kind: &str,
    what: &str,
    from_to: Option<(&str, &str)>,
    steps: &[Step],
) -> Result<String> {
    create_with(root, kind, what, from_to, &[], steps)
}

/// [`create`] for an update, which also records the pristine objects it
/// added to the lab's committed store (`added`), so undo removes them.
pub fn create_update(
    root: &Path,
    what: &str,
    from_to: (&str, &str),
    added: &[String],
    steps: &[Step],
) -> Result<String> {
    create_with(root, "update", what, Some(from_to), added, steps)
}

fn create_with(
    root: &Path,
    kind: &str,
    what: &str,
    from_to: Option<(&str, &str)>,
    added: &[String],
    steps: &[Step],
) -> Result<String> {
    // Every path through the gate before the first write, so a refused
    // path leaves not even a partial backup behind.
    for step in steps {
        let at = crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
        // A backup saves files and links; a folder where the operation
        // would write or delete would be lost without a copy.
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
            return Err(Error::new(format!(
                "`{}` is a folder, where the lab has a file or a link",
                crate::pathgate::shown(&step.path)
            ))
            .with_help("nothing was changed; move the folder away (or rename it), then run the command again"));
        }
    }
    let name = unique_name(root, kind)?;
    let partial = dir(root, &format!("{name}.partial"));
    fsx::create_dir_all(&partial)?;
    let mut files = Vec::new();
    for step in steps {
        let path = &step.path;
        // Never through a link among the folders; a link itself is saved
        // as a link (its target text), never the file it points at.
        let src = crate::pathgate::resolve(root, path, crate::pathgate::Last::MayBeLink)?;
        let copy = partial.join("files").join(path);
        let mut saved = Saved {
            path: path.clone(),
            was: "absent".into(),
            object: None,
            executable: false,
            target: None,
            after: Some(after(step)),
        };
        match std::fs::symlink_metadata(&src) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fsx::read_link(&src)?;
                fsx::create_dir_all(copy.parent().expect("backup copy has a folder"))?;
                fsx::symlink(&target, &copy)?;
                saved.was = "symlink".into();
                saved.target = Some(target.to_string_lossy().into_owned());
            }
            Ok(m) if m.is_file() => {
                let bytes = fsx::read(&src)?;
                fsx::create_dir_all(copy.parent().expect("backup copy has a folder"))?;
                fsx::write(&copy, &bytes)?;
                saved.was = "file".into();
                saved.object = Some(journal::ensure_object(root, &bytes)?);
                saved.executable = fsx::is_executable(&m);
            }
            _ => {}
        }
        files.push(saved);
    }
    let (from, to) = from_to.unwrap_or_default();
    let backup = Backup {
        kind: kind.into(),
        what: what.into(),
        from: from.into(),
        to: to.into(),
        undone: false,
        added_objects: added.to_vec(),
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

/// Reads a backup list; every path in it goes through the path gate (a
/// backup is a folder in the lab, so it may have been planted).
pub fn read_manifest(folder: &Path) -> Result<Backup> {
    let path = folder.join(MANIFEST);
    let text = fsx::read_to_string(&path)?;
    let backup: Backup = toml::from_str(&text).map_err(|e| {
        Error::new(format!(
            "the backup list is damaged: {}",
            e.message().trim_end()
        ))
        .in_file(&path)
        .with_help("restore the files from its files/ folder by hand, then remove the folder")
    })?;
    let refuse = |what: &str, why: String| {
        Error::new(format!("the backup list names {what}, which is unsafe: {why}"))
            .in_file(&path)
            .with_help("this backup was not written by labforge; remove its folder and restore the lab from git")
    };
    if !KINDS.contains(&backup.kind.as_str()) {
        return Err(refuse(
            &format!("the operation `{}`", crate::pathgate::shown(&backup.kind)),
            "labforge makes backups for reset, restore, update and undo only".into(),
        ));
    }
    if let Some(o) = backup
        .added_objects
        .iter()
        .find(|o| !crate::state::is_digest(o))
    {
        return Err(refuse(
            &format!("the added object `{}`", crate::pathgate::shown(o)),
            "it is not a sha256 digest".into(),
        ));
    }
    for s in &backup.files {
        let why = crate::pathgate::internal_problem(&s.path)
            .or_else(|| {
                s.object
                    .as_deref()
                    .filter(|o| !crate::state::is_digest(o))
                    .map(|o| {
                        format!(
                            "its object `{}` is not a sha256 digest",
                            crate::pathgate::shown(o)
                        )
                    })
            })
            .or_else(|| {
                let complete = match s.was.as_str() {
                    "file" => s.object.is_some(),
                    "symlink" => s.target.is_some(),
                    "absent" => true,
                    _ => false,
                };
                (!complete).then(|| {
                    format!(
                        "`was = \"{}\"` is not file (with an object), symlink (with a target) or absent",
                        crate::pathgate::shown(&s.was)
                    )
                })
            });
        if let Some(why) = why {
            return Err(refuse(
                &format!("`{}`", crate::pathgate::shown(&s.path)),
                why,
            ));
        }
    }
    Ok(backup)
}

/// `(timestamp, N)` of a backup folder name, for ordering: names are
/// `STAMP[-N][-op]`, and an earlier labforge wrote `STAMP[-N]`.
fn order(name: &str) -> (String, u32, String) {
    let mut parts = name.splitn(3, '-');
    let stamp = parts.next().unwrap_or_default().to_string();
    let n = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    (stamp, n, name.to_string())
}

/// Every complete backup, newest first.
pub(crate) fn list(root: &Path) -> Result<Vec<(String, Backup)>> {
    let folder = root.join(BACKUPS_DIR);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for d in fsx::read_dir_sorted(&folder)? {
        let name = d
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let is_dir = std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir());
        if name.ends_with(".partial") || !is_dir || !d.join(MANIFEST).is_file() {
            continue;
        }
        out.push((name, read_manifest(&d)?));
    }
    out.sort_by_cached_key(|(name, _)| std::cmp::Reverse(order(name)));
    Ok(out)
}

/// The newest backup of an operation not undone yet (undos themselves are
/// not undone: their backups only keep what they replaced).
pub(crate) fn latest_undoable(root: &Path) -> Result<Option<(String, Backup)>> {
    Ok(list(root)?
        .into_iter()
        .find(|(_, b)| b.kind != "undo" && !b.undone))
}

pub(crate) fn mark_undone(root: &Path, name: &str) -> Result<()> {
    let folder = dir(root, name);
    let mut b = read_manifest(&folder)?;
    if !b.undone {
        b.undone = true;
        write_manifest(&folder, &b)?;
    }
    Ok(())
}

/// After an undo of an update put the old `state.toml` back: removes the
/// pristine objects that update added to `.labforge/objects/`, unless the
/// state now refers to one (the lab is back at the old version, so `git
/// status` is back at what it was before the update). Only loose objects
/// named by a digest are removed (never the pack); idempotent.
pub fn drop_added_objects(root: &Path, name: &str) -> Result<()> {
    let backup = read_manifest(&dir(root, name))?;
    if backup.added_objects.is_empty() {
        return Ok(());
    }
    // A state that cannot be read keeps the objects: never a wedged undo
    // for the sake of a tidy `git status`.
    let Ok(st) = crate::state::State::load(root) else {
        return Ok(());
    };
    let used: std::collections::HashSet<&str> =
        st.files.values().map(|f| f.base.as_str()).collect();
    for o in &backup.added_objects {
        let path = crate::state::object_path(root, o);
        if !used.contains(o.as_str()) && std::fs::symlink_metadata(&path).is_ok() {
            fsx::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The journal steps that put every saved path back as it was.
pub(crate) fn restore_steps(backup: &Backup) -> Vec<Step> {
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

/// Removes backups a killed operation left half-written.
pub(crate) fn clean_partial(root: &Path) -> Result<()> {
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

/// `20261125T093412Z-reset`, with `-2`, `-3`… after the time when two
/// operations share a second (so names sort in the order they were made).
fn unique_name(root: &Path, kind: &str) -> Result<String> {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = now
        .format(&fmt)
        .map_err(|e| Error::new(format!("could not format the time: {e}")))?;
    let folder = root.join(BACKUPS_DIR);
    let mut n = 0;
    if folder.is_dir() {
        for d in fsx::read_dir_sorted(&folder)? {
            let name = d.file_name().unwrap_or_default().to_string_lossy();
            let (s, k, _) = order(name.trim_end_matches(".partial"));
            if s == stamp {
                n = n.max(k);
            }
        }
    }
    Ok(if n == 0 {
        format!("{stamp}-{kind}")
    } else {
        format!("{stamp}-{}-{kind}", n + 1)
    })
}

/// `2026-11-25 09:34:12 UTC` from a backup folder name.
pub(crate) fn time_of(name: &str) -> String {
    let s = name.split('-').next().unwrap_or_default();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    match time::PrimitiveDateTime::parse(s, &fmt) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => "(unknown time)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_steps_put_back_files_and_remove_paths_that_were_absent() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("kept.txt"), "mine\n").unwrap();
        let obj = journal::ensure_object(root, b"theirs\n").unwrap();
        let steps = [
            Step::write("kept.txt", obj.clone(), false),
            Step::write("new.txt", obj.clone(), false),
        ];
        let name = create(
            root,
            "update",
            "update x@1 -> x@2",
            Some(("x@1", "x@2")),
            &steps,
        )
        .unwrap();
        assert!(name.ends_with("Z-update"), "{name}");
        assert_eq!(
            std::fs::read_to_string(dir(root, &name).join("files/kept.txt")).unwrap(),
            "mine\n"
        );
        let (found, b) = latest_undoable(root).unwrap().unwrap();
        assert_eq!(found, name);
        assert_eq!(b.files[0].after.as_deref(), Some(obj.as_str()));
        let steps = restore_steps(&b);
        assert_eq!(steps[0].op, "write");
        assert_eq!(steps[1], Step::delete("new.txt"));
        mark_undone(root, &name).unwrap();
        assert!(latest_undoable(root).unwrap().is_none());
    }

    #[test]
    fn names_in_one_second_sort_in_the_order_they_were_made() {
        let mut names = vec![
            "20261125T093412Z-reset",
            "20261125T093412Z-2-update",
            "20261125T093412Z-10-undo",
            "20261125T093411Z",
            "20261125T093412Z-3",
        ];
        names.sort_by_key(|n| order(n));
        assert_eq!(
            names,
            [
                "20261125T093411Z",
                "20261125T093412Z-reset",
                "20261125T093412Z-2-update",
                "20261125T093412Z-3",
                "20261125T093412Z-10-undo"
            ]
        );
        assert_eq!(
            time_of("20261125T093412Z-2-update"),
            "2026-11-25 09:34:12 UTC"
        );
    }
}
