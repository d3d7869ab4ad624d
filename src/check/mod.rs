//! Exercise checks: the kinds (`command`, `file`, `no_placeholders`, `http`,
//! `process`, `sql`, `adr`), the services they start, the runner that orders
//! them, the results (terminal report and `results.json`), the learner's
//! progress in state, the tamper warning for template-owned files, and the
//! track's setup commands (`setup`).
//!
//! How checks behave is documented for authors in `docs/checks.md`.

pub(crate) mod assertions;
pub(crate) mod files;
pub(crate) mod kinds;
pub(crate) mod live;
pub(crate) mod progress;
pub(crate) mod results;
pub(crate) mod runner;
pub(crate) mod select;
pub(crate) mod services;
pub(crate) mod session;
pub(crate) mod setup;
pub(crate) mod tamper;
pub(crate) mod watch;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::manifest::{CheckDef, Exercise, Manifest, expand_vars};
use crate::template::Lab;
use crate::{exec, tools};

pub(crate) use results::{ExerciseResult, Report, Status};
pub(crate) use runner::{run_exercise, run_exercises};

/// `labforge check`: runs exercise `exercise` (or the current one; every
/// one with `all`) of the lab of `s`, then records progress (saving state
/// only when it changed) and `.labforge/results.json`, before anything is
/// printed. `warn` gets what to show before the checks run (edited
/// template files, a changed template). After Ctrl-C only the exercises
/// that ran to the end count, and the result is the interrupted error.
pub(crate) fn check_and_record(
    s: &mut session::Session,
    exercise: Option<&str>,
    all: bool,
    mut warn: impl FnMut(&str),
) -> Result<Report> {
    let cx = Context::new(&s.lab, &s.root, s.track());
    cx.check_track_needs()?;
    let exercises: Vec<&Exercise> = if all {
        s.lab.manifest.exercises().collect()
    } else {
        vec![s.exercise(exercise)?]
    };
    if let Some(w) = tamper::warning(&s.root, &s.state) {
        warn(&w);
    }
    if s.lab.digest() != s.state.template {
        warn(
            "warning: the template of this lab changed since it was generated, so the checks are the new version's\nhelp: `labforge update` brings your files to the new version\n",
        );
    }
    let results = run_exercises(&cx, &exercises);
    let mut report = Report::new(s.state.lab.clone(), s.state.track.clone(), results);
    report.current = s.state.current.clone();
    drop(cx);
    let manifest = s.lab.manifest.clone();
    let before = s.state.clone();
    if crate::interrupt::requested().is_some() {
        // Only the exercises that ran to the end count; `--all` does not
        // rebuild progress from a partial run.
        progress::record(&mut s.state, &manifest, &report.exercises, false);
        if s.state != before {
            s.save()?;
        }
        return Err(crate::interrupt::interrupted());
    }
    // Progress first: a closed pipe or a signal while printing loses nothing.
    // state.toml is committed: it changes when progress does (a first pass),
    // never because checks ran, so `git status` stays quiet while working.
    progress::record(&mut s.state, &manifest, &report.exercises, all);
    if s.state != before {
        s.save()?;
    }
    // The last run's results, for tools, in a file the lab's .gitignore ignores.
    crate::fsx::write_atomic(&s.root.join(".labforge/results.json"), report.to_json())?;
    Ok(report)
}

/// Env var that, when set, becomes `CARGO_TARGET_DIR` of every lab command
/// (so the Rust tracks of many labs share one build folder in a test suite).
pub(crate) const LAB_TARGET_DIR_ENV: &str = "LABFORGE_LAB_TARGET_DIR";

/// What every check of one run shares: the lab, its folder and track, the
/// track's variables and environment.
pub(crate) struct Context<'a> {
    pub(crate) lab: &'a Lab,
    /// The generated lab's root folder.
    pub(crate) root: PathBuf,
    pub(crate) track: Option<String>,
    /// `{src}`, `{test}`, `{track}`, `{lab}`, `{target_dir}` (`target`, or
    /// the shared build folder of [`LAB_TARGET_DIR_ENV`]).
    pub(crate) vars: BTreeMap<String, String>,
    /// The track's `env` (expanded), plus `CARGO_TARGET_DIR` when asked for.
    pub(crate) env: exec::Env,
    /// Set by `template test`: `sql` checks record the rows they got, so the
    /// expected CSVs can be blessed or found stale.
    pub(crate) record_rows: bool,
    pub(crate) recorded: RefCell<Vec<RecordedRows>>,
}

/// The result rows of a `sql` check, as the CSV `--bless` would write.
#[derive(Debug, Clone)]
pub(crate) struct RecordedRows {
    pub(crate) exercise: String,
    pub(crate) check: String,
    /// The `expect_rows` path as written in lab.toml.
    pub(crate) path: String,
    pub(crate) csv: String,
}

impl<'a> Context<'a> {
    pub(crate) fn new(lab: &'a Lab, root: &Path, track: Option<&str>) -> Context<'a> {
        let m = &lab.manifest;
        let mut vars = m.track_vars(track);
        let mut env = exec::Env::new();
        let target_dir = match std::env::var_os(LAB_TARGET_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => {
                let dir = dir.to_string_lossy().into_owned();
                env.insert("CARGO_TARGET_DIR".into(), dir.clone());
                dir
            }
            None => std::env::var("CARGO_TARGET_DIR")
                .ok()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "target".into()),
        };
        // `{target_dir}/debug/app` finds a Rust track's binary wherever it was built.
        vars.entry("target_dir".into()).or_insert(target_dir);
        if let Some(t) = track.and_then(|t| m.track.get(t)) {
            for (k, v) in &t.env {
                env.insert(k.clone(), expand_vars(v, &vars));
            }
        }
        Context {
            lab,
            root: root.to_path_buf(),
            track: track.map(str::to_string),
            vars,
            env,
            record_rows: false,
            recorded: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn manifest(&self) -> &Manifest {
        &self.lab.manifest
    }

    /// `{src}`-style variables expanded.
    pub(crate) fn expand(&self, text: &str) -> String {
        expand_vars(text, &self.vars)
    }

    /// The environment of a check's command: track env, then the check's own.
    pub(crate) fn check_env(&self, check: &CheckDef) -> exec::Env {
        let mut env = self.env.clone();
        for (k, v) in &check.env {
            env.insert(k.clone(), self.expand(v));
        }
        env
    }

    /// The folder a check runs in.
    pub(crate) fn check_dir(&self, check: &CheckDef) -> PathBuf {
        match &check.cwd {
            Some(c) => self.root.join(self.expand(c)),
            None => self.root.clone(),
        }
    }

    /// Checks the track's `needs` (tools and versions).
    /// The lab's files (as recorded in `state`) that exercise `ex`'s `edit`
    /// globs name: what `reset` restores.
    pub(crate) fn edit_paths(
        &self,
        state: &crate::state::State,
        ex: &Exercise,
    ) -> Result<Vec<String>> {
        let globs: Vec<String> = ex.edit.iter().map(|g| self.expand(g)).collect();
        let edit = crate::glob::set(&globs)?;
        Ok(state
            .files
            .keys()
            .filter(|p| edit.is_match(p.as_str()))
            .cloned()
            .collect())
    }

    pub(crate) fn check_track_needs(&self) -> Result<()> {
        let Some(track) = &self.track else {
            return Ok(());
        };
        if let Some(t) = self.manifest().track.get(track) {
            for need in &t.needs {
                tools::check_need(need, &format!("the `{track}` track"), &self.root)?;
            }
        }
        Ok(())
    }
}
