//! Integration tests: `labforge update`, on the fixture lab `upd` in versions
//! 1.0.0–1.3.0 (`fixtures/v*/`, written by `fixtures/make_fixtures.py`; see
//! `fixtures/README.md` for what changes between versions).
//!
//! Every test copies version N into a temporary `tpl/` folder, runs
//! `labforge new tpl lab --defaults`, edits the lab, replaces `tpl/` with
//! version M (a local source is re-read on update, which is how a newer
//! version arrives), runs `labforge update`, and compares whole trees.

mod cases;
mod differential;
mod safety;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{self, Output, labforge};

/// A lab generated from the fixture, with its template folder beside it.
pub struct Fx {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn fixture(version: &str) -> PathBuf {
    support::repo_root()
        .join("tests/update/fixtures")
        .join(format!("v{version}"))
}

/// Copies a folder recursively, keeping the executable bits.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

impl Fx {
    /// `labforge new` of `version` (with `--no-git` unless `git`).
    pub fn new(version: &str, git: bool, sets: &[&str]) -> Fx {
        let tmp = support::tempdir();
        let root = tmp.path().to_path_buf();
        copy_dir(&fixture(version), &root.join("tpl"));
        let mut args = vec!["new", "./tpl", "lab", "--defaults"];
        if !git {
            args.push("--no-git");
        }
        for s in sets {
            args.extend(["--set", s]);
        }
        labforge(&args).dir(&root).run().code(0);
        Fx { _tmp: tmp, root }
    }
    pub fn lab(&self) -> PathBuf {
        self.root.join("lab")
    }
    /// The template folder now holds `version`.
    pub fn to(&self, version: &str) {
        std::fs::remove_dir_all(self.root.join("tpl")).unwrap();
        copy_dir(&fixture(version), &self.root.join("tpl"));
    }
    pub fn update(&self, args: &[&str]) -> Output {
        labforge(&[&["update"], args].concat())
            .dir(self.lab())
            .run()
    }
    pub fn write(&self, path: &str, text: impl AsRef<[u8]>) {
        let p = self.lab().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    pub fn read(&self, path: &str) -> String {
        String::from_utf8(std::fs::read(self.lab().join(path)).unwrap()).unwrap()
    }
    pub fn edit(&self, path: &str, from: &str, to: &str) {
        let text = self.read(path);
        assert!(text.contains(from), "`{from}` is not in {path}");
        self.write(path, text.replacen(from, to, 1));
    }
    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.lab().join(path)).unwrap();
    }
    /// The learner's files (everything but `.labforge/`).
    pub fn files(&self) -> Tree {
        files(&self.lab())
    }
    /// Every file, `.labforge/state.toml` included, but not labforge's
    /// object store and backups (which only ever grow) nor the lab's lock.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.lab())
    }
    pub fn state(&self) -> toml::Table {
        toml::from_str(&self.read(".labforge/state.toml")).unwrap()
    }
}

pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = support::tree(dir);
    t.retain(|k, _| {
        !k.starts_with(".labforge/objects/")
            && !k.starts_with(".labforge/backups/")
            && k != ".labforge/lock"
    });
    t
}

/// A tree as path → text (binary files shown as their bytes), for readable
/// assertion failures.
pub type Tree = BTreeMap<String, String>;

pub fn files(dir: &Path) -> Tree {
    support::tree(dir)
        .into_iter()
        .filter(|(k, _)| !k.starts_with(".labforge/"))
        .map(|(k, v)| {
            (
                k,
                String::from_utf8(v.clone()).unwrap_or_else(|_| format!("{v:?}")),
            )
        })
        .collect()
}

/// The files `labforge new` writes for `version` with these answers.
pub fn fresh(version: &str, sets: &[&str]) -> Tree {
    let fx = Fx::new(version, false, sets);
    fx.files()
}

/// The recorded base of every file (`[files]` of state.toml).
pub fn state_files(st: &toml::Table) -> toml::Value {
    st["files"].clone()
}
