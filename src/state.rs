//! `.labforge/`: what a generated lab remembers about itself.
//!
//! - `.labforge/state.toml`: lab id and version, source, template digest,
//!   track, answers, labforge version, per-file owner and base digest, and the
//!   learner's progress (current exercise, done, hints). Committable.
//! - `.labforge/objects/`: the pristine rendered files, content addressed
//!   (`sha256`): those of `new` in one pack file (`base.pack`), those added
//!   by `update` as loose `<hex>` files, so `labforge update` can 3-way merge a newer lab
//!   version offline, `reset` can restore a starter, and `check` can tell
//!   when a protected file was edited.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::Owner;

pub(crate) const STATE_DIR: &str = ".labforge";
pub const STATE_FILE: &str = ".labforge/state.toml";
pub(crate) const OBJECTS_DIR: &str = ".labforge/objects";
/// The objects `labforge new` stores, in one file: writing a thousand small
/// object files made `new` more than twice as slow as `cp -r`. Objects added
/// later (by `update`) are loose files beside it.
pub(crate) const PACK_FILE: &str = ".labforge/objects/base.pack";
const PACK_MAGIC: &[u8] = b"labforge-pack 1\n";
pub(crate) const STATE_SCHEMA: u32 = 1;

/// One file of the lab as it was rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileRecord {
    pub(crate) owner: Owner,
    /// `sha256:HEX` of the pristine rendered bytes (an object in `objects/`);
    /// for a symlink, of its target text.
    pub(crate) base: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) executable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) symlink: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub(crate) schema: u32,
    /// `id@version`.
    pub(crate) lab: String,
    /// `builtin:ID`, an absolute path, or a remote source spec.
    pub(crate) source: String,
    /// The commit or archive digest a remote source resolved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resolved: Option<String>,
    /// `sha256:…` of the template tree the lab was rendered from.
    pub(crate) template: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) track: Option<String>,
    /// The labforge version that last wrote the base.
    pub(crate) labforge: String,
    #[serde(default)]
    pub(crate) answers: toml::Table,
    /// The exercise `check` runs by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) current: Option<String>,
    /// Exercise id → when it first passed.
    #[serde(default)]
    pub(crate) done: BTreeMap<String, toml::value::Datetime>,
    /// Exercise id → hints revealed so far.
    #[serde(default)]
    pub(crate) hints: BTreeMap<String, u32>,
    /// Paths with unresolved update conflicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) conflicts: Vec<String>,
    /// Every rendered path → owner and base digest.
    #[serde(default)]
    pub(crate) files: BTreeMap<String, FileRecord>,
}

impl State {
    pub(crate) fn lab_version(&self) -> &str {
        self.lab.split_once('@').map_or("", |(_, v)| v)
    }

    /// Reads `<root>/.labforge/state.toml`.
    pub fn load(root: &Path) -> Result<State> {
        check_own_folders(root)?;
        let path = root.join(STATE_FILE);
        if !path.is_file() {
            return Err(Error::new(format!("`{}` is not a labforge lab (no {STATE_FILE})", root.display()))
                .with_help("run this inside a folder made by `labforge new`, or create one: `labforge new api-client my-lab`"));
        }
        let text = fsx::read_to_string(&path)?;
        let state: State = toml::from_str(&text).map_err(|e| {
            let err = Error::new(format!("the lab state is damaged: {}", e.message().trim_end()))
                .with_help("restore it from git (`git checkout .labforge/state.toml`), or fix the key named here");
            match e.span() {
                Some(s) => err.at_offset(&path, &text, s.start),
                None => err.in_file(&path),
            }
        })?;
        if state.schema != STATE_SCHEMA {
            return Err(Error::new(format!(
                "state schema {} is not supported by this labforge",
                state.schema
            ))
            .in_file(&path)
            .with_help("upgrade labforge"));
        }
        state.check_paths(&path, &text)?;
        Ok(state)
    }

    /// `state.toml` is committed, so it is shared: every path it names goes
    /// through the one path gate, and every digest must be a digest (an
    /// object name is joined onto `.labforge/objects/`).
    fn check_paths(&self, path: &Path, text: &str) -> Result<()> {
        let bad = |key: &str, why: String| {
            let shown = crate::pathgate::shown(key);
            let err = Error::new(format!(
                "the lab state names the path `{shown}`, which is unsafe: {why}"
            ))
            .with_help(
                "the state was edited by hand or comes from an untrusted copy; restore it from git (`git checkout .labforge/state.toml`) or remove that entry",
            );
            match text.find(&format!("\"{key}\"")) {
                Some(at) => err.at_offset(path, text, at),
                None => err.in_file(path),
            }
        };
        for (key, rec) in &self.files {
            if let Some(why) = crate::pathgate::problem(key) {
                return Err(bad(key, why));
            }
            if !is_digest(&rec.base) {
                return Err(bad(
                    key,
                    format!(
                        "its base `{}` is not a sha256 digest",
                        crate::pathgate::shown(&rec.base)
                    ),
                ));
            }
        }
        for key in &self.conflicts {
            if let Some(why) = crate::pathgate::problem(key) {
                return Err(bad(key, why));
            }
        }
        Ok(())
    }

    /// Writes the state atomically.
    pub(crate) fn save(&self, root: &Path) -> Result<()> {
        let text = toml::to_string_pretty(self)
            .map_err(|e| Error::new(format!("could not encode the lab state: {e}")))?;
        fsx::write_atomic(&root.join(STATE_FILE), text)
    }

    /// Walks up from `start` to the folder holding `.labforge/state.toml`.
    pub(crate) fn find_root(start: &Path) -> Result<PathBuf> {
        let start = std::path::absolute(start).map_err(|e| Error::io("resolve", start, e))?;
        let mut dir = start.as_path();
        loop {
            if dir.join(STATE_FILE).is_file() {
                check_own_folders(dir)?;
                return Ok(dir.to_path_buf());
            }
            match dir.parent() {
                Some(p) => dir = p,
                None => {
                    return Err(Error::new(format!("`{}` is not inside a labforge lab (no {STATE_FILE} here or above)", start.display()))
                        .with_help("`cd` into a lab made by `labforge new`, or create one: `labforge new api-client my-lab`"));
                }
            }
        }
    }
}

/// labforge's own files and folders are never symlinks: a shared lab with
/// `.labforge/backups -> ~/x` would make labforge write there, and a linked
/// `state.toml` would be read from wherever it points.
fn check_own_folders(root: &Path) -> Result<()> {
    for rel in [
        STATE_DIR,
        STATE_FILE,
        OBJECTS_DIR,
        crate::backup::BACKUPS_DIR,
        crate::journal::STAGED_DIR,
        crate::backup::legacy::LEGACY_DIR,
        crate::journal::JOURNAL_FILE,
        crate::journal::LEGACY_JOURNAL_FILE,
        crate::lablock::LOCK_FILE,
    ] {
        let path = root.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::new(format!(
                "`{rel}` is a symbolic link; labforge keeps its own files in a real folder and never follows a link there"
            ))
            .in_file(&path)
            .with_help("remove the link and restore .labforge/ from git (`git checkout .labforge`)"));
        }
    }
    Ok(())
}

/// True for `sha256:` followed by 64 lower-case hex digits: the only names
/// labforge joins onto `.labforge/objects/`.
pub(crate) fn is_digest(d: &str) -> bool {
    d.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Path of the object holding bytes with digest `sha256:HEX`.
pub(crate) fn object_path(root: &Path, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    root.join(OBJECTS_DIR).join(hex)
}

/// Stores `bytes` in the object store of the lab at `root`; returns its digest.
#[cfg(test)]
pub(crate) fn put_object(root: &Path, bytes: &[u8]) -> Result<String> {
    let digest = crate::template::digest_bytes(bytes);
    let path = object_path(root, &digest);
    // An object is reused only when its bytes still match its name, so a
    // write cut short by a crash is repaired instead of trusted forever.
    if !has_object(root, &digest) {
        fsx::create_dir_all(path.parent().expect("objects dir"))?;
        fsx::write_atomic(&path, bytes)?;
    }
    Ok(digest)
}

/// Reads an object back: a loose object file, else the pack.
pub fn get_object(root: &Path, digest: &str) -> Result<Vec<u8>> {
    if !is_digest(digest) {
        return Err(Error::new(format!(
            "`{}` is not an object name (sha256:<64 hex digits>)",
            crate::pathgate::shown(digest)
        ))
        .in_file(root.join(STATE_DIR))
        .with_help("restore .labforge/ from git (`git checkout .labforge`)"));
    }
    let path = object_path(root, digest);
    if path.is_file() {
        return fsx::read(&path);
    }
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    if let Some(pack) = load_pack(root)?
        && let Some(range) = pack.index.get(hex)
    {
        let bytes = pack.bytes[range.clone()].to_vec();
        if crate::template::digest_bytes(&bytes) != format!("sha256:{hex}") {
            return Err(
                Error::new(format!("the object {hex} in the pack is damaged"))
                    .in_file(root.join(PACK_FILE))
                    .with_help("restore .labforge/ from git (`git checkout .labforge`)"),
            );
        }
        return Ok(bytes);
    }
    Err(Error::new(format!(
        "the pristine copy {hex} is missing from .labforge/objects"
    ))
    .in_file(&path)
    .with_help("restore the folder from git (`git checkout .labforge`)"))
}

/// The pristine entry of a recorded file: its bytes (or link target) from
/// the object store, with its recorded kind and executable bit.
pub(crate) fn base_entry(root: &Path, rec: &FileRecord) -> Result<crate::template::Entry> {
    let bytes = get_object(root, &rec.base)?;
    Ok(if rec.symlink {
        crate::template::Entry::Symlink(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        crate::template::Entry::File {
            bytes: bytes.into(),
            executable: rec.executable,
        }
    })
}

/// True when the object is stored, loose and intact or in the pack.
pub(crate) fn has_object(root: &Path, digest: &str) -> bool {
    let path = object_path(root, digest);
    if path.is_file() {
        return std::fs::read(&path).is_ok_and(|b| crate::template::digest_bytes(&b) == digest);
    }
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    matches!(load_pack(root), Ok(Some(pack)) if pack.index.contains_key(hex))
}

/// Writes objects (digest → bytes) as a pack straight into `out` (a file),
/// without the whole pack in memory: the magic line, then per object
/// `HEX LEN\n` followed by the bytes.
pub(crate) fn write_pack<'a>(
    mut out: impl std::io::Write,
    objects: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> std::io::Result<()> {
    out.write_all(PACK_MAGIC)?;
    for (digest, bytes) in objects {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        writeln!(out, "{hex} {}", bytes.len())?;
        out.write_all(bytes)?;
    }
    out.flush()
}

struct Pack {
    bytes: Vec<u8>,
    index: std::collections::HashMap<String, std::ops::Range<usize>>,
}

fn parse_pack(bytes: Vec<u8>) -> Option<Pack> {
    let mut index = std::collections::HashMap::new();
    let mut pos = PACK_MAGIC.len();
    if !bytes.starts_with(PACK_MAGIC) {
        return None;
    }
    while pos < bytes.len() {
        let nl = pos + bytes[pos..].iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&bytes[pos..nl]).ok()?;
        let (hex, len) = header.split_once(' ')?;
        let len: usize = len.parse().ok()?;
        let start = nl + 1;
        let end = start.checked_add(len).filter(|&e| e <= bytes.len())?;
        index.insert(hex.to_string(), start..end);
        pos = end;
    }
    Some(Pack { bytes, index })
}

/// The pack of the lab at `root`, read once per process (packs are written
/// once, by `labforge new`, and never changed).
fn load_pack(root: &Path) -> Result<Option<std::sync::Arc<Pack>>> {
    use std::sync::{Arc, Mutex, OnceLock};
    static PACKS: OnceLock<Mutex<BTreeMap<PathBuf, Arc<Pack>>>> = OnceLock::new();
    let path = root.join(PACK_FILE);
    let cache = PACKS.get_or_init(Default::default);
    if let Some(p) = cache.lock().expect("pack cache").get(&path) {
        return Ok(Some(p.clone()));
    }
    if !path.is_file() {
        return Ok(None);
    }
    let pack = parse_pack(fsx::read(&path)?).ok_or_else(|| {
        Error::new("the pack of pristine files is damaged")
            .in_file(&path)
            .with_help("restore .labforge/ from git (`git checkout .labforge`)")
    })?;
    let pack = Arc::new(pack);
    cache.lock().expect("pack cache").insert(path, pack.clone());
    Ok(Some(pack))
}
