//! Exercise checks: the kinds (`command`, `file`, `no_placeholders`, `http`,
//! `process`, `sql`, `adr`), the services they start, the runner that orders
//! them, the results (terminal report and `results.json`), the learner's
//! progress in state, the tamper warning for template-owned files, and the
//! track's setup commands (`setup`).
//!
//! How checks behave is documented for authors in `docs/checks.md`.

pub mod exec;
pub mod files;
pub mod kinds;
pub mod progress;
pub mod results;
pub mod runner;
pub mod services;
pub mod session;
pub mod setup;
pub mod tamper;
pub mod tools;
pub mod watch;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::manifest::{CheckDef, Manifest, expand_vars};
use crate::template::Lab;

pub use results::{CheckResult, ExerciseResult, Report, Status};
pub use runner::{run_exercise, run_exercises};

/// Env var that, when set, becomes `CARGO_TARGET_DIR` of every lab command
/// (so the Rust tracks of many labs share one build folder in a test suite).
pub const LAB_TARGET_DIR_ENV: &str = "LABFORGE_LAB_TARGET_DIR";

/// What every check of one run shares: the lab, its folder and track, the
/// track's variables and environment.
pub struct Context<'a> {
    pub lab: &'a Lab,
    /// The generated lab's root folder.
    pub root: PathBuf,
    pub track: Option<String>,
    /// `{src}`, `{test}`, `{track}`, `{lab}`, `{target_dir}` (`target`, or
    /// the shared build folder of [`LAB_TARGET_DIR_ENV`]).
    pub vars: BTreeMap<String, String>,
    /// The track's `env` (expanded), plus `CARGO_TARGET_DIR` when asked for.
    pub env: exec::Env,
    /// Set by `template test`: `sql` checks record the rows they got, so the
    /// expected CSVs can be blessed or found stale.
    pub record_rows: bool,
    pub recorded: RefCell<Vec<RecordedRows>>,
}

/// The result rows of a `sql` check, as the CSV `--bless` would write.
#[derive(Debug, Clone)]
pub struct RecordedRows {
    pub exercise: String,
    pub check: String,
    /// The `expect_rows` path as written in lab.toml.
    pub path: String,
    pub csv: String,
}

impl<'a> Context<'a> {
    pub fn new(lab: &'a Lab, root: &Path, track: Option<&str>) -> Context<'a> {
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

    pub fn manifest(&self) -> &Manifest {
        &self.lab.manifest
    }

    /// `{src}`-style variables expanded.
    pub fn expand(&self, text: &str) -> String {
        expand_vars(text, &self.vars)
    }

    /// The environment of a check's command: track env, then the check's own.
    pub fn check_env(&self, check: &CheckDef) -> exec::Env {
        let mut env = self.env.clone();
        for (k, v) in &check.env {
            env.insert(k.clone(), self.expand(v));
        }
        env
    }

    /// The folder a check runs in.
    pub fn check_dir(&self, check: &CheckDef) -> PathBuf {
        match &check.cwd {
            Some(c) => self.root.join(self.expand(c)),
            None => self.root.clone(),
        }
    }

    /// Checks the track's `needs` (tools and versions).
    pub fn check_track_needs(&self) -> Result<()> {
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
