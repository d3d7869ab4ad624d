//! `cohort grade`: re-runs the lab's checks for every learner, never trusting
//! what the learner's repository claims.
//!
//! For each learner: the fetched commit's tree is written into a fresh work
//! folder (every path checked, symbolic links never written, `.git` never
//! taken); its committed `results.json` is dropped; its state's `source` is
//! replaced by the cohort's (a changed source or track is flagged); every
//! template-owned file (tests, practice servers, checks) is rendered again
//! from the lab source and written over the learner's copy, so an edited test
//! cannot pass itself (each edit is a tamper warning). The track's setup runs
//! once per track and lab version in a pristine copy, and the folders it
//! makes (`.venv`, `target`) are shared into every work folder. Then
//! `labforge check --all --json` runs in each work folder (its usual
//! timeouts and process-group cleanup), at most `jobs` at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Cohort, cache, sync};
use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::Owner;
use crate::scaffold::{self, OwnerRules};
use crate::source::{self, FetchOptions};
use crate::state::State;
use crate::template::{Entry, Lab};

pub(crate) const GRADES_FILE: &str = "grades.json";

#[derive(Debug, Clone)]
pub(crate) struct GradeOptions {
    pub(crate) exercise: Option<String>,
    pub(crate) jobs: usize,
    pub(crate) trust: bool,
    /// Per learner, for the whole `check` run.
    pub(crate) timeout: Duration,
    /// Read `DIR/NAME/results.json` (the CI artifacts) instead of running
    /// anything: the mentor chooses to trust the hosting's runners.
    pub(crate) from_ci: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Grades {
    /// `id@version` of the lab graded against.
    pub(crate) lab: String,
    pub(crate) source: String,
    pub(crate) exercises: Vec<String>,
    pub(crate) setups: Vec<SetupRun>,
    pub(crate) learners: Vec<LearnerGrade>,
}

/// One shared setup: run once, used by `learners` work folders.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SetupRun {
    pub(crate) track: String,
    /// True when it ran in this grade (false: an earlier run was reused).
    pub(crate) ran: bool,
    /// The folders it made that every work folder shares.
    pub(crate) shared: Vec<String>,
    pub(crate) learners: usize,
}

/// An exercise's cell in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Mark {
    Pass,
    Fail,
    NotStarted,
    Tampered,
}

impl Mark {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Fail => "✗",
            Mark::NotStarted => "·",
            Mark::Tampered => "!",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Failing {
    pub(crate) exercise: String,
    pub(crate) check: String,
    pub(crate) message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AdrRecord {
    /// Relative to the lab root.
    pub(crate) file: String,
    pub(crate) findings: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LearnerGrade {
    pub(crate) name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) track: Option<String>,
    pub(crate) passed: usize,
    pub(crate) total: usize,
    /// Exercise id → mark, in the lab's order.
    pub(crate) exercises: BTreeMap<String, Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) first_failing: Option<Failing>,
    pub(crate) hints_used: u32,
    pub(crate) adr: Vec<AdrRecord>,
    pub(crate) tamper: Vec<String>,
    pub(crate) seconds: f64,
    /// Set when the learner could not be graded (the rest are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    /// True when the verdicts are the CI's `results.json`, not a re-run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) from_ci: bool,
    /// The work folder (for the report's ADR pages).
    #[serde(skip)]
    pub(crate) work: Option<PathBuf>,
}

impl LearnerGrade {
    fn failed(name: &str, commit: Option<String>, error: String) -> LearnerGrade {
        LearnerGrade {
            name: name.to_string(),
            commit,
            track: None,
            passed: 0,
            total: 0,
            exercises: BTreeMap::new(),
            first_failing: None,
            hints_used: 0,
            adr: Vec::new(),
            tamper: Vec::new(),
            seconds: 0.0,
            error: Some(error),
            from_ci: false,
            work: None,
        }
    }
}

/// The cohort's lab: a relative folder source is taken relative to the
/// cohort's folder.
pub(crate) fn load_lab(dir: &Path, cohort: &Cohort) -> Result<Lab> {
    let s = &cohort.lab.source;
    let local = dir.join(s);
    let text = if !s.contains("://") && !s.starts_with("builtin:") && local.exists() {
        std::path::absolute(&local)
            .map_err(|e| Error::io("resolve", &local, e))?
            .display()
            .to_string()
    } else {
        s.clone()
    };
    source::load(&text, &FetchOptions::default())
}

/// Running learners' code needs consent: `--trust`, or a yes on a terminal.
fn consent(n: usize, trust: bool) -> Result<()> {
    if trust {
        return Ok(());
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let yes = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Grading runs the code of {n} learners' repositories on this machine. Go on?"
            ))
            .default(false)
            .interact()
            .unwrap_or(false);
        if yes {
            return Ok(());
        }
    }
    Err(Error::new("grading runs each learner's code, and that needs your consent")
        .with_help("run it again with `--trust` (or answer yes on a terminal); read docs/cohort.md for what a learner's code can do"))
}

pub(crate) fn grade(dir: &Path, cohort: &Cohort, opts: &GradeOptions) -> Result<Grades> {
    // Shared setup folders are linked by absolute path.
    let dir = &std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
    let lab = load_lab(dir, cohort)?;
    let source = lab.origin.source_string();
    let m = &lab.manifest;
    if let Some(ci) = &opts.from_ci {
        return from_ci(dir, cohort, &lab, ci, opts);
    }
    crate::trust::ensure_trusted(&crate::trust::Subject::of(&lab.origin), opts.trust)?;
    consent(cohort.learners.len(), opts.trust)?;
    let exercises = exercise_ids(&lab, opts.exercise.as_deref())?;
    let synced: BTreeMap<String, sync::Synced> = sync::last(dir)
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    let work_root = cache(dir, "work");
    fsx::create_dir_all(&work_root)?;

    // Phase 1: a prepared work folder per learner (or its error row).
    let mut prepared: Vec<std::result::Result<Prepared, LearnerGrade>> = Vec::new();
    for l in &cohort.learners {
        let s = synced.get(&l.name);
        let p = match s {
            None => Err(LearnerGrade::failed(
                &l.name,
                None,
                "not synced yet: run `labforge cohort sync`".into(),
            )),
            Some(sync::Synced { error: Some(e), .. }) => Err(LearnerGrade::failed(
                &l.name,
                None,
                format!("could not fetch: {e}"),
            )),
            Some(sync::Synced {
                commit: Some(c), ..
            }) => prepare(dir, &lab, &source, &l.name, c)
                .map_err(|e| LearnerGrade::failed(&l.name, Some(c.clone()), e.message)),
            Some(_) => Err(LearnerGrade::failed(&l.name, None, "not synced".into())),
        };
        prepared.push(p);
    }

    // Phase 2: one setup per track, shared.
    let tracks: BTreeSet<Option<String>> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|p| p.track.clone()))
        .collect();
    let mut setups = Vec::new();
    let mut shared_of: BTreeMap<Option<String>, (PathBuf, Vec<String>)> = BTreeMap::new();
    for t in &tracks {
        let (folder, shared, ran) = shared_setup(dir, &lab, t.as_deref())?;
        let users: Vec<&Prepared> = prepared
            .iter()
            .filter_map(|p| p.as_ref().ok())
            .filter(|p| &p.track == t)
            .collect();
        for p in &users {
            for s in &shared {
                link_shared(&p.work, &folder, s)?;
            }
        }
        setups.push(SetupRun {
            track: t.clone().unwrap_or_else(|| "-".into()),
            ran,
            shared: shared.clone(),
            learners: users.len(),
        });
        shared_of.insert(t.clone(), (folder, shared));
    }

    // Phase 3: the checks, at most `jobs` learners at a time.
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<LearnerGrade>>> = Mutex::new(vec![None; prepared.len()]);
    let jobs = opts.jobs.clamp(1, 16);
    std::thread::scope(|s| {
        for _ in 0..jobs.min(prepared.len().max(1)) {
            s.spawn(|| {
                loop {
                    if crate::interrupt::requested().is_some() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = prepared.get(i) else {
                        break;
                    };
                    let g = match p {
                        Err(g) => g.clone(),
                        Ok(p) => {
                            crate::eoutln!("grading {}", p.name);
                            run_checks(&lab, p, &exercises, opts)
                        }
                    };
                    out.lock().expect("grades")[i] = Some(g);
                }
            });
        }
    });
    // After Ctrl-C: every started run was stopped; nothing is recorded.
    crate::interrupt::check()?;
    let learners: Vec<LearnerGrade> = out
        .into_inner()
        .expect("grades")
        .into_iter()
        .flatten()
        .collect();
    let grades = Grades {
        lab: format!("{}@{}", m.id(), m.version()),
        source,
        exercises,
        setups,
        learners,
    };
    let json = serde_json::to_string_pretty(&grades).unwrap_or_default();
    fsx::write_atomic(&cache(dir, GRADES_FILE), json + "\n")?;
    Ok(grades)
}

fn exercise_ids(lab: &Lab, only: Option<&str>) -> Result<Vec<String>> {
    let m = &lab.manifest;
    match only {
        Some(e) => {
            let ex = m.exercise_by_id(e).ok_or_else(|| {
                Error::new(format!("the lab has no exercise `{e}`")).with_help(format!(
                    "the exercises are: {}",
                    m.exercises().map(|e| e.id()).collect::<Vec<_>>().join(", ")
                ))
            })?;
            Ok(vec![ex.id().to_string()])
        }
        None => Ok(m.exercises().map(|e| e.id().to_string()).collect()),
    }
}

/// `grade --from-ci DIR`: the verdicts of each learner's CI artifact
/// (`DIR/NAME/results.json` or `DIR/NAME.json`), nothing run here. The
/// mentor trusts the hosting's runners; the table says so per learner.
fn from_ci(
    dir: &Path,
    cohort: &Cohort,
    lab: &Lab,
    ci: &Path,
    opts: &GradeOptions,
) -> Result<Grades> {
    let m = &lab.manifest;
    let exercises = exercise_ids(lab, opts.exercise.as_deref())?;
    let mut learners = Vec::new();
    for l in &cohort.learners {
        let candidates = [
            ci.join(&l.name).join("results.json"),
            ci.join(format!("{}.json", l.name)),
        ];
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            learners.push(LearnerGrade::failed(
                &l.name,
                None,
                format!("no CI results: expected {}", candidates[0].display()),
            ));
            continue;
        };
        let text = fsx::read_to_string(path)?;
        let mut g = LearnerGrade::failed(&l.name, None, String::new());
        g.error = None;
        g.from_ci = true;
        match serde_json::from_str::<CheckJson>(&text) {
            Ok(parsed) => {
                g.track = parsed.track.clone();
                score(lab, &parsed, None, &[], &exercises, &mut g);
            }
            Err(e) => {
                g.error = Some(format!(
                    "{} is not a labforge results.json: {e}",
                    path.display()
                ))
            }
        }
        learners.push(g);
    }
    let grades = Grades {
        lab: format!("{}@{}", m.id(), m.version()),
        source: lab.origin.source_string(),
        exercises,
        setups: Vec::new(),
        learners,
    };
    let json = serde_json::to_string_pretty(&grades).unwrap_or_default();
    fsx::write_atomic(&cache(dir, GRADES_FILE), json + "\n")?;
    Ok(grades)
}

/// The last grades written by `grade`.
pub(crate) fn last(dir: &Path) -> Result<Grades> {
    let path = cache(dir, GRADES_FILE);
    if !path.is_file() {
        return Err(Error::new("the cohort has not been graded yet")
            .with_help("run `labforge cohort grade --trust` first"));
    }
    let text = fsx::read_to_string(&path)?;
    let mut g: Grades = serde_json::from_str(&text)
        .map_err(|e| Error::new(format!("could not read the last grades: {e}")).in_file(&path))?;
    for l in &mut g.learners {
        let w = cache(dir, "work").join(&l.name);
        if w.is_dir() {
            l.work = Some(w);
        }
    }
    Ok(g)
}

/// A learner's work folder, ready for the checks.
struct Prepared {
    name: String,
    commit: String,
    work: PathBuf,
    track: Option<String>,
    state: State,
    tamper: Vec<String>,
    /// Template-owned files the learner had edited (restored now).
    edited: Vec<String>,
}

fn prepare(dir: &Path, lab: &Lab, source: &str, name: &str, commit: &str) -> Result<Prepared> {
    let work = cache(dir, "work").join(name);
    if std::fs::symlink_metadata(&work).is_ok() {
        fsx::remove_dir_all(&work)?;
    }
    fsx::create_dir_all(&work)?;
    let mut tamper = export(&cache(dir, "repos").join(name), commit, &work)?;
    let mut state = State::load(&work).map_err(|e| {
        Error::new(format!(
            "the repository is not a lab made by labforge: {}",
            e.message
        ))
    })?;
    let m = &lab.manifest;
    let expected = format!("{}@{}", m.id(), m.version());
    if state.lab.split('@').next() != Some(m.id()) {
        return Err(Error::new(format!(
            "the repository holds the lab `{}`, not `{}`",
            state.lab, expected
        )));
    }
    if state.lab != expected {
        tamper.push(format!(
            "made from {}; graded against {expected}",
            state.lab
        ));
    }
    if state.source != source {
        tamper.push(format!(
            "its state names the source `{}`; graded with the cohort's `{source}`",
            state.source
        ));
        state.source = source.to_string();
    }
    let track = state.track.clone();
    let tracks = m.lab.tracks.clone();
    if let Some(t) = &track
        && !tracks.iter().any(|x| x == t)
    {
        return Err(Error::new(format!(
            "its state names an unknown track `{t}`"
        )));
    }
    // Never the learner's own verdicts.
    let results = work.join(".labforge/results.json");
    if results.exists() {
        fsx::remove_file(&results)?;
    }
    state.save(&work)?;
    let edited = restore_template_files(lab, track.as_deref(), &state, &work)?;
    for e in &edited {
        tamper.push(format!("{e} was edited; graded with the template's copy"));
    }
    Ok(Prepared {
        name: name.to_string(),
        commit: commit.to_string(),
        work,
        track,
        state,
        tamper,
        edited,
    })
}

/// True for a relative path of plain components, checked by the one path
/// gate (`pathgate::component_problem`: no `..`, no `.git` or look-alike,
/// no backslash, no empty part). The lab's own `.labforge/` is the one
/// reserved name a learner's repository legitimately holds (its state).
fn safe_path(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && rel
            .split('/')
            .all(|c| c == ".labforge" || crate::pathgate::component_problem(c).is_none())
}

/// Writes the commit's tree into `work`: regular files only (a symbolic
/// link is never written, a submodule never followed); returns warnings.
fn export(repo_dir: &Path, commit: &str, work: &Path) -> Result<Vec<String>> {
    let fail = |e: git2::Error| {
        Error::new(format!(
            "could not read the fetched repository: {}",
            e.message()
        ))
    };
    let repo = git2::Repository::open_bare(repo_dir).map_err(fail)?;
    let oid = git2::Oid::from_str(commit).map_err(fail)?;
    let tree = repo.find_commit(oid).and_then(|c| c.tree()).map_err(fail)?;
    let mut files: Vec<(String, git2::Oid, bool)> = Vec::new();
    let mut warnings = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        let Ok(name) = entry.name() else {
            warnings.push(format!(
                "skipped a file whose name is not UTF-8 in `{root}`"
            ));
            return git2::TreeWalkResult::Skip;
        };
        let rel = format!("{root}{name}");
        if !safe_path(&rel) {
            warnings.push(format!("skipped the unsafe path `{rel}`"));
            return git2::TreeWalkResult::Skip;
        }
        match entry.filemode() {
            0o040000 => git2::TreeWalkResult::Ok,
            0o100644 | 0o100664 => {
                files.push((rel, entry.id(), false));
                git2::TreeWalkResult::Ok
            }
            0o100755 => {
                files.push((rel, entry.id(), true));
                git2::TreeWalkResult::Ok
            }
            0o120000 => {
                warnings.push(format!("did not copy the symbolic link `{rel}`"));
                git2::TreeWalkResult::Ok
            }
            _ => {
                warnings.push(format!("skipped `{rel}` (a submodule or unknown entry)"));
                git2::TreeWalkResult::Skip
            }
        }
    })
    .map_err(fail)?;
    for (rel, id, exec) in files {
        let blob = repo.find_blob(id).map_err(fail)?;
        let path = work.join(&rel);
        if let Some(p) = path.parent() {
            fsx::create_dir_all(p)?;
        }
        fsx::write(&path, blob.content())?;
        if exec {
            fsx::set_executable(&path)?;
        }
    }
    Ok(warnings)
}

/// Renders the starter again with the learner's answers (unknown ones
/// dropped, missing ones defaulted) and writes every template-owned file
/// that differs; returns the ones the learner had edited or removed.
fn restore_template_files(
    lab: &Lab,
    track: Option<&str>,
    state: &State,
    work: &Path,
) -> Result<Vec<String>> {
    let mut answers = crate::answers::default_answers(lab, track)?;
    for (k, v) in &state.answers {
        if answers.contains_key(k) {
            answers.insert(k.clone(), v.clone());
        }
    }
    let entries = scaffold::starter_entries(lab, track, &answers)?;
    let rules = OwnerRules::new(lab, track)?;
    let mut edited = Vec::new();
    for (path, entry) in &entries {
        if rules.owner(path) != Owner::Template {
            continue;
        }
        let Entry::File { bytes, executable } = entry else {
            continue;
        };
        let dest = work.join(path);
        let current = match std::fs::symlink_metadata(&dest) {
            Ok(m) if m.is_file() => std::fs::read(&dest).ok(),
            Ok(_) => {
                fsx::remove_dir_all(&dest).or_else(|_| fsx::remove_file(&dest))?;
                None
            }
            Err(_) => None,
        };
        if current.as_deref() == Some(&bytes[..]) {
            continue;
        }
        edited.push(path.clone());
        if let Some(p) = dest.parent() {
            fsx::create_dir_all(p)?;
        }
        fsx::write(&dest, bytes)?;
        if *executable {
            fsx::set_executable(&dest)?;
        }
    }
    Ok(edited)
}

/// Runs the track's setup once per lab version and track in a pristine
/// copy of the starter; returns the folder, the top-level folders the setup
/// made (shared into every work folder), and whether it ran now.
fn shared_setup(
    dir: &Path,
    lab: &Lab,
    track: Option<&str>,
) -> Result<(PathBuf, Vec<String>, bool)> {
    let m = &lab.manifest;
    let key = format!("{}@{}-{}", m.id(), m.version(), track.unwrap_or("-"));
    let folder = cache(dir, "setup").join(&key);
    let done = folder.join(".labforge-setup-done");
    let digest = lab.tree.digest();
    let answers = crate::answers::default_answers(lab, track)?;
    let entries = scaffold::starter_entries(lab, track, &answers)?;
    if done.is_file() && fsx::read_to_string(&done)?.trim() == digest {
        let shared = shared_dirs(&entries, &folder)?;
        return Ok((folder, shared, false));
    }
    if folder.exists() {
        fsx::remove_dir_all(&folder)?;
    }
    fsx::create_dir_all(&folder)?;
    scaffold::write_entries(&folder, &entries)?;
    let cx = crate::check::Context::new(lab, &folder, track);
    crate::eoutln!(
        "setting up the {} track once for every learner",
        track.unwrap_or("-")
    );
    // The one setup runner (`labforge setup`, `template test`): output
    // captured, process groups registered for Ctrl-C.
    let ran = crate::check::setup::run(
        &cx,
        crate::check::setup::Output::Captured {
            timeout: Duration::from_secs(30 * 60),
        },
        |cmd| crate::eoutln!("$ {cmd}"),
    )?;
    if let Err(f) = ran {
        return Err(Error::new(format!(
            "the setup command `{}` of the {} track {}",
            f.cmd,
            track.unwrap_or("-"),
            f.how
        ))
        .with_detail(f.tail)
        .with_help("fix the lab or the machine, then grade again"));
    }
    let shared = shared_dirs(&entries, &folder)?;
    fsx::write(&done, format!("{digest}\n"))?;
    Ok((folder, shared, true))
}

/// Top-level folders in the setup copy that the starter does not have.
fn shared_dirs(entries: &BTreeMap<String, Entry>, folder: &Path) -> Result<Vec<String>> {
    let tops: BTreeSet<&str> = entries.keys().filter_map(|k| k.split('/').next()).collect();
    let mut out = Vec::new();
    for p in fsx::read_dir_sorted(folder)? {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() && !tops.contains(name.as_str()) && !name.starts_with(".labforge") {
            out.push(name);
        }
    }
    Ok(out)
}

fn link_shared(work: &Path, folder: &Path, name: &str) -> Result<()> {
    let dest = work.join(name);
    match std::fs::symlink_metadata(&dest) {
        Ok(m) if m.is_dir() => fsx::remove_dir_all(&dest)?,
        Ok(_) => fsx::remove_file(&dest)?,
        Err(_) => {}
    }
    let target = folder.join(name);
    std::os::unix::fs::symlink(&target, &dest)
        .map_err(|e| Error::io("link the shared setup folder into", &dest, e))
}

#[derive(Deserialize)]
struct CheckJson {
    #[serde(default)]
    track: Option<String>,
    exercises: Vec<ExerciseJson>,
}

#[derive(Deserialize)]
struct ExerciseJson {
    id: String,
    status: String,
    checks: Vec<CheckItem>,
}

#[derive(Deserialize)]
struct CheckItem {
    id: String,
    status: String,
    #[serde(default)]
    warn: bool,
    #[serde(default)]
    message: Option<String>,
}

fn run_checks(lab: &Lab, p: &Prepared, exercises: &[String], opts: &GradeOptions) -> LearnerGrade {
    let start = Instant::now();
    let mut g = LearnerGrade::failed(&p.name, Some(p.commit.clone()), String::new());
    g.error = None;
    g.track = p.track.clone();
    g.tamper = p.tamper.clone();
    g.hints_used = p.state.hints.values().sum();
    g.work = Some(p.work.clone());
    g.adr = adr_findings(lab, &p.work);
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("labforge"));
    let mut cmd = Command::new(exe);
    cmd.arg("check");
    match &opts.exercise {
        Some(e) => cmd.arg(e),
        None => cmd.arg("--all"),
    };
    cmd.arg("--json")
        .arg("--trust")
        .current_dir(&p.work)
        .stdin(Stdio::null())
        .process_group(0);
    // The checks' own runner: captured output, the process group registered
    // for Ctrl-C and killed on timeout.
    let result =
        crate::exec::spawn(cmd, "`labforge check`").and_then(|running| running.wait(opts.timeout));
    g.seconds = (start.elapsed().as_millis() as f64) / 1000.0;
    let fin = match result {
        Ok(f) if f.timed_out => {
            g.error = Some(format!(
                "`labforge check` ran longer than {} s and was stopped",
                opts.timeout.as_secs()
            ));
            return g;
        }
        Ok(f) => f,
        Err(e) => {
            g.error = Some(e.message);
            return g;
        }
    };
    let parsed: CheckJson = match serde_json::from_str(&fin.stdout) {
        Ok(j) => j,
        Err(_) => {
            g.error = Some(format!(
                "`labforge check` gave no results: {}",
                crate::exec::tail(&fin.merged, 600).trim_end()
            ));
            return g;
        }
    };
    score(lab, &parsed, Some(&p.state), &p.edited, exercises, &mut g);
    g
}

/// Marks, counts and the first failing check from a `check --json` result.
/// `state` (the learner's progress) tells "not started" from "fails";
/// without it, only what passes counts as reached.
fn score(
    lab: &Lab,
    parsed: &CheckJson,
    state: Option<&State>,
    edited: &[String],
    exercises: &[String],
    g: &mut LearnerGrade,
) {
    let by_id: BTreeMap<&str, &ExerciseJson> = parsed
        .exercises
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let reached: BTreeSet<&str> = state
        .map(|s| s.done.keys().map(String::as_str).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(state.and_then(|s| s.current.as_deref()))
        .collect();
    let ids: Vec<&str> = lab.manifest.exercises().map(|e| e.id()).collect();
    // The furthest exercise the learner reached: by their progress, or by
    // what passes now (a failing exercise after it is "not started").
    let furthest = ids
        .iter()
        .rposition(|id| reached.contains(id) || by_id.get(id).is_some_and(|e| e.status == "pass"));
    for (pos, id) in ids.iter().enumerate() {
        if !exercises.iter().any(|e| e == id) {
            continue;
        }
        g.total += 1;
        let Some(e) = by_id.get(id) else {
            g.exercises.insert(id.to_string(), Mark::NotStarted);
            continue;
        };
        let touched = edited.iter().any(|f| exercise_mentions(lab, id, f));
        let mark = if e.status == "pass" {
            g.passed += 1;
            Mark::Pass
        } else if touched {
            Mark::Tampered
        } else if furthest.is_none_or(|f| pos > f) {
            Mark::NotStarted
        } else {
            Mark::Fail
        };
        if e.status != "pass"
            && g.first_failing.is_none()
            && let Some(c) = e
                .checks
                .iter()
                .find(|c| !c.warn && c.status != "pass" && c.status != "skipped")
        {
            g.first_failing = Some(Failing {
                exercise: e.id.clone(),
                check: c.id.clone(),
                message: c
                    .message
                    .clone()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            });
        }
        g.exercises.insert(id.to_string(), mark);
    }
}

/// True when a check of exercise `id` names `file` (its command, paths).
fn exercise_mentions(lab: &Lab, id: &str, file: &str) -> bool {
    lab.manifest
        .exercise_by_id(id)
        .is_some_and(|ex| ex.checks().any(|c| c.names_file(file)))
}

/// Lint findings per ADR record of the lab's ADR folder (learner profile).
fn adr_findings(lab: &Lab, work: &Path) -> Vec<AdrRecord> {
    let dir = lab.manifest.adr_settings().dir;
    let folder = work.join(&dir);
    let Ok(paths) = fsx::read_dir_sorted(&folder) else {
        return Vec::new();
    };
    let opts = crate::adr::lint::LintOptions::default();
    paths
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
        })
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            let findings = crate::adr::lint::lint_text(&text, &p, &opts).len();
            Some(AdrRecord {
                file: format!("{}/{name}", dir.trim_end_matches('/')),
                findings,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::safe_path;

    #[test]
    fn a_learners_tree_never_names_a_path_outside_its_work_folder() {
        for ok in [".labforge/state.toml", "src/main.py", "docs/adr/0001-x.md"] {
            assert!(safe_path(ok), "{ok}");
        }
        for bad in [
            "../victim",
            "a/../../victim",
            "/etc/passwd",
            ".git/hooks/post-checkout",
            ".GIT/config",
            "a\\..\\b",
            "．．/victim",
            "",
            "a//b",
        ] {
            assert!(!safe_path(bad), "{bad}");
        }
    }
}
