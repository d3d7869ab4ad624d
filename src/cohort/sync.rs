//! `cohort sync`: fetches every learner's repository into
//! `.labforge-cohort/repos/NAME` (the one git transport, `source::gitwatch`:
//! the system git under a deadline and size caps; shallow for remote URLs), in
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
use crate::source::gitwatch::Watch;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Synced {
    pub(crate) name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

pub(crate) const SYNC_FILE: &str = "sync.json";

/// Syncs every learner with at most `jobs` fetches at a time; progress on
/// stderr (a bar on a terminal, one line per learner otherwise).
pub(crate) fn sync(dir: &Path, cohort: &Cohort, jobs: usize) -> Result<Vec<Synced>> {
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
                    // After Ctrl-C, no new git for the learners left.
                    if crate::interrupt::requested().is_some() {
                        break;
                    }
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
                        None => crate::eoutln!("{line}"),
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
    // An interrupted sync keeps the last complete one's results.
    crate::interrupt::check()?;
    let json = serde_json::to_string_pretty(&out).unwrap_or_default();
    fsx::write_atomic(&cache(dir, SYNC_FILE), json + "\n")?;
    Ok(out)
}

/// The last sync's result per learner.
pub(crate) fn last(dir: &Path) -> Vec<Synced> {
    std::fs::read_to_string(cache(dir, SYNC_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// The URL git gets: a local folder as an absolute path (relative to the
/// cohort folder), anything else as written.
fn url_of(dir: &Path, repo: &str) -> (String, bool) {
    if repo.contains("://") || repo.starts_with("git@") {
        return (repo.to_string(), !repo.starts_with("file://"));
    }
    let p = Path::new(repo);
    // Absolute, as git runs in the staging folder.
    let joined = dir.join(p);
    let abs = std::path::absolute(&joined).unwrap_or(joined);
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
    let repo = git2::Repository::init_bare(stage.path()).map_err(|e| {
        Error::new(format!(
            "could not create a repository in {}: {}",
            stage.path().display(),
            e.message()
        ))
    })?;
    // The one git transport: the system git under the deadline
    // (LABFORGE_GIT_TIMEOUT), the download cap and the memory cap.
    let watch = Watch::from_env()?.quiet();
    let wanted = match &l.branch {
        Some(b) => format!("refs/heads/{b}"),
        None => "HEAD".to_string(),
    };
    let spec = format!("+{wanted}:refs/labforge/graded");
    let fetched = watch.fetch(stage.path(), &url, &[spec], remote, &l.repo);
    fetched.map_err(|e| {
        if e.message
            .contains(&format!("couldn't find remote ref {wanted}"))
        {
            Error::new(format!(
                "`{}` has no branch `{}`",
                l.repo,
                l.branch.as_deref().unwrap_or("HEAD")
            ))
        } else {
            e
        }
    })?;
    let commit = repo
        .find_reference("refs/labforge/graded")
        .and_then(|r| r.peel_to_commit())
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
    // The last good copy moves aside first and goes only once the new one
    // is in place: a failed swap keeps it.
    let old = repos.join(format!(".{}.old", l.name));
    if old.exists() {
        fsx::remove_dir_all(&old)?;
    }
    let had = dest.exists();
    if had {
        fsx::rename(&dest, &old)?;
    }
    if let Err(e) = fsx::rename(&staged, &dest) {
        if had {
            let _ = std::fs::rename(&old, &dest);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    if had {
        fsx::remove_dir_all(&old)?;
    }
    Ok(commit)
}
