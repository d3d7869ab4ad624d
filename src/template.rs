//! A lab template held in memory: the files of a template folder, whether it
//! is embedded in the binary (built-in labs), on disk, or fetched into the
//! cache. Everything downstream (rendering, checks, template tests, update)
//! reads templates through [`TemplateTree`], so it never cares where a lab
//! came from.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::{self, MANIFEST, Manifest};

/// The built-in labs, embedded at build time (`build.rs` reruns on changes).
pub static BUILTIN_LABS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/labs");

include!(concat!(env!("OUT_DIR"), "/builtin_digests.rs"));

/// Shared templates (ADR formats, gitignores, ...), embedded the same way.
pub(crate) static SHARED_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Names never taken into a template (tool caches that may sit in a folder an
/// author is working on).
pub(crate) const IGNORED_NAMES: &[&str] = &[
    ".git",
    ".venv",
    "target",
    "__pycache__",
    ".pytest_cache",
    ".DS_Store",
    ".mypy_cache",
    ".ruff_cache",
    "node_modules",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File {
        /// Borrowed from the binary for a built-in lab (not copied: most of
        /// a lab, its solutions and mutants, is never read by `new`).
        bytes: Cow<'static, [u8]>,
        executable: bool,
    },
    /// A symbolic link; the target is relative and stays inside the template.
    Symlink(String),
}

/// The files of a lab template, keyed by `/`-separated relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateTree {
    pub entries: BTreeMap<String, Entry>,
}

/// Where a template was loaded from, as recorded in `.labforge/state.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Builtin(String),
    Local(PathBuf),
    /// A remote source (git or tarball); `spec` is what the user typed and
    /// `resolved` the commit or digest used.
    Remote {
        spec: String,
        resolved: String,
    },
}

impl Origin {
    /// The source string stored in state: `builtin:ID`, an absolute path, or
    /// the remote spec.
    pub(crate) fn source_string(&self) -> String {
        match self {
            Origin::Builtin(id) => format!("builtin:{id}"),
            Origin::Local(p) => p.display().to_string(),
            Origin::Remote { spec, .. } => spec.clone(),
        }
    }
    pub(crate) fn resolved(&self) -> Option<&str> {
        match self {
            Origin::Remote { resolved, .. } => Some(resolved),
            _ => None,
        }
    }
    pub(crate) fn is_builtin(&self) -> bool {
        matches!(self, Origin::Builtin(_))
    }
}

/// A loaded, validated lab template.
#[derive(Debug, Clone)]
pub struct Lab {
    pub manifest: Manifest,
    pub(crate) tree: TemplateTree,
    pub(crate) origin: Origin,
    /// Where `lab.toml` is, for error messages (`labs/api-client/lab.toml`,
    /// `<builtin>/api-client/lab.toml`, or a path on disk).
    pub(crate) manifest_path: PathBuf,
}

impl TemplateTree {
    /// Loads a template folder from disk. Symlinks are kept as links when
    /// their target stays inside the template, and refused otherwise.
    pub fn from_dir(root: &Path) -> Result<TemplateTree> {
        let mut entries = BTreeMap::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !IGNORED_NAMES.iter().any(|n| e.file_name() == *n));
        for item in walker {
            let item = item.map_err(|e| {
                let path = e.path().unwrap_or(root).to_path_buf();
                Error::new(format!(
                    "could not read the template folder `{}`: {e}",
                    path.display()
                ))
            })?;
            if item.depth() == 0 {
                continue;
            }
            let rel = item
                .path()
                .strip_prefix(root)
                .expect("walkdir stays under root");
            let key = rel_key(rel)?;
            let ft = item.file_type();
            if ft.is_symlink() {
                let target = fsx::read_link(item.path())?;
                check_link_inside(&key, &target).map_err(|e| e.in_file(item.path()))?;
                entries.insert(
                    key,
                    Entry::Symlink(target.to_string_lossy().replace('\\', "/")),
                );
            } else if ft.is_file() {
                let (bytes, meta) = fsx::read_with_metadata(item.path())?;
                entries.insert(
                    key,
                    Entry::File {
                        bytes: bytes.into(),
                        executable: fsx::is_executable(&meta),
                    },
                );
            } else if !ft.is_dir() {
                return Err(Error::new(format!(
                    "`{}` is not a regular file, folder or symlink",
                    item.path().display()
                ))
                .with_help("remove device files, sockets and pipes from the template"));
            }
        }
        Ok(TemplateTree { entries })
    }

    /// Loads an embedded folder (built-in labs). Embedded files carry no
    /// permission bits, so a file that starts with `#!` is made executable.
    pub fn from_embedded(dir: &Dir<'static>) -> TemplateTree {
        let mut entries = BTreeMap::new();
        // include_dir's paths are UTF-8 (they were string literals) and
        // `/`-separated here: a key is the text after `base/`, found without
        // taking the path apart into components (a tenth of loading a lab).
        let prefix = match dir.path().to_str() {
            Some("") => Some(String::new()),
            Some(b) => Some(format!("{b}/")),
            None => None,
        };
        fn walk(
            dir: &Dir<'static>,
            base: &Path,
            prefix: Option<&str>,
            out: &mut BTreeMap<String, Entry>,
        ) {
            for f in dir.files() {
                let fast = f.path().to_str().zip(prefix);
                let key = match fast.and_then(|(p, pre)| p.strip_prefix(pre)) {
                    Some(rest) if !rest.contains('\\') => rest.to_string(),
                    _ => {
                        let rel = f
                            .path()
                            .strip_prefix(base)
                            .expect("embedded paths share the base");
                        rel.to_string_lossy().replace('\\', "/")
                    }
                };
                let bytes = Cow::Borrowed(f.contents());
                let executable = bytes.starts_with(b"#!");
                out.insert(key, Entry::File { bytes, executable });
            }
            for d in dir.dirs() {
                walk(d, base, prefix, out);
            }
        }
        walk(dir, dir.path(), prefix.as_deref(), &mut entries);
        remember_embedded_digests(dir, &entries);
        TemplateTree { entries }
    }

    pub(crate) fn get(&self, path: &str) -> Option<&[u8]> {
        match self.entries.get(path) {
            Some(Entry::File { bytes, .. }) => Some(bytes),
            _ => None,
        }
    }

    /// Entries under `prefix/` with the prefix removed.
    pub(crate) fn subtree(&self, prefix: &str) -> TemplateTree {
        let prefix = format!("{}/", prefix.trim_end_matches('/'));
        TemplateTree {
            entries: self
                .entries
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(&prefix)
                        .map(|rest| (rest.to_string(), v.clone()))
                })
                .collect(),
        }
    }

    /// `sha256:HEX` over every path, kind and content, in path order.
    pub(crate) fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (path, entry) in &self.entries {
            h.update(path.as_bytes());
            h.update([0]);
            match entry {
                Entry::File { bytes, executable } => {
                    h.update([if *executable { b'x' } else { b'f' }]);
                    h.update((bytes.len() as u64).to_le_bytes());
                    h.update(bytes);
                }
                Entry::Symlink(t) => {
                    h.update([b'l']);
                    h.update(t.as_bytes());
                    h.update([0]);
                }
            }
        }
        format!("sha256:{}", hex::encode(h.finalize()))
    }
}

/// `sha256:HEX` of some bytes (file digests in state and the object store).
pub(crate) fn digest_bytes(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn rel_key(rel: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(
                s.to_str()
                    .ok_or_else(|| {
                        Error::new(format!("`{}` is not a UTF-8 path", rel.display()))
                            .with_help("rename the file with a UTF-8 name")
                    })?
                    .to_string(),
            ),
            _ => {
                return Err(Error::new(format!(
                    "unexpected path component in `{}`",
                    rel.display()
                )));
            }
        }
    }
    Ok(parts.join("/"))
}

/// A link at `key` pointing at `target` must be relative and stay inside.
pub(crate) fn check_link_inside(key: &str, target: &Path) -> Result<()> {
    let escapes = || {
        Error::new(format!("the symlink `{key}` points outside the template (`{}`)", target.display()))
            .with_help("make the link relative and keep its target inside the template, or replace it by a copy")
    };
    if target.is_absolute() {
        return Err(escapes());
    }
    let mut depth: i64 = key.split('/').count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return Err(escapes()),
        }
        if depth < 0 {
            return Err(escapes());
        }
    }
    Ok(())
}

/// Resolves the template's links together, in the tree as it is and as the
/// layers are laid into a lab (`common/` under `track/<t>/`, each solution
/// over them), since a link that stays inside the template can leave the
/// lab once its layer prefix is stripped. The error names the template path.
fn check_links(
    tree: &TemplateTree,
    manifest: &Manifest,
) -> std::result::Result<(), (String, Error)> {
    if !tree
        .entries
        .values()
        .any(|e| matches!(e, Entry::Symlink(_)))
    {
        return Ok(());
    }
    crate::pathgate::check_tree_links(&tree.entries, "the template")?;
    let mut tracks: Vec<Option<&str>> = manifest
        .lab
        .tracks
        .iter()
        .map(|t| Some(t.as_str()))
        .collect();
    if tracks.is_empty() {
        tracks.push(None);
    }
    let solutions: Vec<&str> = manifest
        .exercises()
        .filter_map(|e| e.solution.as_deref())
        .map(|s| s.trim_end_matches('/'))
        .collect();
    // (layers laid in order) for every starter and every solution overlay.
    let mut stacks: Vec<Vec<String>> = vec![vec![crate::render::ADR_LAYER.to_string()]];
    for t in &tracks {
        let starter: Vec<String> = std::iter::once("common".to_string())
            .chain(t.map(|t| format!("track/{t}")))
            .collect();
        for sol in &solutions {
            let mut with = starter.clone();
            with.push(format!("{sol}/common"));
            with.extend(t.map(|t| format!("{sol}/{t}")));
            stacks.push(with);
        }
        stacks.push(starter);
    }
    for layers in stacks {
        // laid path -> (entry, template path)
        let mut laid: BTreeMap<String, (Entry, String)> = BTreeMap::new();
        for layer in &layers {
            let prefix = format!("{layer}/");
            for (key, entry) in tree.entries.range(prefix.clone()..) {
                let Some(rest) = key.strip_prefix(&prefix) else {
                    break;
                };
                laid.insert(rest.to_string(), (entry.clone(), key.clone()));
            }
        }
        let entries: BTreeMap<String, Entry> = laid
            .iter()
            .map(|(k, (e, _))| (k.clone(), e.clone()))
            .collect();
        let name = |k: &str| laid.get(k).map_or(k.to_string(), |(_, full)| full.clone());
        crate::pathgate::check_tree_links_named(&entries, "the lab", &name)?;
    }
    Ok(())
}

/// Whether `id` names a built-in lab (one of [`builtin_ids`]), without
/// listing them all.
pub(crate) fn is_builtin(id: &str) -> bool {
    builtin_dir(id).is_some()
}

/// The embedded folder of the built-in lab `id` (one with a lab.toml).
fn builtin_dir(id: &str) -> Option<&'static Dir<'static>> {
    if id.is_empty() || id.contains(['/', '\\']) {
        return None;
    }
    BUILTIN_LABS
        .get_dir(id)
        .filter(|d| d.get_file(d.path().join(MANIFEST)).is_some())
}

/// Whether a lab from `origin` is loaded without `manifest::validate`: a
/// built-in lab is part of this binary, so its lab.toml cannot change after
/// the build, and every debug build (so every test run:
/// `every_builtin_lab_passes_validation`) validates it. A release build
/// skips the checks, a fifth of `labforge new`'s own work (issue 14), and
/// reads the lab.toml that build.rs parsed ([`manifest::preparsed`]);
/// `template lint` and `template test` run the checks anyway ([`Lab::validate`]).
fn loads_unvalidated(origin: &Origin) -> bool {
    matches!(origin, Origin::Builtin(_)) && !cfg!(debug_assertions)
}

/// The sha256 digests (hex) of built-in lab files, computed by build.rs
/// ([`BUILTIN_FILE_DIGESTS`]), by the address and length of the file's
/// bytes inside this binary: a file `new` copies into a lab is still those
/// very bytes when its base is stored, so it need not be hashed again
/// (issue 14: hashing was the largest step of storing the base).
static EMBEDDED_DIGESTS: std::sync::Mutex<BTreeMap<(usize, usize), &'static str>> =
    std::sync::Mutex::new(BTreeMap::new());

/// Records the build-time digest of every file of the built-in lab `dir`
/// (`entries`: its files by path, the order build.rs hashed them in).
fn remember_embedded_digests(dir: &Dir<'static>, entries: &BTreeMap<String, Entry>) {
    let id = dir.path().to_string_lossy();
    let Some((_, hex)) = BUILTIN_FILE_DIGESTS.iter().find(|(i, _)| *i == id) else {
        return;
    };
    if hex.len() != entries.len() * 64 {
        return; // not the tree build.rs hashed: hash at run time
    }
    let Ok(mut known) = EMBEDDED_DIGESTS.lock() else {
        return;
    };
    for (n, entry) in entries.values().enumerate() {
        if let Entry::File {
            bytes: Cow::Borrowed(b),
            ..
        } = entry
        {
            known.insert((b.as_ptr() as usize, b.len()), &hex[n * 64..n * 64 + 64]);
        }
    }
}

/// `digest_bytes(bytes)`, read from build.rs' digests when `bytes` are a
/// built-in lab file's embedded bytes.
pub(crate) fn known_digest(bytes: &[u8]) -> String {
    let key = (bytes.as_ptr() as usize, bytes.len());
    match EMBEDDED_DIGESTS
        .lock()
        .ok()
        .and_then(|k| k.get(&key).copied())
    {
        Some(hex) => format!("sha256:{hex}"),
        None => digest_bytes(bytes),
    }
}

/// The ids of the built-in labs, sorted.
pub fn builtin_ids() -> Vec<String> {
    let mut ids: Vec<String> = BUILTIN_LABS
        .dirs()
        .filter(|d| d.get_file(d.path().join(MANIFEST)).is_some())
        .map(|d| {
            d.path()
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    ids.sort();
    ids
}

impl Lab {
    /// Loads and validates a lab from a tree (its `lab.toml` at the root).
    pub(crate) fn from_tree(
        tree: TemplateTree,
        origin: Origin,
        manifest_path: PathBuf,
    ) -> Result<Lab> {
        let text = match tree.get(MANIFEST) {
            Some(bytes) => std::str::from_utf8(bytes).map_err(|_| {
                Error::new("lab.toml is not valid UTF-8")
                    .in_file(&manifest_path)
                    .with_help("save lab.toml as UTF-8")
            })?,
            None => {
                return Err(Error::new(format!("no `{MANIFEST}` in `{}`", manifest_path.parent().unwrap_or(Path::new(".")).display()))
                    .with_help("a lab template is a folder with a lab.toml at its root; `labforge template init DIR` creates one"));
            }
        };
        let manifest = match &origin {
            // As build.rs parsed it (the same text), without the TOML parser.
            Origin::Builtin(id) if loads_unvalidated(&origin) => match manifest::preparsed(id) {
                Some(m) => m,
                None => manifest::parse_unvalidated(text, &manifest_path)?,
            },
            _ if loads_unvalidated(&origin) => manifest::parse_unvalidated(text, &manifest_path)?,
            _ => manifest::parse(text, &manifest_path)?,
        };
        crate::solution::validate(&manifest, &tree, &manifest_path)?;
        // Each link was checked alone where the tree was read; here the
        // links are resolved together, so a chain cannot climb out.
        let dir = manifest_path.parent().unwrap_or(Path::new("."));
        check_links(&tree, &manifest).map_err(|(key, e)| e.in_file(dir.join(key)))?;
        Ok(Lab {
            manifest,
            tree,
            origin,
            manifest_path,
        })
    }

    /// Runs the checks of `lab.toml` (`manifest::validate`) that loading
    /// skipped ([`loads_unvalidated`]): for commands that must never trust
    /// a lab, built-in or not (`template lint`, `template test`). Any other
    /// lab was checked when loaded.
    pub(crate) fn validate(&self) -> Result<()> {
        if !loads_unvalidated(&self.origin) {
            return Ok(());
        }
        match self.tree.get(MANIFEST).map(std::str::from_utf8) {
            Some(Ok(text)) => manifest::validate(&self.manifest, text, &self.manifest_path),
            _ => Ok(()),
        }
    }

    /// A built-in lab by id.
    pub fn builtin(id: &str) -> Result<Lab> {
        let dir = builtin_dir(id).ok_or_else(|| {
            Error::new(format!("there is no built-in lab `{id}`")).with_help(format!(
                "built-in labs: {}; `labforge list` shows every lab you can use",
                builtin_ids().join(", ")
            ))
        })?;
        let tree = TemplateTree::from_embedded(dir);
        Lab::from_tree(
            tree,
            Origin::Builtin(id.to_string()),
            PathBuf::from(format!("<builtin>/{id}/{MANIFEST}")),
        )
    }

    /// A lab template folder on disk.
    pub(crate) fn local(dir: &Path) -> Result<Lab> {
        let manifest_path = dir.join(MANIFEST);
        if !manifest_path.is_file() {
            return Err(Error::new(format!("`{}` has no `{MANIFEST}`", dir.display()))
                .with_help("point at a lab template folder (one with a lab.toml), or create one with `labforge template init DIR`"));
        }
        let abs = std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
        let tree = TemplateTree::from_dir(dir)?;
        Lab::from_tree(tree, Origin::Local(abs), manifest_path)
    }

    /// The template digest recorded in state (`sha256:…`): the digest of
    /// the template as loaded ([`TemplateTree::digest`]); a
    /// built-in lab's was computed at build time (`build.rs`), so it is not
    /// hashed again on each run (issue 14: start-up of `new` and `check`).
    pub(crate) fn digest(&self) -> String {
        match self.builtin_digest() {
            Some(d) => d.to_string(),
            None => self.tree.digest(),
        }
    }

    /// A built-in lab's digest as build.rs computed it.
    pub(crate) fn builtin_digest(&self) -> Option<&'static str> {
        match &self.origin {
            Origin::Builtin(id) => BUILTIN_DIGESTS
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, d)| *d),
            _ => None,
        }
    }

    /// Track names in order (empty for a lab without tracks).
    pub(crate) fn tracks(&self) -> &[String] {
        &self.manifest.lab.tracks
    }
}

#[cfg(test)]
mod tests {
    use super::{BUILTIN_DIGESTS, Lab, builtin_ids};

    #[test]
    fn is_builtin_agrees_with_the_list() {
        for id in builtin_ids() {
            assert!(super::is_builtin(&id), "{id}");
        }
        for not in ["", ".", "api-client/common", "nope", "API-CLIENT"] {
            assert!(!super::is_builtin(not), "{not}");
        }
    }

    /// Release builds load built-in labs without `manifest::validate`
    /// (see [`Lab::from_tree`]): this is where they are held to it.
    #[test]
    fn every_builtin_lab_passes_validation() {
        for id in builtin_ids() {
            let lab = Lab::builtin(&id).unwrap();
            let text = std::str::from_utf8(lab.tree.get(super::MANIFEST).unwrap()).unwrap();
            crate::manifest::validate(&lab.manifest, text, &lab.manifest_path)
                .unwrap_or_else(|e| panic!("{id}: {e:?}"));
        }
    }

    #[test]
    fn build_rs_digests_of_the_builtin_labs_match_their_embedded_trees() {
        let ids = builtin_ids();
        assert_eq!(BUILTIN_DIGESTS.len(), ids.len());
        for id in ids {
            let lab = Lab::builtin(&id).unwrap();
            let (_, precomputed) = BUILTIN_DIGESTS.iter().find(|(i, _)| *i == id).unwrap();
            assert_eq!(lab.tree.digest(), *precomputed, "{id}");
            assert_eq!(lab.digest(), *precomputed, "{id}");
        }
    }

    /// Every file of every built-in lab gets build.rs' digest of its bytes
    /// (no run-time hashing), and that digest is the one of its bytes.
    #[test]
    fn build_rs_digests_of_the_builtin_files_are_theirs() {
        for id in builtin_ids() {
            let lab = Lab::builtin(&id).unwrap();
            for (path, entry) in &lab.tree.entries {
                let super::Entry::File { bytes, .. } = entry else {
                    continue;
                };
                let key = (bytes.as_ptr() as usize, bytes.len());
                let known = super::EMBEDDED_DIGESTS.lock().unwrap().get(&key).copied();
                let known = known.unwrap_or_else(|| panic!("{id}/{path}: no build-time digest"));
                assert_eq!(
                    format!("sha256:{known}"),
                    super::digest_bytes(bytes),
                    "{id}/{path}"
                );
                assert_eq!(super::known_digest(bytes), super::digest_bytes(bytes));
            }
            // Bytes that are not an embedded file are hashed.
            let copy = lab.tree.entries.values().find_map(|e| match e {
                super::Entry::File { bytes, .. } if !bytes.is_empty() => Some(bytes.to_vec()),
                _ => None,
            });
            let copy = copy.unwrap();
            assert_eq!(super::known_digest(&copy), super::digest_bytes(&copy));
        }
    }
}
