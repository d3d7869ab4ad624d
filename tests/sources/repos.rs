//! Real git repositories built with git2 in a temporary folder, and a
//! `git daemon` on 127.0.0.1 serving them over `git://`.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use git2::{IndexAddOption, Oid, Repository, Signature};

use crate::support::repo_root;

/// A working repository at `dir`.
pub struct Repo {
    pub dir: PathBuf,
    pub repo: Repository,
}

impl Repo {
    pub fn init(dir: &Path) -> Repo {
        let repo = Repository::init(dir).expect("git init");
        repo.set_head("refs/heads/main").unwrap();
        Repo {
            dir: dir.to_path_buf(),
            repo,
        }
    }

    /// Copies a fixture lab into `under` (relative; "" for the root).
    pub fn add_fixture(&self, fixture: &str, under: &str) -> &Self {
        let from = repo_root().join("tests/sources/fixtures").join(fixture);
        copy_dir(&from, &self.dir.join(under));
        self
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Commits every file; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(
            "Lab Author",
            "author@example.com",
            &git2::Time::new(1_700_000_000, 0),
        )
        .unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        let oid = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
            .unwrap();
        oid.to_string()
    }

    /// An annotated tag on `commit`.
    pub fn tag(&self, name: &str, commit: &str) {
        let obj = self
            .repo
            .find_object(Oid::from_str(commit).unwrap(), None)
            .unwrap();
        let sig = Signature::new(
            "Lab Author",
            "author@example.com",
            &git2::Time::new(1_700_000_000, 0),
        )
        .unwrap();
        self.repo.tag(name, &obj, &sig, name, false).unwrap();
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.dir.display())
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// `git daemon` serving every repository under `base` on 127.0.0.1.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    /// Starts the daemon on a free port: git daemon cannot take port 0, so
    /// a port is found by binding 127.0.0.1:0 and releasing it; on a
    /// collision (the daemon exits), another port is tried.
    pub fn start(base: &Path) -> Daemon {
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            // Run git-daemon itself: `git daemon` forks it as a child that
            // would outlive a kill of the `git` wrapper.
            let mut child = Command::new(daemon_program())
                .args([
                    "--export-all",
                    "--reuseaddr",
                    "--informative-errors",
                    "--listen=127.0.0.1",
                ])
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", base.display()))
                .arg(base)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start git daemon");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Daemon { child, port };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start on 127.0.0.1");
    }
}

fn daemon_program() -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("git-daemon")
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
