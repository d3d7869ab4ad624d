//! The pristine base of a new lab: every file in the content-addressed
//! object store, and the `State` that records owner and digest per file.

use std::collections::BTreeMap;
use std::path::Path;

use super::ownership::OwnerRules;
use crate::error::{Error, Result};
use crate::fsx;
use crate::state::{self, FileRecord, STATE_SCHEMA, State};
use crate::template::{Entry, Lab, known_digest};

/// The bytes stored for an entry: a file's contents, a link's target.
pub(super) fn entry_bytes(entry: &Entry) -> &[u8] {
    match entry {
        Entry::File { bytes, .. } => bytes,
        Entry::Symlink(t) => t.as_bytes(),
    }
}

/// Stores every entry in `root/.labforge/objects/` and returns the state of
/// a freshly generated lab (progress empty, current = first exercise).
pub(crate) fn base_state(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
    root: &Path,
    entries: &BTreeMap<String, Entry>,
) -> Result<State> {
    let rules = OwnerRules::new(lab, track)?;
    store_base(
        lab,
        lab.digest(),
        track,
        answers,
        root,
        entries,
        rules,
        false,
    )
}

/// [`base_state`]; `template` is the lab's digest ([`Lab::digest`], taken
/// before `new` moved the template's bytes out), `rules` the lab's
/// ownership for `track`; `fresh` says the object store is new and empty.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_base(
    lab: &Lab,
    template: String,
    track: Option<&str>,
    answers: &toml::Table,
    root: &Path,
    entries: &BTreeMap<String, Entry>,
    rules: OwnerRules,
    fresh: bool,
) -> Result<State> {
    let items: Vec<(&String, &Entry)> = entries.iter().collect();
    let digests = crate::parallel::map(&items, |(_, entry)| known_digest(entry_bytes(entry)));
    // Each distinct content once: the object store is content addressed.
    let mut unique: BTreeMap<&str, &[u8]> = BTreeMap::new();
    for ((_, entry), digest) in items.iter().zip(&digests) {
        unique
            .entry(digest.as_str())
            .or_insert_with(|| entry_bytes(entry));
    }
    fsx::create_dir_all(&root.join(state::OBJECTS_DIR))?;
    if fresh {
        // One pack file instead of one file per object (see state::PACK_FILE),
        // written as it is encoded: never a second copy of every file in memory.
        // A small buffer: objects larger than it go to the file directly, and
        // each page of a buffer is a page fault the first time it is filled.
        let path = root.join(state::PACK_FILE);
        let file = std::fs::File::create(&path).map_err(|e| Error::io("write", &path, e))?;
        state::write_pack(std::io::BufWriter::with_capacity(1 << 13, file), unique)
            .map_err(|e| Error::io("write", &path, e))?;
    } else {
        for (digest, bytes) in unique {
            if !state::has_object(root, digest) {
                fsx::write(&state::object_path(root, digest), bytes)?;
            }
        }
    }
    let mut files = BTreeMap::new();
    for ((path, entry), base) in items.into_iter().zip(digests) {
        let (executable, symlink) = match entry {
            Entry::File { executable, .. } => (*executable, false),
            Entry::Symlink(_) => (false, true),
        };
        files.insert(
            path.clone(),
            FileRecord {
                owner: rules.owner(path),
                base,
                executable,
                symlink,
            },
        );
    }
    let m = &lab.manifest;
    Ok(State {
        schema: STATE_SCHEMA,
        lab: m.lab_ref(),
        source: lab.origin.source_string(),
        resolved: lab.origin.resolved().map(str::to_string),
        template,
        track: track.map(str::to_string),
        labforge: env!("CARGO_PKG_VERSION").to_string(),
        answers: answers.clone(),
        current: m.exercises().next().map(|e| e.id().to_string()),
        done: BTreeMap::new(),
        hints: BTreeMap::new(),
        conflicts: Vec::new(),
        files,
    })
}
