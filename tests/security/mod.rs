//! Issue 13: a shared lab template can never reach outside the lab. One test
//! per attack of items 1 and 2 (hostile `[[migration]]` renames, a planted
//! update journal, a hostile `state.toml`, escaping link chains, a learner's
//! link turned into a folder by an update, an `edit` file that is a link to a
//! private key), each with its benign twin.
//!
//! Every attack runs in a [`World`]: a fake HOME (`HOME` is set for the
//! process) holding `.ssh/id_rsa`, a sibling `victim/` folder, the template
//! `tpl/` and the lab `lab/`. After each attack the digests of `victim/` and
//! the fake HOME are unchanged, no byte of the secret is anywhere in the lab
//! (`.labforge/` and `.git/` included), the error is pinned whole, and the
//! exit code is non-zero.

mod links;
mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::support::{self, Output, labforge};

pub const SECRET: &str =
    "-----BEGIN OPENSSH PRIVATE KEY----- issue-13-secret-b64AAAAC3NzaC1lZDI1NTE5\n";

/// A minimal lab template, version `version`, with `extra` appended to its
/// lab.toml.
pub fn lab_toml(version: &str, extra: &str) -> String {
    format!(
        "schema = 1\n\n[lab]\nid = \"sec\"\ntitle = \"Security fixture\"\nversion = \"{version}\"\n\n[ownership]\nlearner = [\"data\", \"notes/**\"]\ntemplate = [\"tests/**\"]\n\n[[exercise]]\nid = \"01-solve\"\ntitle = \"Solve it\"\nedit = [\"src/solve.py\"]\n\n[[exercise.check]]\nid = \"todo\"\nkind = \"no_placeholders\"\npaths = [\"src/solve.py\"]\nmarkers = [\"TODO(lab)\"]\n{extra}"
    )
}

pub struct World {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    before: (String, String),
}

impl World {
    /// The fake HOME, the victim folder and a template of version 1.0.0.
    pub fn new() -> World {
        let tmp = support::tempdir();
        let root = tmp.path().canonicalize().unwrap();
        write(&root.join("home/.ssh/id_rsa"), SECRET);
        write(&root.join("home/.profile"), "export PATH=$HOME/bin:$PATH\n");
        write(&root.join("victim/keep.txt"), "the victim's file\n");
        write(&root.join("victim/bin/tool"), "#!/bin/sh\necho victim\n");
        let w = World {
            _tmp: tmp,
            root,
            before: (String::new(), String::new()),
        };
        w.template("1.0.0", "", &[]);
        World {
            before: (digest(&w.home()), digest(&w.victim())),
            ..w
        }
    }
    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }
    pub fn victim(&self) -> PathBuf {
        self.root.join("victim")
    }
    pub fn tpl(&self) -> PathBuf {
        self.root.join("tpl")
    }
    pub fn lab(&self) -> PathBuf {
        self.root.join("lab")
    }
    /// Replaces `tpl/` by the standard files plus `files` (path, contents).
    pub fn template(&self, version: &str, extra_toml: &str, files: &[(&str, &str)]) {
        let tpl = self.tpl();
        let _ = std::fs::remove_dir_all(&tpl);
        write(&tpl.join("lab.toml"), &lab_toml(version, extra_toml));
        write(&tpl.join("common/README.md"), "# Security fixture\n");
        write(
            &tpl.join("common/src/solve.py"),
            "def solve():\n    return 0  # TODO(lab)\n",
        );
        write(&tpl.join("common/tests/test_solve.py"), "assert True\n");
        for (path, text) in files {
            write(&tpl.join(path), text);
        }
    }
    /// A symlink `at` (relative to `tpl/`) pointing at `target`.
    pub fn tpl_link(&self, at: &str, target: &str) {
        link(target, &self.tpl().join(at));
    }
    /// `labforge ARGS` in `dir`, with HOME set to the fake home.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        labforge(args)
            .dir(dir)
            .env("HOME", self.home().display().to_string())
            .run()
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.root, args)
    }
    pub fn in_lab(&self, args: &[&str]) -> Output {
        self.run_in(&self.lab(), args)
    }
    /// `labforge new ./tpl lab --defaults --no-git`, which must succeed.
    pub fn generate(&self) {
        self.run(&["new", "./tpl", "lab", "--defaults", "--no-git"])
            .code(0);
    }
    /// Nothing outside the lab changed and no secret byte is in the lab.
    #[track_caller]
    pub fn assert_contained(&self) {
        assert_eq!(digest(&self.home()), self.before.0, "the fake HOME changed");
        assert_eq!(
            digest(&self.victim()),
            self.before.1,
            "the victim folder changed"
        );
        assert_eq!(
            secret_files(&self.lab()),
            Vec::<String>::new(),
            "secret bytes in the lab"
        );
        assert_eq!(
            secret_files(&self.tpl()),
            Vec::<String>::new(),
            "secret bytes in the template"
        );
    }
    /// Every entry of the lab (files, links as `-> target`), `.labforge/`
    /// and `.git/` included, for before/after comparisons.
    /// Every entry of the lab but its lock (`.labforge/lock`, which every
    /// writing command takes, even one that is then refused).
    pub fn lab_entries(&self) -> BTreeMap<String, String> {
        let mut all = entries(&self.lab());
        all.remove(".labforge/lock");
        all
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn link(target: &str, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Every entry under `dir` without following links: path → kind and
/// content (files) or target (links).
pub fn entries(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
        let ft = e.file_type();
        let v = if ft.is_symlink() {
            format!("-> {}", std::fs::read_link(e.path()).unwrap().display())
        } else if ft.is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            format!("file {}", hex(&Sha256::digest(&bytes)))
        } else {
            "dir".to_string()
        };
        out.insert(rel, v);
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One digest over every entry of `dir` (paths, kinds, bytes, link targets).
pub fn digest(dir: &Path) -> String {
    let mut h = Sha256::new();
    for (k, v) in entries(dir) {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// Files under `dir` (links never followed) holding any part of the secret.
pub fn secret_files(dir: &Path) -> Vec<String> {
    let needle = &SECRET.as_bytes()[..40];
    let marker = b"issue-13-secret";
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle)
                || bytes.windows(marker.len()).any(|w| w == marker)
            {
                out.push(e.path().display().to_string());
            }
        }
    }
    out
}
