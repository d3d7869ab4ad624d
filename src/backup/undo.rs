//! `labforge undo` (and its aliases `reset --undo`, `update --undo`): puts
//! back every path the newest operation not undone yet touched, byte for
//! byte, and deletes the files it created. The files as they are just before
//! the undo are backed up first (a backup of kind `undo`), so nothing is ever
//! lost: a file the learner changed after the operation is named, and its
//! version is in that backup. Undo again to take back the operation before;
//! an undo itself is not undone. Also lists the backups (`undo --list`).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result, Status};
use crate::journal::{self, Journal};
use crate::pathgate;

use super::{BACKUPS_DIR, Backup};

/// Undoes the newest operation; with `only`, it must be of that kind
/// (`reset --undo`, `update --undo`). Messages go to `err`.
pub(crate) fn undo(root: &Path, only: Option<&str>, err: &mut dyn Write) -> Result<Status> {
    let mut interrupted = None;
    if let Some(j) = journal::pending(root)? {
        if j.kind == "undo" {
            journal::recover(root)?;
            let _ = writeln!(
                err,
                "Finished the interrupted undo of {}.",
                super::shown(&j.backup)
            );
            return Ok(Status::Success);
        }
        // An interrupted operation is rolled back below, from its backup
        // (written before its journal).
        journal::remove_strays(root, &j)?;
        interrupted = Some(j.backup);
    }
    super::clean_partial(root)?;
    journal::clean_temp(root)?;
    super::legacy::migrate(root)?;
    let (name, b) = match interrupted {
        // The interrupted operation's own backup, whatever the clock says;
        // without it the journal stays, to be finished instead.
        Some(name) => {
            let b = super::read_manifest(&super::dir(root, &name)).map_err(|e| {
                e.with_help("the interrupted operation's backup is missing or damaged, so it cannot be taken back; run any other labforge command to finish it instead")
            })?;
            of_kind(only, &name, &b, true)?;
            (name, b)
        }
        None => newest(root, only)?,
    };
    refuse_links_outside(root, &name, &b)?;
    let steps = super::restore_steps(&b);
    // The gate before the first write: nothing is backed up or changed if
    // one path is unsafe or reached through a link.
    journal::check_steps(&steps)?;
    for step in &steps {
        pathgate::resolve(root, &step.path, pathgate::Last::MayBeLink)?;
    }
    // Every saved copy matches its digest (a backup may be planted).
    journal::verify_objects(root, &steps)?;
    let edited = edited_since(root, &b)?;
    let safety = super::create(root, "undo", &format!("undo of {name}"), None, &steps)?;
    journal::crash_point();
    // Replacing an interrupted operation's journal by the undo's is one
    // atomic rename, so a crash here leaves one or the other.
    journal::run(
        root,
        &Journal {
            kind: "undo".into(),
            backup: name.clone(),
            steps,
        },
    )?;
    let _ = write!(err, "{}", report(&name, &b, &safety, &edited));
    Ok(Status::Success)
}

/// The backup to put back: the newest not undone, of kind `only` if given.
fn newest(root: &Path, only: Option<&str>) -> Result<(String, Backup)> {
    let Some((name, b)) = super::latest_undoable(root)? else {
        journal::discard(root)?;
        return Err(match only {
            Some(kind) => Error::new(format!("there is no {kind} to undo")),
            None => Error::new("there is nothing to undo"),
        }
        .with_help("`labforge undo --list` shows every backup; reset, restore and update make one whenever they change your files"));
    };
    of_kind(only, &name, &b, false)?;
    Ok((name, b))
}

/// `reset --undo` and `update --undo` take back only their own kind: the
/// operation to undo (`interrupted` or not) must be of kind `only`.
fn of_kind(only: Option<&str>, name: &str, b: &Backup, interrupted: bool) -> Result<()> {
    match only {
        Some(kind) if b.kind != kind => Err(Error::new(format!(
            "the last change to the lab was {} ({}{}), not a {kind}",
            b.described(),
            super::shown(name),
            if interrupted { ", interrupted" } else { "" }
        ))
        .with_help(if interrupted {
            "`labforge undo` takes that one back; any other command finishes it"
        } else {
            "`labforge undo` takes that one back first; `labforge undo --list` shows every backup"
        })),
        _ => Ok(()),
    }
}

/// A saved link goes back only when it stays inside the lab: a planted
/// backup must not leave a link to the learner's private files.
fn refuse_links_outside(root: &Path, name: &str, b: &Backup) -> Result<()> {
    // Each target is followed through the links the lab will hold after the
    // undo (its own, and the backup's), as the kernel would: `b -> .` and
    // `p -> b/../x` are each harmless alone, and leave the lab together.
    let mut links = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !matches!(e.file_name().to_str(), Some(".git" | ".labforge"))
        })
        .filter_map(|e| e.ok())
        .filter(|e| e.path_is_symlink())
    {
        if let (Ok(rel), Ok(t)) = (e.path().strip_prefix(root), std::fs::read_link(e.path())) {
            links.insert(
                rel.to_string_lossy().into_owned(),
                crate::template::Entry::Symlink(t.to_string_lossy().into_owned()),
            );
        }
    }
    for s in &b.files {
        match &s.target {
            Some(t) => links.insert(s.path.clone(), crate::template::Entry::Symlink(t.clone())),
            None => links.remove(&s.path),
        };
    }
    for s in &b.files {
        if let Some(t) = &s.target
            && let Some(why) = pathgate::resolve_in_tree(&links, &s.path, t).err()
        {
            return Err(Error::new(format!(
                "the backup holds `{}` as a link to `{}`, which leads outside the lab: {why}",
                pathgate::shown(&s.path),
                pathgate::shown(t)
            ))
            .in_file(super::dir(root, name).join(super::MANIFEST))
            .with_help("labforge does not put back links that leave the lab; nothing was changed. If you made that link, recreate it by hand (`ln -s TARGET PATH`) and remove the backup's folder"));
        }
    }
    Ok(())
}

/// The learner's paths that differ both from what the operation left there
/// and from how they were before it (an interrupted operation leaves some
/// paths as they were); the state file is labforge's, and changes with
/// progress.
fn edited_since(root: &Path, b: &Backup) -> Result<Vec<String>> {
    let mut edited = Vec::new();
    for s in &b.files {
        let Some(after) = &s.after else { continue };
        let now = super::signature(root, &s.path)?;
        let before = match (s.was.as_str(), &s.object, &s.target) {
            ("file", Some(obj), _) => obj.clone(),
            ("symlink", _, Some(t)) => format!("link:{t}"),
            _ => "absent".into(),
        };
        if s.path != pathgate::STATE_FILE && now != *after && now != before {
            edited.push(s.path.clone());
        }
    }
    Ok(edited)
}

/// What the undo did, and where the files it replaced are.
fn report(name: &str, b: &Backup, safety: &str, edited: &[String]) -> String {
    let back = b.files.iter().filter(|s| s.was != "absent").count();
    let removed = b.files.len() - back;
    let mut text = format!(
        "Undid {} ({}): {} put back, {} it created removed.",
        b.described(),
        super::shown(name),
        count(back),
        count(removed)
    );
    if b.kind == "update" && !b.from.is_empty() {
        text.push_str(&format!(" The lab is back at {}.", b.from));
    }
    text.push('\n');
    if edited.is_empty() {
        text.push_str(&format!(
            "The files as they were just before this undo are in {}.\n",
            super::shown(safety)
        ));
        return text;
    }
    let one = edited.len() == 1;
    text.push_str(&format!(
        "You changed {} after it; your version{} kept in {}:\n",
        if one { "this file" } else { "these files" },
        if one { " is" } else { "s are" },
        super::shown(safety)
    ));
    for p in edited {
        text.push_str(&format!("  {p}\n"));
    }
    text
}

fn count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

/// `labforge undo --list`: every backup, newest first, with its operation,
/// time and files.
pub fn list(root: &Path) -> Result<String> {
    super::legacy::migrate(root)?;
    let mut out = String::new();
    for (name, b) in super::list(root)? {
        let state = if b.undone { " (undone)" } else { "" };
        out.push_str(&format!(
            "{BACKUPS_DIR}/{name}/  {}  {}{state}\n",
            super::time_of(&name),
            b.described().trim_start_matches("the "),
        ));
        for s in &b.files {
            let note = match s.was.as_str() {
                "absent" => " (did not exist)",
                "symlink" => " (link)",
                _ => "",
            };
            out.push_str(&format!("  {}{note}\n", s.path));
        }
    }
    Ok(out)
}

/// The operation a backup records, for the JSON of `undo --list`.
pub(crate) fn json(root: &Path) -> Result<serde_json::Value> {
    super::legacy::migrate(root)?;
    let items: Vec<serde_json::Value> = super::list(root)?
        .into_iter()
        .map(|(name, b): (String, Backup)| {
            serde_json::json!({
                "folder": super::shown(&name),
                "time": super::time_of(&name),
                "kind": b.kind,
                "what": b.described().trim_start_matches("the "),
                "undone": b.undone,
                "files": b.files.iter().map(|s| serde_json::json!({"path": s.path, "was": s.was})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(serde_json::Value::Array(items))
}
