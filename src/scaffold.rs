//! Writing a new lab: render the starter, add a `.gitignore`, stage
//! everything in a temporary folder beside the destination (files,
//! `.labforge/state.toml`, `.labforge/objects/`, the git repository), then
//! rename it into place. A destination that exists and is not empty is
//! refused; on any error the staging folder is removed, so nothing is left
//! behind and nothing outside the destination is ever written.
//!
//! Also owns file ownership (who may change which file on `update`) and
//! [`write_entries`], the one safe way to lay rendered files into a folder
//! (used by `reset`, `solution` and `update` too).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::{Owner, expand_vars};
use crate::render::{self, paths};
use crate::state::{self, FileRecord, STATE_SCHEMA, State};
use crate::template::{Entry, Lab, check_link_inside, digest_bytes};

/// What `labforge new` was asked to do, without any clap type.
#[derive(Debug, Clone)]
pub struct NewOptions {
    pub dest: PathBuf,
    pub track: Option<String>,
    pub answers: toml::Table,
    pub git: bool,
    pub dry_run: bool,
}

/// What was (or, for a dry run, would be) written.
#[derive(Debug, Clone)]
pub struct Generated {
    pub dest: PathBuf,
    /// Every project file (without `.labforge/` and `.git/`).
    pub entries: BTreeMap<String, Entry>,
    pub state: Option<State>,
    /// The initial commit, unless `--no-git` or a dry run.
    pub commit: Option<String>,
}

/// Renders `lab` for `opts.track` and writes it to `opts.dest`.
pub fn generate(lab: &Lab, opts: &NewOptions) -> Result<Generated> {
    let track = opts.track.as_deref();
    let entries = starter_entries(lab, track, &opts.answers)?;
    check_destination(&opts.dest)?;
    if opts.dry_run {
        return Ok(Generated {
            dest: opts.dest.clone(),
            entries,
            state: None,
            commit: None,
        });
    }
    let parent = match opts.dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(
            Error::new(format!("the folder `{}` does not exist", parent.display())).with_help(
                format!(
                    "create it first (`mkdir -p {}`), or choose another destination",
                    parent.display()
                ),
            ),
        );
    }
    let stage = tempfile::Builder::new()
        .prefix(".labforge-new-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a staging folder in", &parent, e))?;
    write_entries(stage.path(), &entries)?;
    let state = base_state(lab, track, &opts.answers, stage.path(), &entries)?;
    // A plain write: the staging folder is private until the rename, so the
    // fsync of `State::save` would only slow `new` down.
    let text = toml::to_string_pretty(&state)
        .map_err(|e| Error::new(format!("could not encode the lab state: {e}")))?;
    fsx::write(&stage.path().join(state::STATE_FILE), text)?;
    let commit = if opts.git {
        let m = &lab.manifest;
        let message = format!(
            "Start {} (labforge {}@{})\n",
            m.lab.title,
            m.id(),
            m.version()
        );
        Some(crate::gitrepo::init_and_commit(stage.path(), &message)?)
    } else {
        None
    };
    set_dir_mode(stage.path(), &opts.dest)?;
    // Re-check right before the rename: the destination may have appeared.
    check_destination(&opts.dest)?;
    fsx::rename(stage.path(), &opts.dest)?;
    // The folder now lives at `dest`; keep the TempDir from deleting it.
    let _ = stage.keep();
    Ok(Generated {
        dest: opts.dest.clone(),
        entries,
        state: Some(state),
        commit,
    })
}

/// Every file of the learner's starter project, exactly as `labforge new`
/// writes it (and as `update` should re-render it): the layers of
/// [`render::starter_layers`] plus the `.gitignore` of [`add_gitignore`].
/// Never any solution.
pub fn starter_entries(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<BTreeMap<String, Entry>> {
    let mut entries = render::render_layers(lab, &render::starter_layers(track), track, answers)?;
    add_gitignore(lab, track, &mut entries);
    Ok(entries)
}

/// Refuses a destination that exists and is not an empty folder.
pub fn check_destination(dest: &Path) -> Result<()> {
    if fsx::is_absent_or_empty_dir(dest)? {
        return Ok(());
    }
    let what = if dest.is_dir() {
        "exists and is not empty"
    } else {
        "exists and is not a folder"
    };
    Err(Error::new(format!("`{}` {what}", dest.display())).with_help(
        "labforge never writes into an existing folder: choose another destination, or move the existing one away first",
    ))
}

/// The staging folder is private (0700); give the new lab the mode of the
/// empty folder it replaces, or 0755.
fn set_dir_mode(stage: &Path, dest: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o755);
        std::fs::set_permissions(stage, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set the permissions of", stage, e))?;
    }
    let _ = (stage, dest);
    Ok(())
}

/// Lays `entries` into the folder `root` (which may hold other files):
/// creates folders, replaces files, never follows a symlink out of `root`.
/// Files marked executable get mode 0755.
pub fn write_entries(root: &Path, entries: &BTreeMap<String, Entry>) -> Result<()> {
    // Folders first, one at a time (each checked), then the files in
    // parallel: opening files dominates on slow filesystems.
    let mut known_dirs: HashSet<PathBuf> = HashSet::new();
    for path in entries.keys() {
        paths::check_relative(path)?;
        if let Some((dir, _)) = path.rsplit_once('/') {
            ensure_dir_inside(root, dir, &mut known_dirs)?;
        }
    }
    let items: Vec<(&String, &Entry)> = entries.iter().collect();
    crate::parallel::map(&items, |(path, entry)| write_entry(root, path, entry))
        .into_iter()
        .collect()
}

fn write_entry(root: &Path, path: &str, entry: &Entry) -> Result<()> {
    let full = root.join(path);
    match std::fs::symlink_metadata(&full) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::new(format!(
                "`{}` is a folder, so the file `{path}` cannot be written",
                full.display()
            ))
            .with_help("move the folder away, then try again"));
        }
        Ok(_) => fsx::remove_file(&full)?,
        Err(_) => {}
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

/// Tool-cache lines for a track, by its name or by the files it ships.
fn gitignore_lines(
    lab: &Lab,
    track: Option<&str>,
    entries: &BTreeMap<String, Entry>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let has = |f: &str| entries.contains_key(f);
    if track == Some("python") || has("requirements.txt") || has("pyproject.toml") {
        lines.extend([".venv/", "__pycache__/", ".pytest_cache/", "*.pyc"].map(String::from));
    }
    if track == Some("rust") || has("Cargo.toml") {
        lines.push("target/".into());
    }
    if let Some(t) = track.and_then(|t| lab.manifest.track.get(t)) {
        lines.extend(t.gitignore.iter().cloned());
    }
    lines.extend([".labforge/results.json", ".labforge/backup/"].map(String::from));
    let mut seen = HashSet::new();
    lines.retain(|l| seen.insert(l.clone()));
    lines
}

/// Adds a `.gitignore` fitting the track, or appends the missing lines to
/// the one the template ships.
pub fn add_gitignore(lab: &Lab, track: Option<&str>, entries: &mut BTreeMap<String, Entry>) {
    let lines = gitignore_lines(lab, track, entries);
    match entries.get_mut(".gitignore") {
        Some(Entry::File { bytes, .. }) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let have: HashSet<&str> = text.lines().map(str::trim).collect();
            let missing: Vec<&String> = lines
                .iter()
                .filter(|l| !have.contains(l.as_str()))
                .collect();
            if !missing.is_empty() {
                let mut out = text.clone();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("# added by labforge\n");
                for l in missing {
                    out.push_str(l);
                    out.push('\n');
                }
                *bytes = out.into_bytes();
            }
        }
        Some(Entry::Symlink(_)) => {}
        None => {
            let mut out = String::new();
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            entries.insert(
                ".gitignore".into(),
                Entry::File {
                    bytes: out.into_bytes(),
                    executable: false,
                },
            );
        }
    }
}

/// Ownership rules of a lab for a track. Precedence, first match wins:
/// `[ownership].shared` → shared; `[ownership].learner` → learner;
/// `[ownership].template` → template; an exercise's `edit` glob (track vars
/// expanded) or the ADR folder → learner; anything else → shared.
pub struct OwnerRules {
    shared: GlobSet,
    learner: GlobSet,
    template: GlobSet,
    learner_default: GlobSet,
}

fn globset<'a>(
    globs: impl IntoIterator<Item = &'a String>,
    vars: &BTreeMap<String, String>,
) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = expand_vars(g, vars);
        let glob = GlobBuilder::new(&g)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                Error::new(format!("the glob `{g}` is not valid: {e}"))
                    .with_help("fix it in lab.toml, for example \"tests/**\"")
            })?;
        b.add(glob);
    }
    b.build()
        .map_err(|e| Error::new(format!("could not build the ownership globs: {e}")))
}

impl OwnerRules {
    pub fn new(lab: &Lab, track: Option<&str>) -> Result<OwnerRules> {
        let m = &lab.manifest;
        let vars = m.track_vars(track);
        let adr_glob = format!("{}/**", m.adr_settings().dir.trim_end_matches('/'));
        let defaults: Vec<String> = m
            .exercises()
            .flat_map(|e| e.edit.iter().cloned())
            .chain([adr_glob])
            .collect();
        Ok(OwnerRules {
            shared: globset(&m.ownership.shared, &vars)?,
            learner: globset(&m.ownership.learner, &vars)?,
            template: globset(&m.ownership.template, &vars)?,
            learner_default: globset(&defaults, &vars)?,
        })
    }

    pub fn owner(&self, path: &str) -> Owner {
        if self.shared.is_match(path) {
            Owner::Shared
        } else if self.learner.is_match(path) {
            Owner::Learner
        } else if self.template.is_match(path) {
            Owner::Template
        } else if self.learner_default.is_match(path) {
            Owner::Learner
        } else {
            Owner::Shared
        }
    }
}

/// Who owns `path` (see [`OwnerRules`]). A lab with an invalid glob (which
/// `template lint` reports) treats every path as shared.
pub fn owner_of(lab: &Lab, track: Option<&str>, path: &str) -> Owner {
    OwnerRules::new(lab, track).map_or(Owner::Shared, |r| r.owner(path))
}

/// The bytes stored for an entry: a file's contents, a link's target.
fn entry_bytes(entry: &Entry) -> &[u8] {
    match entry {
        Entry::File { bytes, .. } => bytes,
        Entry::Symlink(t) => t.as_bytes(),
    }
}

/// Stores every entry in `root/.labforge/objects/` and returns the state of
/// a freshly generated lab (progress empty, current = first exercise).
pub fn base_state(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
    root: &Path,
    entries: &BTreeMap<String, Entry>,
) -> Result<State> {
    let rules = OwnerRules::new(lab, track)?;
    let items: Vec<(&String, &Entry)> = entries.iter().collect();
    let digests = crate::parallel::map(&items, |(_, entry)| digest_bytes(entry_bytes(entry)));
    // Each distinct content once: the object store is content addressed.
    let mut unique: BTreeMap<&str, &[u8]> = BTreeMap::new();
    for ((_, entry), digest) in items.iter().zip(&digests) {
        unique
            .entry(digest.as_str())
            .or_insert_with(|| entry_bytes(entry));
    }
    fsx::create_dir_all(&root.join(state::OBJECTS_DIR))?;
    let unique: Vec<(&str, &[u8])> = unique.into_iter().collect();
    crate::parallel::map(&unique, |(digest, bytes)| {
        let path = state::object_path(root, digest);
        if path.exists() {
            Ok(())
        } else {
            fsx::write(&path, bytes)
        }
    })
    .into_iter()
    .collect::<Result<()>>()?;
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
        template: lab.digest(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Origin, TemplateTree};

    fn lab(toml: &str) -> Lab {
        let mut tree = TemplateTree::default();
        tree.entries.insert(
            "lab.toml".into(),
            Entry::File {
                bytes: toml.as_bytes().to_vec(),
                executable: false,
            },
        );
        Lab::from_tree(
            tree,
            Origin::Builtin("t".into()),
            PathBuf::from("t/lab.toml"),
        )
        .unwrap()
    }

    #[test]
    fn ownership_precedence() {
        let lab = lab(r#"
schema = 1
[lab]
id = "t"
title = "T"
version = "1.0.0"
tracks = ["python"]
adr = { dir = "doc/decisions" }
[track.python]
vars = { src = "client" }
[[exercise]]
id = "01"
title = "One"
edit = ["{src}/*.py"]
[ownership]
learner = ["tests/mine.py"]
template = ["tests/**", "client/protected.py"]
shared = ["client/shared.py"]
"#);
        let owner = |p| owner_of(&lab, Some("python"), p);
        assert_eq!(
            owner("client/one.py"),
            Owner::Learner,
            "edit glob with {{src}} expanded"
        );
        assert_eq!(
            owner("client/deep/one.py"),
            Owner::Shared,
            "`*` does not cross `/`"
        );
        assert_eq!(
            owner("client/shared.py"),
            Owner::Shared,
            "[ownership].shared forces shared"
        );
        assert_eq!(
            owner("client/protected.py"),
            Owner::Template,
            "template wins over the edit default"
        );
        assert_eq!(owner("tests/test_one.py"), Owner::Template);
        assert_eq!(
            owner("tests/mine.py"),
            Owner::Learner,
            "explicit learner wins over template"
        );
        assert_eq!(
            owner("doc/decisions/0001-x.md"),
            Owner::Learner,
            "the ADR folder"
        );
        assert_eq!(owner("README.md"), Owner::Shared);
        assert_eq!(
            owner_of(&lab, None, "client/one.py"),
            Owner::Shared,
            "no track: {{src}} is not expanded"
        );
    }
}
