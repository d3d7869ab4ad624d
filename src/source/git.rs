//! Git sources: one bare repository per URL in the cache, fetched shallow
//! (depth 1) when the ref is a branch or tag the server advertises, in full
//! only to find an abbreviated commit. The network goes through the system
//! `git` (`ls-remote`, `fetch`), so https, ssh, proxies, `insteadOf` and
//! credentials work as they do for the user's own git, and labforge links no
//! OpenSSL or libssh2 (docs/dependencies.md); git2 reads the fetched trees.
//! The ref asked for is recorded with the commit it resolved to, so the cache
//! answers `--offline` and later runs without the network.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};

use super::FetchOptions;
use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;
use crate::template::{Entry, IGNORED_NAMES, TemplateTree, check_link_inside};

/// A fetched commit: its full id and its files (under the subfolder).
pub struct Fetched {
    pub commit: String,
    pub tree: TemplateTree,
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
pub fn load(
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
    let ref_key = reference.unwrap_or("HEAD").to_string();
    let mut meta = read_meta(&meta_path, url)?;
    // A full commit id needs no record: if the commit is here, it is the one.
    let full_commit = reference
        .filter(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase);
    if !opts.refresh
        && let Some(commit) = meta.refs.get(&ref_key).or(full_commit.as_ref())
        && let Ok(repo) = Repository::open_bare(&repo_dir)
        && let Ok(tree) = tree_at(&repo, commit, subfolder, shown)
    {
        return Ok(Fetched {
            commit: commit.clone(),
            tree: tree?,
        });
    }
    if opts.offline {
        return Err(cache::not_cached(shown));
    }
    let repo = match Repository::open_bare(&repo_dir) {
        Ok(r) => r,
        Err(_) => Repository::init_bare(&repo_dir)
            .map_err(|e| git_error(shown, "create a cache repository for", e.message()))?,
    };
    let commit = fetch(&repo, url, reference, shown)?;
    meta.refs.insert(ref_key, commit.clone());
    let text = toml::to_string(&meta)
        .map_err(|e| Error::new(format!("could not write the cache record: {e}")))?;
    fsx::write_atomic(&meta_path, text)?;
    let tree = tree_at(&repo, &commit, subfolder, shown)
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

/// The system `git` for one transport command, locked down: no prompt (a
/// missing credential is an error, not a hang), only the URL schemes labforge
/// accepts (never `ext::`), no repository from the environment, and
/// `GIT_SSH_COMMAND`/credential helpers/proxies from the user's own config.
fn git(dir: Option<&Path>) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    for proto in ["https", "http", "ssh", "git", "file"] {
        cmd.arg("-c").arg(format!("protocol.{proto}.allow=always"));
    }
    cmd.args(["-c", "protocol.allow=never"]);
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .stdin(std::process::Stdio::null());
    cmd
}

/// Runs `cmd`; stdout on success, git's last stderr line as the error.
fn run_git(mut cmd: std::process::Command, shown: &str, action: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            crate::check::tools::missing("git", &format!("the git source `{shown}`"))
        } else {
            git_error(shown, action, e)
        }
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("git failed without a message");
    Err(git_error(shown, action, last))
}

fn progress_bar(shown: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} fetching {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(shown.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Lists the remote's refs, picks the one asked for, fetches it and returns
/// the commit id.
fn fetch(repo: &Repository, url: &str, reference: Option<&str>, shown: &str) -> Result<String> {
    let heads = list_refs(url, shown)?;
    let bar = progress_bar(shown);
    let result = fetch_wanted(repo, url, reference, &heads, shown);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// The refs the remote advertises, with the objects they point at
/// (`git ls-remote`).
fn list_refs(url: &str, shown: &str) -> Result<Vec<(String, Oid)>> {
    let mut cmd = git(None);
    cmd.args(["ls-remote", "--", url]);
    let out = run_git(cmd, shown, "connect to")?;
    Ok(out
        .lines()
        .filter_map(|l| {
            let (oid, name) = l.split_once('\t')?;
            Some((name.trim().to_string(), Oid::from_str(oid.trim()).ok()?))
        })
        .collect())
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
    url: &str,
    reference: Option<&str>,
    heads: &[(String, Oid)],
    shown: &str,
) -> Result<String> {
    if let Some((name, oid)) = advertised(heads, reference) {
        let spec = format!("+{name}:refs/labforge/fetched");
        fetch_refspecs(repo, url, &[spec], true, shown)?;
        return peel(repo, *oid, shown);
    }
    match reference.filter(|r| is_commit_like(r)) {
        // A commit the server does not advertise: fetch everything, then look.
        Some(r) => {
            let specs = [
                "+refs/heads/*:refs/labforge/heads/*".to_string(),
                "+refs/tags/*:refs/tags/*".to_string(),
            ];
            fetch_refspecs(repo, url, &specs, false, shown)?;
            repo.revparse_single(r)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id().to_string())
                .map_err(|_| missing_ref(shown, r, heads))
        }
        None => Err(missing_ref(shown, reference.unwrap_or("HEAD"), heads)),
    }
}

/// `git fetch` of `specs` into the cache repository: shallow (depth 1) when
/// `shallow`, else in full (deepening a shallow cache).
fn fetch_refspecs(
    repo: &Repository,
    url: &str,
    specs: &[String],
    shallow: bool,
    shown: &str,
) -> Result<()> {
    let run = |depth: Option<&str>| {
        let mut cmd = git(Some(repo.path()));
        cmd.args(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head"]);
        cmd.args(depth);
        cmd.arg("--").arg(url).args(specs);
        run_git(cmd, shown, "fetch")
    };
    let full = repo.is_shallow().then_some("--unshallow");
    if !shallow {
        return run(full).map(|_| ());
    }
    match run(Some("--depth=1")) {
        // Some transports (older servers, dumb HTTP) cannot fetch shallow.
        Err(e) if e.message.to_ascii_lowercase().contains("shallow") => run(full).map(|_| ()),
        other => other.map(|_| ()),
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

fn git_error(shown: &str, action: &str, e: impl std::fmt::Display) -> Error {
    Error::new(format!("could not {action} the git repository `{shown}`: {e}")).with_help(
        "check the URL and your network; private repositories need a git credential helper (https) or a key in ssh-agent (ssh); a cached copy works with --offline",
    )
}

/// The files of `commit` under `subfolder`. The outer error means the commit
/// is not in the repository (fetch it); the inner one is the user's problem.
fn tree_at(
    repo: &Repository,
    commit: &str,
    subfolder: Option<&str>,
    shown: &str,
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
    files_of(repo, &tree, shown)
}

/// Every file and symlink under `tree`; a symlink pointing outside is the
/// user's problem (the inner error).
fn files_of(
    repo: &Repository,
    tree: &git2::Tree,
    shown: &str,
) -> std::result::Result<Result<TemplateTree>, git2::Error> {
    let mut entries = BTreeMap::new();
    let mut problem: Option<Error> = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or("");
        if IGNORED_NAMES.contains(&name) {
            return git2::TreeWalkResult::Skip;
        }
        let key = format!("{dir}{name}");
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
                            bytes,
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
