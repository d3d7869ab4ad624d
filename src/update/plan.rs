//! The per-path decision of `labforge update`: from the base (the pristine
//! render of the learner's version, read from `.labforge/objects`), the
//! learner's file and the new render, decide take / keep / merge / conflict /
//! delete / add / report, honouring ownership, declared renames and
//! learner deletions. Pure: reads nothing and writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::error::Result;
use crate::manifest::Owner;
use crate::template::Entry;

use super::merge::{self, Labels};

/// What the plan does with one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Write the new render (you did not change the file).
    Take,
    /// Keep your file (upstream did not change it, or it is yours).
    Keep,
    /// Both changed; merged without conflicts.
    Merge,
    /// Both changed the same lines (markers written), or a binary file
    /// changed on both sides (`NAME.labforge-new` written beside it).
    Conflict,
    /// Removed upstream and unchanged by you.
    Delete,
    /// New upstream.
    Add,
    /// Nothing written; something worth knowing is reported.
    Report,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Take => "take",
            Action::Keep => "keep",
            Action::Merge => "merge",
            Action::Conflict => "conflict",
            Action::Delete => "delete",
            Action::Add => "add",
            Action::Report => "report",
        }
    }
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) path: String,
    pub(crate) action: Action,
    /// The learner's file moved here from this path (a declared rename).
    pub(crate) renamed_from: Option<String>,
    /// What the path holds afterwards (None: leave it as it is, or delete).
    pub(crate) write: Option<Entry>,
    pub(crate) delete: bool,
    /// A side file (`NAME.labforge-new`) written for a binary conflict.
    pub(crate) side: Option<(String, Entry)>,
    /// Why, for the one-line report.
    pub(crate) note: Option<String>,
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<8} {}", self.action.as_str(), self.path)?;
        let mut notes = Vec::new();
        if let Some(from) = &self.renamed_from {
            notes.push(format!("renamed from {from}"));
        }
        if let Some(n) = &self.note {
            notes.push(n.clone());
        }
        if !notes.is_empty() {
            write!(f, " ({})", notes.join("; "))?;
        }
        Ok(())
    }
}

/// The base of one path: its recorded owner and pristine content.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    pub(crate) owner: Owner,
    pub(crate) entry: Entry,
}

/// Everything the plan decides from.
pub(crate) struct Inputs<'a> {
    /// Recorded base, keyed by the path in the learner's (old) version.
    pub(crate) base: &'a BTreeMap<String, Base>,
    /// The learner's files (only paths of the base, the renames and the new render matter).
    pub(crate) ours: &'a BTreeMap<String, Entry>,
    /// The new render.
    pub(crate) theirs: &'a BTreeMap<String, Entry>,
    /// Owner of every path of the new render.
    pub(crate) owners: &'a BTreeMap<String, Owner>,
    /// Old path → new path, from the migrations between the two versions.
    pub(crate) renames: &'a BTreeMap<String, String>,
    pub(crate) labels: &'a Labels,
    pub(crate) restore_deleted: bool,
}

/// Decides every path; items come sorted by path, unchanged paths left out.
pub(crate) fn plan(inp: &Inputs) -> Result<Vec<Item>> {
    // Re-key the base and the learner's files by their new path.
    let mut base: BTreeMap<String, (&Base, Option<String>)> = BTreeMap::new();
    let mut ours: BTreeMap<String, &Entry> = inp.ours.iter().map(|(k, v)| (k.clone(), v)).collect();
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (old, b) in inp.base {
        match inp.renames.get(old) {
            // A rename onto a path the learner already uses is not applied:
            // the old path is then "removed upstream" and the new "added on both sides".
            Some(new) if !inp.ours.contains_key(new) && !inp.base.contains_key(new) => {
                if let Some(entry) = ours.remove(old) {
                    ours.insert(new.clone(), entry);
                    moved.insert(new.clone(), old.clone());
                }
                base.insert(new.clone(), (b, Some(old.clone())));
            }
            _ => {
                base.insert(old.clone(), (b, None));
            }
        }
    }
    let paths: BTreeSet<&String> = base.keys().chain(inp.theirs.keys()).collect();
    let mut items = Vec::new();
    for path in paths {
        let b = base.get(path).map(|(b, _)| *b);
        let o = ours.get(path).copied();
        let t = inp.theirs.get(path);
        let owner = inp
            .owners
            .get(path)
            .copied()
            .or(b.map(|b| b.owner))
            .unwrap_or(Owner::Shared);
        let renamed_from = moved.get(path).cloned();
        let mut item = decide(path, b, o, t, owner, inp)?;
        if let Some(from) = renamed_from {
            // The file moves even when its content stays: write it at the new path.
            let it = item.get_or_insert_with(|| Item::new(path, Action::Keep));
            if it.write.is_none() && !it.delete {
                it.write = o.cloned();
            }
            it.renamed_from = Some(from);
        }
        items.extend(item);
    }
    Ok(items)
}

impl Item {
    fn new(path: &str, action: Action) -> Item {
        Item {
            path: path.to_string(),
            action,
            renamed_from: None,
            write: None,
            delete: false,
            side: None,
            note: None,
        }
    }
    fn note(mut self, note: impl Into<String>) -> Item {
        self.note = Some(note.into());
        self
    }
    fn write(mut self, entry: &Entry) -> Item {
        self.write = Some(entry.clone());
        self
    }
}

fn decide(
    path: &str,
    b: Option<&Base>,
    o: Option<&Entry>,
    t: Option<&Entry>,
    owner: Owner,
    inp: &Inputs,
) -> Result<Option<Item>> {
    let item = |a| Item::new(path, a);
    Ok(match (b, o, t) {
        (Some(b), Some(o), Some(t)) => changed_both(path, &b.entry, o, t, owner, inp)?,
        (Some(b), Some(o), None) => Some(if owner == Owner::Learner {
            item(Action::Report).note("removed upstream; yours, so kept")
        } else if same(o, &b.entry) {
            Item {
                delete: true,
                ..item(Action::Delete).note("removed upstream")
            }
        } else {
            item(Action::Report).note("removed upstream, kept because you changed it")
        }),
        (Some(b), None, Some(t)) if !same(t, &b.entry) => Some(if inp.restore_deleted {
            item(Action::Add)
                .write(t)
                .note("you deleted it; restored by --restore-deleted")
        } else {
            item(Action::Report)
                .note("you deleted it and upstream changed it; --restore-deleted brings it back")
        }),
        (Some(_), None, _) => None,
        (None, Some(o), Some(t)) => {
            if same(o, t) {
                None
            } else if owner == Owner::Learner {
                Some(item(Action::Report).note("added upstream too; yours kept"))
            } else {
                Some(
                    merge_or_conflict(path, &empty_like(t), o, t, inp.labels)?
                        .note("added on both sides"),
                )
            }
        }
        (None, None, Some(t)) => Some(item(Action::Add).write(t)),
        (None, _, None) => None,
    })
}

/// Base, learner's file and new render all exist.
fn changed_both(
    path: &str,
    b: &Entry,
    o: &Entry,
    t: &Entry,
    owner: Owner,
    inp: &Inputs,
) -> Result<Option<Item>> {
    let item = |a| Item::new(path, a);
    let ours_changed = !same(o, b);
    let theirs_changed = !same(t, b);
    Ok(match (ours_changed, theirs_changed) {
        (false, false) => None,
        (true, false) => Some(item(Action::Keep)),
        (false, true) if owner == Owner::Learner => {
            Some(item(Action::Report).note("changed upstream; yours, so not touched"))
        }
        (false, true) => Some(item(Action::Take).write(t)),
        (true, true) if same(o, t) => None,
        (true, true) => match owner {
            Owner::Learner => {
                Some(item(Action::Report).note("changed upstream; yours, so not touched"))
            }
            Owner::Template => Some(
                item(Action::Take)
                    .write(t)
                    .note("replaced; your copy is in the backup"),
            ),
            Owner::Shared => Some(merge_or_conflict(path, b, o, t, inp.labels)?),
        },
    })
}

/// Merges text, or keeps the learner's bytes and writes the new render
/// beside them for binary files and symlinks.
fn merge_or_conflict(path: &str, b: &Entry, o: &Entry, t: &Entry, labels: &Labels) -> Result<Item> {
    let item = |a| Item::new(path, a);
    match (b, o, t) {
        (
            Entry::File {
                bytes: bb,
                executable: bx,
            },
            Entry::File {
                bytes: ob,
                executable: ox,
            },
            Entry::File {
                bytes: tb,
                executable: tx,
            },
        ) if !merge::is_binary(bb) && !merge::is_binary(ob) && !merge::is_binary(tb) => {
            let m = merge::merge_text(bb, ob, tb, labels)?;
            let executable = if ox == bx { *tx } else { *ox };
            let entry = Entry::File {
                bytes: m.bytes.into(),
                executable,
            };
            Ok(if m.conflicts {
                item(Action::Conflict)
                    .write(&entry)
                    .note("both changed the same lines; resolve the markers")
            } else {
                item(Action::Merge).write(&entry)
            })
        }
        _ => {
            let side = format!("{path}.labforge-new");
            Ok(Item {
                side: Some((side.clone(), t.clone())),
                ..item(Action::Conflict).note(format!(
                    "binary, changed on both sides; yours kept, the new version is in {side}"
                ))
            })
        }
    }
}

fn same(a: &Entry, b: &Entry) -> bool {
    a == b
}

fn empty_like(t: &Entry) -> Entry {
    match t {
        Entry::File { .. } => Entry::File {
            bytes: Vec::new().into(),
            executable: false,
        },
        Entry::Symlink(_) => Entry::Symlink(String::new()),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
