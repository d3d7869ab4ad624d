//! Reference solutions: the overlays `solutions/NN-*/` of a lab and the
//! cumulative tree after exercise NN.
//!
//! With `schema = 2` a solution folder holds only the files its exercise adds
//! or changes (`common/`, `<track>/`), plus an optional `deleted.toml` naming
//! the project paths it removes; the project after exercise NN is the starter
//! with the solutions of exercises 1..NN laid in order (later wins, deletions
//! applied after each exercise's files). With `schema = 1` each folder is a
//! full copy of every file exercises 1..NN touched; `template test` lays them
//! in the same order, so a v1 lab and its migrated v2 lab (`selftest::migrate`) test
//! identically. Wrong solutions (`solutions/NN-*/mutants/`) are not layers and
//! are never read here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result, Status};
use crate::fsx;
use crate::manifest::{Exercise, Manifest, expand_vars};
use crate::render;
use crate::template::{Entry, Lab, TemplateTree};

/// The file in a v2 solution folder that lists the paths its exercise deletes.
pub(crate) const DELETED: &str = "deleted.toml";

/// `deleted.toml`: `paths = ["client/legacy.py", "{src}/old.rs"]`, paths in
/// the generated project (track vars expanded).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeletedList {
    paths: Vec<Spanned<String>>,
}

/// True when `lab` stores solutions as deltas (`schema = 2`).
pub(crate) fn is_delta(m: &Manifest) -> bool {
    m.schema >= 2
}

/// The template key of exercise `ex`'s `deleted.toml` (None without a solution).
pub(crate) fn deleted_key(ex: &Exercise) -> Option<String> {
    ex.solution
        .as_ref()
        .map(|s| format!("{}/{DELETED}", s.trim_end_matches('/')))
}

/// Checks every `deleted.toml` of a lab when it is loaded: strict keys,
/// relative paths that stay inside the project, and only with `schema = 2`.
/// `manifest_path` locates errors (`<lab>/solutions/NN-x/deleted.toml:L:C`).
pub(crate) fn validate(m: &Manifest, tree: &TemplateTree, manifest_path: &Path) -> Result<()> {
    let base = manifest_path
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    for ex in m.exercises() {
        let Some(key) = deleted_key(ex) else { continue };
        let Some(bytes) = tree.get(&key) else {
            continue;
        };
        let file = base.join(&key);
        if !is_delta(m) {
            return Err(Error::new(format!(
                "`{key}` needs `schema = 2`: with schema 1 every solution folder is a full copy"
            ))
            .in_file(&file)
            .with_help("run `labforge template migrate DIR` to convert the lab to schema 2"));
        }
        parse_deleted(bytes, &file)?;
    }
    Ok(())
}

fn parse_deleted(bytes: &[u8], file: &Path) -> Result<Vec<Spanned<String>>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::new("deleted.toml is not valid UTF-8")
            .in_file(file)
            .with_help("save it as UTF-8")
    })?;
    let list: DeletedList = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        let err = Error::new(message).with_help(
            "write `paths = [\"path/in/the/project\", …]` (docs/lab-format.md, Solutions)",
        );
        match e.span() {
            Some(span) => err.at_offset(file, text, span.start),
            None => err.in_file(file),
        }
    })?;
    for p in &list.paths {
        // Track vars are checked again once expanded.
        if let Err(why) = check_project_path(p.get_ref()) {
            return Err(Error::new(format!(
                "`{}` cannot be deleted: {why}",
                p.get_ref()
            ))
            .at_offset(file, text, p.span().start)
            .with_help("name a file of the generated project by its relative path, such as \"client/legacy.py\""));
        }
    }
    Ok(list.paths)
}

/// Why a project-relative path may not be deleted by a solution, if so:
/// the one path gate's rules (relative, plain names, never `.git` or
/// `.labforge`).
fn check_project_path(p: &str) -> std::result::Result<(), String> {
    match crate::pathgate::problem(p) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// The project paths exercise `ex` deletes on `track` (track vars expanded);
/// empty for a v1 lab or a solution without `deleted.toml`.
pub(crate) fn deleted_paths(lab: &Lab, ex: &Exercise, track: Option<&str>) -> Result<Vec<String>> {
    let m = &lab.manifest;
    let Some(key) = deleted_key(ex).filter(|_| is_delta(m)) else {
        return Ok(Vec::new());
    };
    let Some(bytes) = lab.tree.get(&key) else {
        return Ok(Vec::new());
    };
    let file = lab
        .manifest_path
        .parent()
        .map(|p| p.join(&key))
        .unwrap_or_else(|| PathBuf::from(&key));
    let vars = m.track_vars(track);
    let mut out = Vec::new();
    for p in parse_deleted(bytes, &file)? {
        let path = expand_vars(p.get_ref(), &vars);
        check_project_path(&path).map_err(|why| {
            Error::new(format!("`{path}` cannot be deleted: {why}"))
                .in_file(&file)
                .with_help("check the track vars the path uses")
        })?;
        out.push(path);
    }
    Ok(out)
}

/// The reference solution of one exercise as the learner's project holds it
/// after that exercise: every file exercises 1..=NN laid (rendered), and the
/// paths they deleted (files of the starter or of earlier solutions).
#[derive(Debug, Default)]
pub(crate) struct Cumulative {
    pub(crate) entries: BTreeMap<String, Entry>,
    pub(crate) deleted: BTreeSet<String>,
}

impl Cumulative {
    /// The files as `labforge solution` prints them: `==> path <==` and the
    /// text (or what the file is), then the deleted paths.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for (path, entry) in &self.entries {
            out.push_str(&format!("==> {path} <==\n"));
            match entry {
                Entry::File { bytes, .. } => match std::str::from_utf8(bytes) {
                    Ok(t) => out.push_str(&format!("{}\n", t.trim_end_matches('\n'))),
                    Err(_) => out.push_str(&format!("(binary, {} bytes)\n", bytes.len())),
                },
                Entry::Symlink(t) => out.push_str(&format!("(symlink to {t})\n")),
            }
        }
        for path in &self.deleted {
            out.push_str(&format!("==> {path} <==\n(deleted)\n"));
        }
        out
    }
}

/// The solution of exercise `id` that a learner may see: only once it
/// `passed`, unless they `reveal` it (else an error with exit code 1), and an
/// error when the lab has none for it.
pub(crate) fn for_learner(
    lab: &Lab,
    id: &str,
    track: Option<&str>,
    answers: &toml::Table,
    passed: bool,
    reveal: bool,
) -> Result<Cumulative> {
    if !reveal && !passed {
        return Err(Error::new(format!("{id} does not pass yet, so its solution stays hidden"))
            .with_status(Status::No)
            .with_help(format!("solve it first (`labforge check {id}`, `labforge hint {id}`), or pass --reveal to look anyway")));
    }
    let index = lab
        .manifest
        .exercises()
        .position(|e| e.id() == id)
        .ok_or_else(|| Error::new(format!("this lab has no exercise `{id}`")))?;
    let sol = cumulative(lab, index, track, answers)?;
    if sol.entries.is_empty() && sol.deleted.is_empty() {
        return Err(
            Error::new(format!("{id} has no reference solution in this lab"))
                .with_help("ask the lab's author, or compare with a classmate"),
        );
    }
    Ok(sol)
}

/// The cumulative reference solution after the exercise at `index` (0-based,
/// in lab.toml order). For a v1 lab it is that exercise's own folder, which
/// already holds every file so far.
pub(crate) fn cumulative(
    lab: &Lab,
    index: usize,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<Cumulative> {
    let exercises: Vec<&Exercise> = lab.manifest.exercises().collect();
    let Some(target) = exercises.get(index) else {
        return Ok(Cumulative::default());
    };
    let upto: Vec<&Exercise> = if is_delta(&lab.manifest) {
        exercises[..=index].to_vec()
    } else {
        vec![*target]
    };
    let mut out = Cumulative::default();
    for ex in upto {
        let layers = render::solution_layers(ex, track);
        for (path, entry) in render::render_layers(lab, &layers, track, answers)? {
            out.deleted.remove(&path);
            out.entries.insert(path, entry);
        }
        for path in deleted_paths(lab, ex, track)? {
            out.entries.remove(&path);
            out.deleted.insert(path);
        }
    }
    Ok(out)
}

/// The whole project after each exercise (index = position in lab.toml),
/// as `template test` lays it: the starter, then for each exercise its
/// solution layers and `extra` layers (filled-in ADRs), later winning, then
/// its deletions. What a mutant's patch applies to.
pub(crate) fn projects(
    lab: &Lab,
    extra: &[String],
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<Vec<BTreeMap<String, Entry>>> {
    let mut tree = crate::scaffold::starter_entries(lab, track, answers)?;
    let mut out = Vec::new();
    for ex in lab.manifest.exercises() {
        let mut layers = render::solution_layers(ex, track);
        layers.extend(extra.iter().cloned());
        tree.extend(render::render_layers(lab, &layers, track, answers)?);
        for path in deleted_paths(lab, ex, track)? {
            tree.remove(&path);
        }
        out.push(tree.clone());
    }
    Ok(out)
}

/// Lays exercise `ex`'s solution over the project at `root`, which holds the
/// starter with solutions 1..NN-1 already laid: writes its files (with
/// `extra` layers such as filled-in ADRs), then removes the paths it deletes.
pub(crate) fn lay(
    lab: &Lab,
    ex: &Exercise,
    extra: &[String],
    root: &Path,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<()> {
    let mut layers = render::solution_layers(ex, track);
    layers.extend(extra.iter().cloned());
    let entries = render::render_layers(lab, &layers, track, answers)?;
    crate::scaffold::write_entries(root, &entries)?;
    for path in deleted_paths(lab, ex, track)? {
        remove_inside(root, &path)?;
    }
    Ok(())
}

/// Removes the file or symlink `rel` under `root` through the path gate
/// (never through a symlinked folder); a folder at `rel` is refused, and a
/// path that is already absent is fine.
fn remove_inside(root: &Path, rel: &str) -> Result<()> {
    let path = crate::pathgate::resolve(root, rel, crate::pathgate::Last::MayBeLink)?;
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("read the metadata of", &path, e)),
        Ok(m) if m.is_dir() => Err(Error::new(format!(
            "`{rel}` is a folder; `deleted.toml` lists files"
        ))
        .with_help("list each file of the folder")),
        Ok(_) => fsx::remove_file(&path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_paths_stay_inside_the_project() {
        assert!(check_project_path("client/legacy.py").is_ok());
        assert!(check_project_path("{src}/old.rs").is_ok());
        assert!(check_project_path("../x").is_err());
        assert!(check_project_path("/etc/passwd").is_err());
        assert!(check_project_path(".labforge/state.toml").is_err());
        assert!(check_project_path(".git/config").is_err());
        assert!(check_project_path("a//b").is_err());
    }

    #[test]
    fn removing_never_follows_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep.txt"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), tmp.path().join("link")).unwrap();
            assert!(remove_inside(tmp.path(), "link/keep.txt").is_err());
            assert!(outside.path().join("keep.txt").exists());
        }
        std::fs::write(tmp.path().join("gone.txt"), "x").unwrap();
        remove_inside(tmp.path(), "gone.txt").unwrap();
        assert!(!tmp.path().join("gone.txt").exists());
        remove_inside(tmp.path(), "never-there.txt").unwrap();
    }
}
