//! `cohort sync`: fetches every learner's repository into
//! `.labforge-cohort/repos/NAME` (git2; shallow for remote URLs), in
//! parallel with a bound. One failure never stops the others: each learner
//! ends synced (a commit) or with an error that says why. A fetch is staged
//! beside the old copy and swapped in, so a failed sync keeps the last one.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::{Cohort, Learner, cache};
use crate::error::{Error, Result};
use crate::fsx;

/// Fetches larger than this are aborted (a learner's lab is small).
const MAX_FETCH_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Synced {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub const SYNC_FILE: &str = "sync.json";

/// Syncs every learner with at most `jobs` fetches at a time; progress on
/// stderr (a bar on a terminal, one line per learner otherwise).
pub fn sync(dir: &Path, cohort: &Cohort, jobs: usize) -> Result<Vec<Synced>> {
    let repos = cache(dir, "repos");
    fsx::create_dir_all(&repos)?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Synced>>> = Mutex::new(vec![None; cohort.learners.len()]);
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(cohort.learners.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} sync {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, 16).min(cohort.learners.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(l) = cohort.learners.get(i) else {
                        break;
                    };
                    let r = match fetch(dir, &repos, l) {
                        Ok(commit) => Synced {
                            name: l.name.clone(),
                            commit: Some(commit),
                            error: None,
                        },
                        Err(e) => Synced {
                            name: l.name.clone(),
                            commit: None,
                            error: Some(e.message),
                        },
                    };
                    let line = match (&r.commit, &r.error) {
                        (Some(c), _) => format!("synced {} at {}", r.name, &c[..c.len().min(12)]),
                        (_, Some(e)) => format!("could not sync {}: {e}", r.name),
                        _ => String::new(),
                    };
                    match &bar {
                        Some(b) => {
                            b.set_message(line);
                            b.inc(1);
                        }
                        None => eprintln!("{line}"),
                    }
                    results.lock().expect("results")[i] = Some(r);
                }
            });
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let out: Vec<Synced> = results
        .into_inner()
        .expect("results")
        .into_iter()
        .flatten()
        .collect();
    let json = serde_json::to_string_pretty(&out).unwrap_or_default();
    fsx::write_atomic(&cache(dir, SYNC_FILE), json + "\n")?;
    Ok(out)
}

/// The last sync's result per learner.
pub fn last(dir: &Path) -> Vec<Synced> {
    std::fs::read_to_string(cache(dir, SYNC_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// The URL git2 gets: a local folder as an absolute path (relative to the
/// cohort folder), anything else as written.
fn url_of(dir: &Path, repo: &str) -> (String, bool) {
    if repo.contains("://") || repo.starts_with("git@") {
        return (repo.to_string(), !repo.starts_with("file://"));
    }
    let p = Path::new(repo);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    };
    (abs.display().to_string(), false)
}

/// Clones the learner's branch (or default branch) into a staging folder,
/// then swaps it in; returns the commit.
fn fetch(dir: &Path, repos: &Path, l: &Learner) -> Result<String> {
    let (url, remote) = url_of(dir, &l.repo);
    if !remote
        && !url.starts_with("file://")
        && !url.contains("://")
        && !url.starts_with("git@")
        && !Path::new(&url).exists()
    {
        return Err(Error::new(format!(
            "the folder `{}` does not exist (a relative path is taken from the cohort's folder)",
            l.repo
        )));
    }
    let stage = tempfile::Builder::new()
        .prefix(&format!(".{}-", l.name))
        .tempdir_in(repos)
        .map_err(|e| Error::io("create a staging folder in", repos, e))?;
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.transfer_progress(|p| p.received_bytes() <= MAX_FETCH_BYTES);
    let mut fo = git2::FetchOptions::new();
    fo.remote_callbacks(callbacks);
    if remote {
        fo.depth(1);
    }
    let mut builder = git2::build::RepoBuilder::new();
    builder.fetch_options(fo).bare(true);
    if let Some(b) = &l.branch {
        builder.branch(b);
    }
    let repo = builder
        .clone(&url, stage.path())
        .map_err(|e| Error::new(format!("git could not fetch `{}`: {}", l.repo, e.message())))?;
    let commit = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| {
            Error::new(format!(
                "`{}` has no commit to grade: {}",
                l.repo,
                e.message()
            ))
        })?
        .id()
        .to_string();
    drop(repo);
    let dest: PathBuf = repos.join(&l.name);
    let staged = stage.keep();
    if dest.exists() {
        fsx::remove_dir_all(&dest)?;
    }
    fsx::rename(&staged, &dest)?;
    Ok(commit)
}
