//! A small builder over the real binaries, after casey/just's `Test`: set the
//! folder, arguments, environment and stdin, run, then assert exit code,
//! stdout and stderr together.
#![allow(dead_code)]

pub mod browser;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const LABFORGE: &str = env!("CARGO_BIN_EXE_labforge");
pub const ADR: &str = env!("CARGO_BIN_EXE_adr");

/// The repository root (where `labs/` and `tests/` are).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("labforge-test-")
        .tempdir()
        .expect("temp dir")
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Volatile values (temp paths, URLs, digests) shown as placeholders in
    /// the snapshots; see [`Output::redact`].
    redactions: std::cell::RefCell<snapbox::Redactions>,
}

impl Output {
    /// An output a test made itself (not from a run), to compare it the same way.
    pub fn new(code: i32, stdout: impl Into<String>, stderr: impl Into<String>) -> Output {
        Output {
            code,
            stdout: stdout.into(),
            stderr: stderr.into(),
            redactions: Default::default(),
        }
    }
}

impl Output {
    /// Asserts the exit code, printing both streams when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
    /// Shows `value` as `placeholder` (`[ROOT]`, `[URL]`: `[A-Z_]` in
    /// brackets) in the later `stdout_eq`/`stderr_eq` of this output: the
    /// snapshot holds the placeholder, and `SNAPSHOTS=overwrite` writes it
    /// back instead of this run's temp path or port.
    #[track_caller]
    pub fn redact(&self, placeholder: &'static str, value: impl std::fmt::Display) -> &Self {
        self.redactions
            .borrow_mut()
            .insert(placeholder, value.to_string())
            .unwrap_or_else(|e| panic!("redaction {placeholder}: {e}"));
        self
    }
    /// The snapshot assertion of this output: `[..]`/`...` wildcards, the
    /// redactions, and `SNAPSHOTS=overwrite` to rewrite a `str![]` in place.
    pub fn assert(&self) -> snapbox::Assert {
        snapbox::Assert::new()
            .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
            .redact_with(self.redactions.borrow().clone())
    }
    #[track_caller]
    pub fn stdout_eq(&self, expected: impl snapbox::IntoData) -> &Self {
        self.assert().eq(self.stdout.as_str(), expected);
        self
    }
    #[track_caller]
    pub fn stderr_eq(&self, expected: impl snapbox::IntoData) -> &Self {
        self.assert().eq(self.stderr.as_str(), expected);
        self
    }
}

/// A run of one of the binaries.
pub struct Run {
    program: PathBuf,
    args: Vec<String>,
    dir: Option<PathBuf>,
    env: BTreeMap<String, String>,
    remove_env: Vec<String>,
    stdin: Option<String>,
}

/// `labforge ARGS…`, with a private HOME / config / cache so tests never see
/// the developer's catalogs or trust decisions.
pub fn labforge(args: &[&str]) -> Run {
    Run::new(LABFORGE, args)
}

/// `adr ARGS…` (the adr-tools compatible executable).
pub fn adr(args: &[&str]) -> Run {
    Run::new(ADR, args)
}

impl Run {
    pub fn new(program: &str, args: &[&str]) -> Run {
        let mut env = BTreeMap::new();
        env.insert("NO_COLOR".into(), "1".into());
        // Private config and cache folders, so tests never see the developer's
        // catalogs, cache or trust decisions (tests may override them).
        let home = isolated_home();
        env.insert(
            "LABFORGE_CONFIG_DIR".into(),
            home.join("config").display().to_string(),
        );
        env.insert(
            "LABFORGE_CACHE_DIR".into(),
            home.join("cache").display().to_string(),
        );
        Run {
            program: PathBuf::from(program),
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: None,
            env,
            remove_env: vec!["VISUAL".into(), "EDITOR".into(), "ADR_DATE".into()],
            stdin: None,
        }
    }
    pub fn arg(mut self, a: impl AsRef<str>) -> Self {
        self.args.push(a.as_ref().to_string());
        self
    }
    pub fn dir(mut self, d: impl AsRef<Path>) -> Self {
        self.dir = Some(d.as_ref().to_path_buf());
        self
    }
    pub fn env(mut self, k: &str, v: impl AsRef<str>) -> Self {
        self.env.insert(k.into(), v.as_ref().to_string());
        self
    }
    pub fn stdin(mut self, s: &str) -> Self {
        self.stdin = Some(s.into());
        self
    }
    pub fn run(self) -> Output {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        if let Some(d) = &self.dir {
            cmd.current_dir(d);
        }
        for k in &self.remove_env {
            cmd.env_remove(k);
        }
        cmd.envs(&self.env);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().expect("spawn the binary");
        if let Some(input) = &self.stdin {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("wait for the binary");
        Output::new(
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        )
    }
}

/// One private folder per test process for config and cache.
pub fn isolated_home() -> PathBuf {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("labforge-home-")
            .tempdir()
            .expect("temp dir")
    })
    .path()
    .to_path_buf()
}

/// Every file under `root` (relative path → bytes), skipping `.git`.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(root).unwrap();
        if rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str() == ".git")
        {
            continue;
        }
        if e.file_type().is_file() {
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

/// Fails loudly when a tool a test needs is missing under CI=true; outside CI
/// returns false so the caller can print why it does nothing.
pub fn require_tool(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found && std::env::var("CI").as_deref() == Ok("true") {
        panic!("`{tool}` is required by this test and CI=true: install it (see .ci/run)");
    }
    if !found {
        eprintln!(
            "note: `{tool}` is missing, so this test checks nothing here (it would fail under CI=true)"
        );
    }
    found
}
