//! Git sources: one bare repository per URL in the cache, fetched shallow
//! (depth 1) when the ref is a branch or tag the server advertises, in full
//! only to find an abbreviated commit. The network goes through the one git
//! transport ([`super::gitwatch`]: the system `git` under labforge's
//! deadline, size and memory caps); git2 reads the fetched trees. The ref
//! asked for is recorded with the commit it resolved to, so the cache
//! answers `--offline` and later runs without the network. A repository
//! created for a fetch that failed is removed again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};

use super::FetchOptions;
use super::gitwatch::{Watch, git_error};
use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;
use crate::template::{Entry, IGNORED_NAMES, TemplateTree, check_link_inside};

/// A fetched commit: its full id and its files (under the subfolder).
pub(crate) struct Fetched {
    pub(crate) commit: String,
    pub(crate) tree: TemplateTree,
}

/// What the cache remembers about a repository: the commit each ref
/// resolved to when it was last fetched.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    url: String,
    #[serde(default)]
    refs: BTreeMap<String, String>,
}

/// Loads `url` at `reference` (None: the remote's default branch).
pub(crate) fn load(
    url: &str,
    reference: Option<&str>,
    subfolder: Option<&str>,
    shown: &str,
    opts: &FetchOptions,
) -> Result<Fetched> {
    let base = cache::cache_subdir("git")?;
    let key = cache::key(url);
    let repo_dir = base.join(&key);
    let meta_path = base.join(format!("{key}.toml"));
    let _lock = cache::Lock::acquire(&base.join(format!("{key}.lock")))?;
    let cap = cache::max_download()?;
    let ref_key = reference.unwrap_or("HEAD").to_string();
    let mut meta = read_meta(&meta_path, url)?;
    // A full commit id needs no record: if the commit is here, it is the one.
    let full_commit = reference
        .filter(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase);
    if !opts.refresh
        && let Some(commit) = meta.refs.get(&ref_key).or(full_commit.as_ref())
        && let Ok(repo) = Repository::open_bare(&repo_dir)
        && let Ok(tree) = tree_at(&repo, commit, subfolder, shown, cap)
    {
        return Ok(Fetched {
            commit: commit.clone(),
            tree: tree?,
        });
    }
    if opts.offline {
        return Err(cache::not_cached(shown));
    }
    let commit = fetch_guarded(&repo_dir, url, reference, shown)?;
    let repo = Repository::open_bare(&repo_dir)
        .map_err(|e| git_error(shown, "open the cache repository of", e.message()))?;
    meta.refs.insert(ref_key, commit.clone());
    let text = toml::to_string(&meta)
        .map_err(|e| Error::new(format!("could not write the cache record: {e}")))?;
    fsx::write_atomic(&meta_path, text)?;
    let tree = tree_at(&repo, &commit, subfolder, shown, cap)
        .map_err(|e| git_error(shown, "read", e.message()))??;
    Ok(Fetched { commit, tree })
}

fn read_meta(path: &Path, url: &str) -> Result<Meta> {
    if !path.is_file() {
        return Ok(Meta {
            url: url.to_string(),
            refs: BTreeMap::new(),
        });
    }
    let text = fsx::read_to_string(path)?;
    // A damaged record only costs a fetch.
    Ok(toml::from_str(&text).unwrap_or(Meta {
        url: url.to_string(),
        refs: BTreeMap::new(),
    }))
}

/// Fetches under the limits of [`Watch`]. A repository this fetch created is
/// removed when it fails.
fn fetch_guarded(
    repo_dir: &Path,
    url: &str,
    reference: Option<&str>,
    shown: &str,
) -> Result<String> {
    let watch = Watch::from_env()?;
    let fresh = Repository::open_bare(repo_dir).is_err();
    let result = (|| {
        let repo = match Repository::open_bare(repo_dir) {
            Ok(r) => r,
            Err(_) => Repository::init_bare(repo_dir)
                .map_err(|e| git_error(shown, "create a cache repository for", e.message()))?,
        };
        let heads = watch.ls_remote(url, shown)?;
        fetch_wanted(&repo, &watch, url, reference, &heads, shown)
    })();
    if result.is_err() && fresh {
        let _ = std::fs::remove_dir_all(repo_dir);
    }
    result
}

fn is_commit_like(r: &str) -> bool {
    r.len() >= 4 && r.len() <= 40 && r.chars().all(|c| c.is_ascii_hexdigit())
}

/// The advertised ref `reference` names: a tag, a branch, a full ref name,
/// or a commit some ref points at.
fn advertised<'a>(
    heads: &'a [(String, Oid)],
    reference: Option<&str>,
) -> Option<&'a (String, Oid)> {
    let Some(r) = reference else {
        return heads.iter().find(|(n, _)| n == "HEAD");
    };
    let wanted = [
        format!("refs/tags/{r}"),
        format!("refs/heads/{r}"),
        r.to_string(),
    ];
    wanted
        .iter()
        .find_map(|w| heads.iter().find(|(n, _)| n == w))
        .or_else(|| {
            let prefix = r.to_ascii_lowercase();
            is_commit_like(r).then(|| {
                heads
                    .iter()
                    .find(|(n, o)| !n.ends_with("^{}") && o.to_string().starts_with(&prefix))
            })?
        })
}

fn fetch_wanted(
    repo: &Repository,
    watch: &Watch,
    url: &str,
    reference: Option<&str>,
    heads: &[(String, Oid)],
    shown: &str,
) -> Result<String> {
    if let Some((name, oid)) = advertised(heads, reference) {
        let spec = format!("+{name}:refs/labforge/fetched");
        watch.fetch(repo.path(), url, &[spec], true, shown)?;
        return peel(repo, *oid, shown);
    }
    match reference.filter(|r| is_commit_like(r)) {
        // A commit the server does not advertise: fetch everything, then look.
        Some(r) => {
            let specs = [
                "+refs/heads/*:refs/labforge/heads/*".to_string(),
                "+refs/tags/*:refs/tags/*".to_string(),
            ];
            watch.fetch(repo.path(), url, &specs, false, shown)?;
            repo.revparse_single(r)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id().to_string())
                .map_err(|_| missing_ref(shown, r, heads))
        }
        None => Err(missing_ref(shown, reference.unwrap_or("HEAD"), heads)),
    }
}

fn peel(repo: &Repository, oid: Oid, shown: &str) -> Result<String> {
    repo.find_object(oid, None)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id().to_string())
        .map_err(|e| git_error(shown, "read the fetched commit of", e.message()))
}

fn missing_ref(shown: &str, reference: &str, heads: &[(String, Oid)]) -> Error {
    let names = |prefix: &str| {
        let list: Vec<&str> = heads
            .iter()
            .filter_map(|(n, _)| n.strip_prefix(prefix))
            .filter(|n| !n.ends_with("^{}"))
            .take(10)
            .collect();
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    };
    Error::new(format!(
        "the git ref `{reference}` does not exist in `{shown}`"
    ))
    .with_detail(format!("branches: {}", names("refs/heads/")))
    .with_detail(format!("tags: {}", names("refs/tags/")))
    .with_help(
        "write an existing branch, tag or commit after `#` (or drop `#REF` for the default branch)",
    )
}

/// The files of `commit` under `subfolder`. The outer error means the commit
/// is not in the repository (fetch it); the inner one is the user's problem.
fn tree_at(
    repo: &Repository,
    commit: &str,
    subfolder: Option<&str>,
    shown: &str,
    cap: u64,
) -> std::result::Result<Result<TemplateTree>, git2::Error> {
    let commit_obj = repo.find_commit(Oid::from_str(commit)?)?;
    let mut tree = commit_obj.tree()?;
    if let Some(sub) = subfolder {
        let short = &commit[..commit.len().min(12)];
        let Ok(entry) = tree.get_path(Path::new(sub)) else {
            return Ok(Err(Error::new(format!(
                "the subfolder `{sub}` does not exist in `{shown}` (commit {short})"
            ))
            .with_help(
                "check the path after `//`: it is relative to the repository root",
            )));
        };
        match entry.to_object(repo)?.into_tree() {
            Ok(t) => tree = t,
            Err(_) => {
                return Ok(Err(Error::new(format!(
                    "`{sub}` in `{shown}` (commit {short}) is a file, not a folder"
                ))
                .with_help("point `//SUBFOLDER` at the folder that holds lab.toml")));
            }
        }
    }
    files_of(repo, &tree, shown, cap)
}

/// Every file and symlink under `tree`; a symlink pointing outside, or
/// files adding up to more than `cap` bytes, are the user's problem (the
/// inner error). Sizes are read from object headers before any blob is
/// inflated, so a small pack holding a huge blob is refused unread.
fn files_of(
    repo: &Repository,
    tree: &git2::Tree,
    shown: &str,
    cap: u64,
) -> std::result::Result<Result<TemplateTree>, git2::Error> {
    let odb = repo.odb()?;
    let mut entries = BTreeMap::new();
    let mut problem: Option<Error> = None;
    let mut total: u64 = 0;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or("");
        if IGNORED_NAMES.contains(&name) {
            return git2::TreeWalkResult::Skip;
        }
        let key = format!("{dir}{name}");
        if matches!(entry.filemode(), 0o100644 | 0o100755 | 0o100664 | 0o120000) {
            total += odb.read_header(entry.id()).map(|(n, _)| n as u64).unwrap_or(0);
            let too_many = entries.len() as u64 >= super::archive::MAX_ENTRIES;
            if total > cap || too_many {
                let (why, help) = if too_many {
                    (
                        format!(
                            "it has more than {} files (the limit for a lab template)",
                            super::archive::MAX_ENTRIES
                        ),
                        "point `//SUBFOLDER` at the folder that holds lab.toml",
                    )
                } else {
                    (
                        format!("its files add up to more than {cap} bytes (a decompression bomb?)"),
                        "raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this repository",
                    )
                };
                problem.get_or_insert(
                    Error::new(format!("refusing to load `{shown}`: {why}")).with_help(help),
                );
                return git2::TreeWalkResult::Abort;
            }
        }
        let blob = || {
            entry
                .to_object(repo)
                .ok()
                .and_then(|o| o.into_blob().ok())
                .map(|b| b.content().to_vec())
        };
        match entry.filemode() {
            0o100644 | 0o100755 | 0o100664 => {
                if let Some(bytes) = blob() {
                    entries.insert(
                        key,
                        Entry::File {
                            bytes: bytes.into(),
                            executable: entry.filemode() == 0o100755,
                        },
                    );
                }
            }
            0o120000 => {
                let target = String::from_utf8_lossy(&blob().unwrap_or_default()).into_owned();
                if let Err(e) = check_link_inside(&key, &PathBuf::from(&target)) {
                    problem.get_or_insert(
                        Error::new(format!("`{shown}`: {}", e.message))
                            .with_help(e.help.unwrap_or_default()),
                    );
                    return git2::TreeWalkResult::Abort;
                }
                entries.insert(key, Entry::Symlink(target));
            }
            // Folders are walked; submodules are not part of a template.
            _ => {}
        }
        git2::TreeWalkResult::Ok
    })
    .or_else(|e| if problem.is_some() { Ok(()) } else { Err(e) })?;
    Ok(match problem {
        Some(p) => Err(p),
        None => Ok(TemplateTree { entries }),
    })
}
