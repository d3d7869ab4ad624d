//! `labforge cohort`: a mentor's view of a cohort of learners who each made
//! the same lab and pushed it to a git repository. `cohort.toml` names the
//! lab source and the learners (this module: load, save, init, add, remove);
//! `sync` fetches every learner's repository into a cache, `grade` re-runs
//! the lab's checks on a fresh copy of each with the template's own files
//! restored, `report` writes the offline HTML page. Nothing a learner's
//! repository holds is trusted: not its results, not its state's source,
//! not its tests.

pub(crate) mod grade;
pub(crate) mod report;
pub(crate) mod sync;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;

pub(crate) const COHORT_FILE: &str = "cohort.toml";
/// Everything labforge keeps for a cohort: fetched repositories, work
/// folders, shared setups, the last grades. Safe to delete.
pub(crate) const CACHE_DIR: &str = ".labforge-cohort";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cohort {
    pub(crate) lab: LabSource,
    #[serde(default, rename = "learner", skip_serializing_if = "Vec::is_empty")]
    pub(crate) learners: Vec<Learner>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LabSource {
    /// A built-in lab id, a folder, a git URL or a tarball URL (what
    /// `labforge new` takes).
    pub(crate) source: String,
    /// The version the cohort works on (informative: learners on another
    /// version are flagged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Learner {
    pub(crate) name: String,
    /// A git URL or a local folder (a git repository).
    pub(crate) repo: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) branch: Option<String>,
}

impl Cohort {
    pub(crate) fn load(dir: &Path) -> Result<Cohort> {
        let path = dir.join(COHORT_FILE);
        if !path.is_file() {
            return Err(Error::new(format!("no {COHORT_FILE} in `{}`", dir.display()))
                .with_help("run `labforge cohort init --lab LAB` first, or pass `--dir` with the cohort's folder"));
        }
        let text = fsx::read_to_string(&path)?;
        let cohort: Cohort = toml::from_str(&text).map_err(|e| {
            let err = Error::new(e.message().to_string());
            match e.span() {
                Some(span) => err.at_offset(&path, &text, span.start),
                None => err.in_file(&path),
            }
            .with_help("fix the key or value; the format is in docs/cohort.md")
        })?;
        for l in &cohort.learners {
            check_name(&l.name).map_err(|e| e.in_file(&path))?;
        }
        Ok(cohort)
    }

    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        let body = toml::to_string_pretty(self)
            .map_err(|e| Error::new(format!("could not encode {COHORT_FILE}: {e}")))?;
        let text = format!(
            "# A cohort of learners working on one lab: `labforge cohort sync`, then\n\
             # `labforge cohort grade`. See docs/cohort.md.\n{body}"
        );
        fsx::write_atomic(&dir.join(COHORT_FILE), text)
    }

    pub(crate) fn learner(&self, name: &str) -> Option<&Learner> {
        self.learners.iter().find(|l| l.name == name)
    }
}

/// A learner's name is a folder name in the cache: lower-case letters,
/// digits, `-`, `_` and `.` (not first), at most 64 characters.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::new(format!("`{name}` is not a valid learner name"))
            .with_help("use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit (it names a folder)"))
    }
}

/// `cohort init`: a new `cohort.toml` for `source` in `dir`.
pub(crate) fn init(dir: &Path, source: &str, version: Option<String>) -> Result<PathBuf> {
    let path = dir.join(COHORT_FILE);
    if path.exists() {
        return Err(Error::new(format!("`{}` already exists", path.display()))
            .with_help("edit it, or add learners with `labforge cohort add NAME REPO`"));
    }
    fsx::create_dir_all(dir)?;
    Cohort {
        lab: LabSource {
            source: source.to_string(),
            version,
        },
        learners: Vec::new(),
    }
    .save(dir)?;
    // The cache never belongs in the mentor's repository.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        fsx::write(&ignore, format!("/{CACHE_DIR}/\n"))?;
    }
    Ok(path)
}

pub(crate) fn add(dir: &Path, learner: Learner) -> Result<()> {
    check_name(&learner.name)?;
    if learner.repo.trim().is_empty() {
        return Err(Error::new("the repository is empty")
            .with_help("give a git URL or the path of a local git repository"));
    }
    let mut c = Cohort::load(dir)?;
    if c.learner(&learner.name).is_some() {
        return Err(Error::new(format!(
            "the cohort already has a learner `{}`",
            learner.name
        ))
        .with_help("choose another name, or `labforge cohort remove NAME` first"));
    }
    c.learners.push(learner);
    c.save(dir)
}

pub(crate) fn remove(dir: &Path, name: &str) -> Result<()> {
    let mut c = Cohort::load(dir)?;
    let before = c.learners.len();
    c.learners.retain(|l| l.name != name);
    if c.learners.len() == before {
        let names: Vec<&str> = c.learners.iter().map(|l| l.name.as_str()).collect();
        return Err(Error::new(format!("the cohort has no learner `{name}`"))
            .with_help(format!("the learners are: {}", names.join(", "))));
    }
    c.save(dir)?;
    let cached = dir.join(CACHE_DIR).join("repos").join(name);
    if cached.exists() {
        fsx::remove_dir_all(&cached)?;
    }
    Ok(())
}

/// The cache folder of a cohort, created on demand.
pub(crate) fn cache(dir: &Path, part: &str) -> PathBuf {
    dir.join(CACHE_DIR).join(part)
}
