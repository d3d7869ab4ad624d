//! Wrong solutions ("mutants") of a lab template: the mistakes a lab teaches
//! against, written down so `template test` can prove its checks refuse them.
//!
//! `solutions/NN-*/mutants/<name>/mutant.toml` names the check that must
//! fail (`check = "id"` of exercise NN, or `"EXID/id"` of an earlier one) and
//! the lesson the mutant breaks; beside it, either a `mutant.patch` (a unified
//! diff, [`super::patch`]) applied to the project after exercise NN, or
//! `common/…` and `<track>/…` files laid over the cumulative reference
//! solution up to NN (overlays). This module
//! finds and validates them ([`load`], findings for `template lint`) and
//! applies one to a rendered lab, runs its check and restores the files
//! ([`try_mutant`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::lint::{Finding, Level};
use super::patch::{self, MutantPatch, PATCH_FILE, Place};
use crate::check::{self, Context, Status};
use crate::error::{Error, Result};
use crate::manifest::{Manifest, toml_error};
use crate::pathgate::{self, Last};
use crate::render;
use crate::scaffold;
use crate::template::{Entry, Lab, Origin};

/// The file that makes a folder under `mutants/` a mutant.
pub(crate) const MUTANT_FILE: &str = "mutant.toml";

/// How many mutants per exercise and track `template lint` asks for.
pub(crate) const MIN_MUTANTS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MutantToml {
    check: String,
    lesson: String,
    #[serde(default)]
    tracks: Option<Vec<String>>,
}

/// One wrong solution, validated against the manifest.
#[derive(Debug, Clone)]
pub(crate) struct Mutant {
    /// The exercise whose solution folder holds it.
    pub(crate) exercise: String,
    pub(crate) name: String,
    /// Template key of its folder: `solutions/NN-x/mutants/NAME`.
    pub(crate) dir: String,
    /// The exercise and id of the check that must fail.
    pub(crate) check_exercise: String,
    pub(crate) check: String,
    pub(crate) lesson: String,
    /// The tracks it has files for and `tracks` allows (`None` in a lab without tracks).
    pub(crate) tracks: Vec<Option<String>>,
    /// Its `mutant.patch`, when it is written as a patch (else its files are overlays).
    pub(crate) patch: Option<MutantPatch>,
}

impl Mutant {
    /// `EXID/CHECK`, as reported.
    pub(crate) fn check_ref(&self) -> String {
        format!("{}/{}", self.check_exercise, self.check)
    }
    pub(crate) fn applies_to(&self, track: Option<&str>) -> bool {
        self.tracks.iter().any(|t| t.as_deref() == track)
    }
    /// The layers laid for `track`: `common/`, then the track's folder.
    fn layers(&self, track: Option<&str>) -> Vec<String> {
        let mut out = vec![format!("{}/common", self.dir)];
        out.extend(track.map(|t| format!("{}/{t}", self.dir)));
        out
    }
}

/// What happened to one mutant in `template test`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MutantResult {
    pub(crate) exercise: String,
    pub(crate) name: String,
    pub(crate) check: String,
    pub(crate) lesson: String,
    /// `killed` (the check failed), `survived` (it passed) or `error` (it
    /// could not run, or the mutant could not be laid).
    pub(crate) result: &'static str,
    /// Why it was killed (the check's message), or why it could not be tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    #[serde(rename = "duration_ms", serialize_with = "super::report::ms")]
    pub(crate) duration: Duration,
}

/// Where a template key lives, for errors (`labs/x/solutions/…`).
fn file_of(lab: &Lab, key: &str) -> PathBuf {
    match &lab.origin {
        Origin::Local(dir) => dir.join(key),
        Origin::Builtin(id) => Path::new("<builtin>").join(id).join(key),
        _ => PathBuf::from(key),
    }
}

/// Every mutant of `lab`, and the findings that make one unusable (errors)
/// or an exercise thin (fewer than [`MIN_MUTANTS`] per track: warnings).
pub(crate) fn load(lab: &Lab) -> (Vec<Mutant>, Vec<Finding>) {
    let m = &lab.manifest;
    let mut mutants = Vec::new();
    let mut findings = Vec::new();
    for (pos, ex) in m.exercises().enumerate() {
        let Some(sol) = &ex.solution else { continue };
        let base = format!("{}/mutants/", sol.trim_end_matches('/'));
        let mut dirs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for key in lab.tree.entries.keys() {
            let Some(rest) = key.strip_prefix(&base) else {
                continue;
            };
            let (name, inner) = rest.split_once('/').unwrap_or((rest, ""));
            dirs.entry(name.to_string())
                .or_default()
                .insert(inner.to_string());
        }
        for (name, files) in dirs {
            let dir = format!("{base}{name}");
            match one(lab, m, pos, &dir, &name, &files) {
                Ok(mu) => mutants.push(mu),
                Err(message) => findings.push(Finding {
                    level: Level::Error,
                    exercise: Some(ex.id().to_string()),
                    message,
                }),
            }
        }
        // No solution yet is its own lint error; counting its mutants is noise.
        let solved = lab
            .tree
            .entries
            .keys()
            .any(|k| k.starts_with(&format!("{}/", sol.trim_end_matches('/'))));
        if !ex.starts_passing && solved {
            let thin: Vec<String> = super::lint::tracks(m)
                .iter()
                .filter_map(|t| {
                    let n = mutants
                        .iter()
                        .filter(|mu| mu.exercise == ex.id() && mu.applies_to(t.as_deref()))
                        .count();
                    (n < MIN_MUTANTS).then(|| match t {
                        Some(t) => format!("{t}: {n}"),
                        None => n.to_string(),
                    })
                })
                .collect();
            if !thin.is_empty() {
                findings.push(Finding {
                    level: Level::Warning,
                    exercise: Some(ex.id().to_string()),
                    message: format!(
                        "has fewer than {MIN_MUTANTS} mutants ({}): add wrong solutions under `{base}NAME/` that its checks must refuse (docs/lab-format.md)",
                        thin.join(", ")
                    ),
                });
            }
        }
    }
    (mutants, findings)
}

/// Validates one mutant folder (`files`: its paths, relative to it).
fn one(
    lab: &Lab,
    m: &Manifest,
    pos: usize,
    dir: &str,
    name: &str,
    files: &BTreeSet<String>,
) -> std::result::Result<Mutant, String> {
    let exercises: Vec<_> = m.exercises().collect();
    let ex = exercises[pos];
    let key = format!("{dir}/{MUTANT_FILE}");
    let Some(bytes) = lab.tree.get(&key) else {
        return Err(format!(
            "`{dir}/` has no {MUTANT_FILE}: add one with `check = \"CHECK-ID\"` and `lesson = \"…\"`, or remove the folder"
        ));
    };
    let text = String::from_utf8_lossy(bytes);
    let file = file_of(lab, &key);
    let spec: MutantToml = toml::from_str(&text).map_err(|e| {
        let e = toml_error(e, &text, &file);
        let at = match e.location.as_ref().and_then(|l| l.line.zip(l.column)) {
            Some((line, col)) => format!("{key}:{line}:{col}"),
            None => key.clone(),
        };
        format!(
            "`{at}`: {}; a mutant.toml takes `check`, `lesson` and `tracks` (docs/lab-format.md)",
            e.message
        )
    })?;
    if spec.lesson.trim().is_empty() {
        return Err(format!(
            "`{key}`: `lesson` is empty: say in one line which lesson this wrong solution breaks"
        ));
    }
    let (cex, cid) = match spec.check.split_once('/') {
        Some((e, c)) => (e.to_string(), c.to_string()),
        None => (ex.id().to_string(), spec.check.clone()),
    };
    let Some(cpos) = exercises.iter().position(|e| e.id() == cex) else {
        return Err(format!(
            "`{key}`: `check = \"{}\"` names no exercise `{cex}`",
            spec.check
        ));
    };
    if cpos > pos {
        return Err(format!(
            "`{key}`: `check = \"{}\"` belongs to a later exercise: its check fails anyway before its own solution, so it proves nothing; name a check of `{}` or an earlier exercise",
            spec.check,
            ex.id()
        ));
    }
    let ids: Vec<String> = exercises[cpos]
        .checks()
        .enumerate()
        .map(|(i, c)| c.id_or(i))
        .collect();
    if !ids.contains(&cid) {
        return Err(format!(
            "`{key}`: exercise `{cex}` has no check `{cid}` (its checks: {})",
            ids.join(", ")
        ));
    }
    let lab_tracks = super::lint::tracks(m);
    if let Some(list) = &spec.tracks {
        for t in list {
            if !m.lab.tracks.contains(t) {
                return Err(format!(
                    "`{key}`: `tracks` names `{t}`, which is not a track of this lab ({})",
                    m.lab.tracks.join(", ")
                ));
            }
        }
    }
    let mut layers: BTreeSet<&str> = BTreeSet::new();
    let mut overlay_files = files
        .iter()
        .filter(|f| *f != MUTANT_FILE && *f != PATCH_FILE);
    let patch = match lab.tree.get(&format!("{dir}/{PATCH_FILE}")) {
        None => None,
        Some(_) if overlay_files.clone().next().is_some() => {
            return Err(format!(
                "`{dir}/` has both {PATCH_FILE} and overlay files (`{}`): a mutant is one or the other; run `labforge template migrate DIR` to turn the overlays into the patch, or remove one",
                overlay_files.next().expect("checked")
            ));
        }
        Some(bytes) => {
            let key = format!("{dir}/{PATCH_FILE}");
            let text = std::str::from_utf8(bytes)
                .map_err(|_| format!("`{key}` is not UTF-8 text: save it as UTF-8"))?;
            Some(patch::parse(text, &key, &m.lab.tracks)?)
        }
    };
    if let Some(p) = &patch {
        layers.extend(p.layers());
    }
    for f in overlay_files {
        let layer = f.split('/').next().unwrap_or("");
        let known = layer == "common" || m.lab.tracks.iter().any(|t| t == layer);
        if !known || !f.contains('/') {
            let folders: Vec<String> = std::iter::once("`common/`".to_string())
                .chain(m.lab.tracks.iter().map(|t| format!("`{t}/`")))
                .collect();
            return Err(format!(
                "`{dir}/{f}`: mutant files go under {}",
                folders.join(" or ")
            ));
        }
        layers.insert(layer);
    }
    let tracks: Vec<Option<String>> = lab_tracks
        .into_iter()
        .filter(|t| {
            let has = layers.contains("common") || t.as_deref().is_some_and(|t| layers.contains(t));
            let allowed = match (&spec.tracks, t) {
                (Some(list), Some(t)) => list.contains(t),
                _ => true,
            };
            has && allowed
        })
        .collect();
    if tracks.is_empty() {
        return Err(format!(
            "`{dir}/` changes no file of a track it allows: add files under `common/` or a track folder, or a {PATCH_FILE}"
        ));
    }
    Ok(Mutant {
        exercise: ex.id().to_string(),
        name: name.to_string(),
        dir: dir.to_string(),
        check_exercise: cex,
        check: cid,
        lesson: spec.lesson.trim().to_string(),
        tracks,
        patch,
    })
}

/// Lays `mu` over the lab at `cx.root`, runs its check (after the checks
/// it `needs`), and puts every file back as it was.
pub(crate) fn try_mutant(cx: &Context, mu: &Mutant, answers: &toml::Table) -> MutantResult {
    let t0 = Instant::now();
    let track = cx.track.as_deref();
    let (result, message) = match lay_and_run(cx, mu, track, answers) {
        Ok((Status::Fail, msg)) => ("killed", msg.map(|m| m.trim_end().to_string())),
        Ok((Status::Pass, _)) => ("survived", None),
        Ok((s, msg)) => (
            "error",
            Some(format!(
                "its check {}: {}",
                s.label(),
                msg.unwrap_or_default().trim_end()
            )),
        ),
        Err(e) => ("error", Some(e.text())),
    };
    MutantResult {
        exercise: mu.exercise.clone(),
        name: mu.name.clone(),
        check: mu.check_ref(),
        lesson: mu.lesson.clone(),
        result,
        message,
        duration: t0.elapsed(),
    }
}

fn lay_and_run(
    cx: &Context,
    mu: &Mutant,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<(Status, Option<String>)> {
    let changes = changes(cx, mu, track, answers)?;
    let saved = save(&cx.root, &changes)?;
    let laid = lay(&cx.root, &changes);
    let outcome = laid.map(|()| {
        let ex = cx
            .manifest()
            .exercise_by_id(&mu.check_exercise)
            .expect("validated by load");
        let r = check::runner::run_check_with_needs(cx, ex, &mu.check);
        // The check's message, and for a command the tail of its output:
        // what shows the author *why* the mutant was refused.
        let tail = r.output.as_deref().map(|o| {
            let lines: Vec<&str> = o.trim_end().lines().collect();
            lines[lines.len().saturating_sub(12)..].join("\n")
        });
        let message = match (r.message, tail) {
            (Some(m), Some(t)) => Some(format!("{}\n{t}", m.trim_end())),
            (m, t) => m.or(t),
        };
        (r.status, message)
    });
    restore(&cx.root, saved)?;
    outcome
}

/// What laying `mu` on `track` changes in the project at `cx.root`: path →
/// the new entry, or None where a patch deletes the file. Overlays are
/// rendered; a patch is applied to the files as they are there (the
/// reference solution up to its exercise).
fn changes(
    cx: &Context,
    mu: &Mutant,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<BTreeMap<String, Option<Entry>>> {
    let Some(p) = &mu.patch else {
        let entries = render::render_layers(cx.lab, &mu.layers(track), track, answers)?;
        return Ok(entries.into_iter().map(|(k, e)| (k, Some(e))).collect());
    };
    let key = format!("{}/{PATCH_FILE}", mu.dir);
    let place = Place {
        key: &key,
        exercise: &mu.exercise,
        track,
    };
    p.apply(&place, &mut |rel| read_current(&cx.root, rel))
        .map_err(|m| Error::new(m).in_file(file_of(cx.lab, &key)))
}

/// A project file's bytes and mode, read through the path gate (never
/// through a link); None when it does not exist.
fn read_current(root: &Path, rel: &str) -> std::result::Result<patch::Current, String> {
    let p = pathgate::resolve(root, rel, Last::NoLink).map_err(|e| e.text())?;
    match std::fs::read(&p) {
        Ok(b) => {
            let x = std::fs::metadata(&p).is_ok_and(|m| crate::fsx::is_executable(&m));
            Ok(Some((b, x)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", &p, e).text()),
    }
}

/// Writes the new entries of `changes` and removes the files it deletes.
fn lay(root: &Path, changes: &BTreeMap<String, Option<Entry>>) -> Result<()> {
    let entries: BTreeMap<String, Entry> = changes
        .iter()
        .filter_map(|(k, e)| e.clone().map(|e| (k.clone(), e)))
        .collect();
    scaffold::write_entries(root, &entries)?;
    for (k, _) in changes.iter().filter(|(_, e)| e.is_none()) {
        crate::fsx::remove_file(&pathgate::resolve(root, k, Last::MayBeLink)?)?;
    }
    Ok(())
}

/// The current bytes of every path `changes` will overwrite or delete
/// (None: absent). Paths go through the path gate: a mutant never reads or
/// writes through a link, and never replaces one.
fn save<T>(root: &Path, entries: &BTreeMap<String, T>) -> Result<Vec<(String, Option<Saved>)>> {
    entries
        .keys()
        .map(|k| {
            let p = pathgate::resolve(root, k, Last::NoLink)?;
            match std::fs::read(&p) {
                Ok(b) => {
                    let executable =
                        std::fs::metadata(&p).is_ok_and(|m| crate::fsx::is_executable(&m));
                    Ok((k.clone(), Some((b, executable))))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((k.clone(), None)),
                Err(e) => Err(Error::io("read", &p, e)),
            }
        })
        .collect()
}

/// A reference file as [`save`] kept it: its bytes and whether it is
/// executable (a mutant that deletes `check.sh` must not leave it
/// non-executable for the next one).
type Saved = (Vec<u8>, bool);

/// Puts back what [`save`] kept: the reference bytes and mode, or no file.
fn restore(root: &Path, saved: Vec<(String, Option<Saved>)>) -> Result<()> {
    for (k, bytes) in saved {
        let p = pathgate::resolve(root, &k, Last::MayBeLink)?;
        let laid_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if laid_link || bytes.is_none() {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", &p, e)),
            }
        }
        if let Some((b, executable)) = bytes {
            let p = pathgate::prepare_write(root, &k)?;
            crate::fsx::write_atomic(&p, &b)?;
            if executable {
                crate::fsx::set_executable(&p)?;
            }
        }
    }
    Ok(())
}

/// `template lint`: every patch mutant's patch must apply to the reference
/// solution of its exercise on each track it applies to (the project as
/// `template test` lays it, rendered with the default answers).
pub(crate) fn check_patches(lab: &Lab, mutants: &[Mutant]) -> Vec<Finding> {
    let mut out = Vec::new();
    if mutants.iter().all(|mu| mu.patch.is_none()) {
        return out;
    }
    let exercises: Vec<&crate::manifest::Exercise> = lab.manifest.exercises().collect();
    let mut failed: Vec<(&Mutant, Option<String>, String)> = Vec::new();
    for track in super::lint::tracks(&lab.manifest) {
        let t = track.as_deref();
        let projects = crate::answers::default_answers(lab, t).and_then(|answers| {
            crate::solution::projects(lab, &super::adr_layers(lab, t), t, &answers)
        });
        let projects = match projects {
            Ok(p) => p,
            Err(e) => {
                out.push(Finding {
                    level: Level::Error,
                    exercise: None,
                    message: format!(
                        "could not render the reference solutions to check the mutants' patches: {}",
                        e.text()
                    ),
                });
                continue;
            }
        };
        for mu in mutants.iter().filter(|mu| mu.applies_to(t)) {
            let Some(p) = &mu.patch else { continue };
            let Some(pos) = exercises.iter().position(|e| e.id() == mu.exercise) else {
                continue;
            };
            let tree = &projects[pos];
            let key = format!("{}/{PATCH_FILE}", mu.dir);
            let place = Place {
                key: &key,
                exercise: &mu.exercise,
                track: t,
            };
            let read = &mut |rel: &str| {
                Ok(match tree.get(rel) {
                    Some(Entry::File { bytes, executable }) => Some((bytes.to_vec(), *executable)),
                    Some(Entry::Symlink(_)) => {
                        return Err(format!(
                            "`{key}`: `{rel}` is a symbolic link in the reference solution: a patch changes files only"
                        ));
                    }
                    None => None,
                })
            };
            if let Err(message) = p.apply(&place, read) {
                failed.push((mu, t.map(str::to_string), message));
            }
        }
    }
    // A `common/` hunk that fails on every track of its mutant is said once.
    for (mu, t, message) in &failed {
        let on = |t: &Option<String>| {
            t.as_ref()
                .map_or(String::new(), |t| format!(" (track `{t}`)"))
        };
        let bare = message.replacen(&on(t), "", 1);
        let same: Vec<&Option<String>> = failed
            .iter()
            .filter(|(m, u, msg)| m.dir == mu.dir && msg.replacen(&on(u), "", 1) == bare)
            .map(|(_, u, _)| u)
            .collect();
        let message = if same.len() == mu.tracks.len() {
            if same[0] != t {
                continue; // said with the first track
            }
            bare
        } else {
            message.clone()
        };
        out.push(Finding {
            level: Level::Error,
            exercise: Some(mu.exercise.clone()),
            message,
        });
    }
    out
}
