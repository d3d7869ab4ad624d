//! Git sources through git2: one bare repository per URL in the cache,
//! fetched shallow (depth 1) when the ref is a branch or tag the server
//! advertises, in full only to find an abbreviated commit. Credentials come
//! from git's credential helpers (https) and ssh-agent (ssh). The ref asked
//! for is recorded with the commit it resolved to, so the cache answers
//! `--offline` and later runs without the network.
//!
//! A fetch runs on a worker thread under a wall-clock deadline
//! (`LABFORGE_GIT_TIMEOUT`, default 300 s) and the download size cap
//! (`LABFORGE_MAX_DOWNLOAD`): the transfer-progress callback aborts a fetch
//! past either, and a server that sends nothing at all is given up on when
//! the deadline passes (libgit2 has no timeout of its own that safe code can
//! set). A repository created for a fetch that failed is removed again.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use git2::{CredentialType, FetchOptions as GitFetchOptions, Oid, RemoteCallbacks, Repository};
use serde::{Deserialize, Serialize};

use super::FetchOptions;
use super::gitwatch::{Stop, Watch};
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
        .map_err(|e| git_error(shown, "open the cache repository of", &e))?;
    meta.refs.insert(ref_key, commit.clone());
    let text = toml::to_string(&meta)
        .map_err(|e| Error::new(format!("could not write the cache record: {e}")))?;
    fsx::write_atomic(&meta_path, text)?;
    let tree = tree_at(&repo, &commit, subfolder, shown, cap)
        .map_err(|e| git_error(shown, "read", &e))??;
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

/// Fetches on a worker thread and waits at most until the deadline (plus a
/// moment for the callbacks to stop it cleanly). A repository this fetch
/// created is removed when it fails.
fn fetch_guarded(
    repo_dir: &Path,
    url: &str,
    reference: Option<&str>,
    shown: &str,
) -> Result<String> {
    let watch = Arc::new(Watch::from_env()?);
    let fresh = Repository::open_bare(repo_dir).is_err();
    let (tx, rx) = std::sync::mpsc::channel();
    let (dir, url_owned, reference_owned, shown_owned) = (
        repo_dir.to_path_buf(),
        url.to_string(),
        reference.map(str::to_string),
        shown.to_string(),
    );
    let thread_watch = watch.clone();
    std::thread::spawn(move || {
        let result = (|| {
            let repo = match Repository::open_bare(&dir) {
                Ok(r) => r,
                Err(_) => Repository::init_bare(&dir)
                    .map_err(|e| git_error(&shown_owned, "create a cache repository for", &e))?,
            };
            fetch(
                &repo,
                &url_owned,
                reference_owned.as_deref(),
                &shown_owned,
                &thread_watch,
            )
        })();
        let _ = tx.send(result);
    });
    let result = match rx.recv_timeout(watch.deadline + Duration::from_secs(1)) {
        Ok(r) => r.map_err(|e| match watch.stopped() {
            Some(stop) => watch.error(stop, shown),
            None => e,
        }),
        // The worker is stuck in a read that libgit2 will not give up: the
        // process leaves it behind when it exits.
        Err(_) => Err(watch.error(watch.stopped().unwrap_or(Stop::TooSlow), shown)),
    };
    if result.is_err() && fresh {
        let _ = std::fs::remove_dir_all(repo_dir);
    }
    result
}

fn callbacks<'a>(bar: Option<indicatif::ProgressBar>, watch: Arc<Watch>) -> RemoteCallbacks<'a> {
    let mut cb = RemoteCallbacks::new();
    let mut tries = 0;
    cb.credentials(move |url, username, allowed| {
        tries += 1;
        if tries > 3 {
            return Err(git2::Error::from_str(
                "authentication failed (no credential helper or ssh-agent key was accepted)",
            ));
        }
        if allowed.contains(CredentialType::SSH_KEY) {
            return git2::Cred::ssh_key_from_agent(username.unwrap_or("git"));
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            let config = git2::Config::open_default()?;
            return git2::Cred::credential_helper(&config, url, username);
        }
        if allowed.contains(CredentialType::USERNAME) {
            return git2::Cred::username(username.unwrap_or("git"));
        }
        git2::Cred::default()
    });
    let side = watch.clone();
    cb.sideband_progress(move |_| side.allows(0));
    cb.transfer_progress(move |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.total_objects() as u64);
            bar.set_position(p.received_objects() as u64);
        }
        watch.allows(p.received_bytes() as u64)
    });
    cb
}

/// Proxies from git config and the environment, as git itself finds them.
fn auto_proxy<'a>() -> git2::ProxyOptions<'a> {
    let mut proxy = git2::ProxyOptions::new();
    proxy.auto();
    proxy
}

fn progress_bar(shown: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("fetching {msg} {pos}/{len} objects {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(shown.to_string());
    Some(bar)
}

/// Lists the remote's refs, picks the one asked for, fetches it and returns
/// the commit id.
fn fetch(
    repo: &Repository,
    url: &str,
    reference: Option<&str>,
    shown: &str,
    watch: &Arc<Watch>,
) -> Result<String> {
    let mut remote = repo
        .remote_anonymous(url)
        .map_err(|e| git_error(shown, "open", &e))?;
    let heads = list_refs(&mut remote, shown, watch)?;
    let bar = progress_bar(shown);
    let result = fetch_wanted(
        repo,
        &mut remote,
        reference,
        &heads,
        bar.clone(),
        shown,
        watch,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// The refs the remote advertises, with the objects they point at.
fn list_refs(
    remote: &mut git2::Remote,
    shown: &str,
    watch: &Arc<Watch>,
) -> Result<Vec<(String, Oid)>> {
    let conn = remote
        .connect_auth(
            git2::Direction::Fetch,
            Some(callbacks(None, watch.clone())),
            Some(auto_proxy()),
        )
        .map_err(|e| git_error(shown, "connect to", &e))?;
    Ok(conn
        .list()
        .map_err(|e| git_error(shown, "list the refs of", &e))?
        .iter()
        .map(|h| (h.name().to_string(), h.oid()))
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
    remote: &mut git2::Remote,
    reference: Option<&str>,
    heads: &[(String, Oid)],
    bar: Option<indicatif::ProgressBar>,
    shown: &str,
    watch: &Arc<Watch>,
) -> Result<String> {
    if let Some((name, oid)) = advertised(heads, reference) {
        let spec = format!("+{name}:refs/labforge/fetched");
        fetch_refspecs(repo, remote, &[spec], 1, bar, shown, watch)?;
        return peel(repo, *oid, shown);
    }
    match reference.filter(|r| is_commit_like(r)) {
        // A commit the server does not advertise: fetch everything, then look.
        Some(r) => {
            let specs = [
                "+refs/heads/*:refs/labforge/heads/*".to_string(),
                "+refs/tags/*:refs/tags/*".to_string(),
            ];
            let depth = if repo.is_shallow() { i32::MAX } else { 0 };
            fetch_refspecs(repo, remote, &specs, depth, bar, shown, watch)?;
            repo.revparse_single(r)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id().to_string())
                .map_err(|_| missing_ref(shown, r, heads))
        }
        None => Err(missing_ref(shown, reference.unwrap_or("HEAD"), heads)),
    }
}

fn fetch_refspecs(
    repo: &Repository,
    remote: &mut git2::Remote,
    specs: &[String],
    depth: i32,
    bar: Option<indicatif::ProgressBar>,
    shown: &str,
    watch: &Arc<Watch>,
) -> Result<()> {
    let run = |depth: i32, remote: &mut git2::Remote| {
        let mut fo = GitFetchOptions::new();
        fo.remote_callbacks(callbacks(bar.clone(), watch.clone()));
        fo.download_tags(git2::AutotagOption::None);
        fo.proxy_options(auto_proxy());
        if depth != 0 {
            fo.depth(depth);
        }
        remote.fetch(specs, Some(&mut fo), None)
    };
    match run(depth, remote) {
        // Some transports (older servers, dumb HTTP) cannot fetch shallow.
        Err(e) if depth == 1 && e.message().to_ascii_lowercase().contains("shallow") => {
            run(if repo.is_shallow() { i32::MAX } else { 0 }, remote)
                .map_err(|e| git_error(shown, "fetch", &e))
        }
        other => other.map_err(|e| git_error(shown, "fetch", &e)),
    }
}

fn peel(repo: &Repository, oid: Oid, shown: &str) -> Result<String> {
    repo.find_object(oid, None)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id().to_string())
        .map_err(|e| git_error(shown, "read the fetched commit of", &e))
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

fn git_error(shown: &str, action: &str, e: &git2::Error) -> Error {
    Error::new(format!("could not {action} the git repository `{shown}`: {}", e.message())).with_help(
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
