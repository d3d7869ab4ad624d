//! The one git transport (issues 13 and 14): every network operation on a git
//! repository (`ls-remote`, `fetch`) runs the system `git` as a child process
//! under labforge's limits, so git sources and `cohort sync` share them:
//!
//! - a wall-clock deadline (`LABFORGE_GIT_TIMEOUT`, default 300 s): the
//!   child's process group is killed when it passes, whatever the server
//!   does (a server that never answers cannot hold labforge);
//! - the download size cap (`LABFORGE_MAX_DOWNLOAD`): the repository's
//!   `objects/` folder is watched while git writes into it, and the child is
//!   killed once it grew by more than the cap;
//! - a memory cap for the child (`ulimit -d`, 1 GiB or four times the
//!   download cap): a pack whose deltas inflate to huge objects makes git
//!   fail with "out of memory" instead of exhausting the machine;
//! - git locked down: no prompt (`GIT_TERMINAL_PROMPT=0`, ssh in batch
//!   mode unless the user set their own ssh command, stdin closed, own
//!   process group), only the URL schemes labforge accepts (never `ext::`),
//!   `--` before the URL, no repository or object folder from the
//!   environment. Credentials, proxies, `insteadOf` and ssh keys come from
//!   the user's own git configuration, as for the user's own git.
//!
//! labforge links no OpenSSL or libssh2 for this: git2 is built without its
//! `https`/`ssh` features and only reads the fetched repositories
//! (docs/dependencies.md, ADR 0020).

use std::ffi::OsStr;
use std::io::IsTerminal;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use git2::Oid;

use crate::cache;
use crate::error::{Error, Result};
use crate::exec;

/// The URL schemes git may use for labforge (the ones the source parser
/// accepts); `protocol.allow=never` refuses every other, `ext::` included.
const SCHEMES: &[&str] = &["https", "http", "ssh", "git", "file"];

/// The limits of one network operation and how to name its failures.
pub(crate) struct Watch {
    started: Instant,
    pub(crate) deadline: Duration,
    cap: u64,
    /// Show a spinner on a terminal (off when the caller draws its own progress).
    spinner: bool,
}

/// Why the child was stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    TooBig,
    TooSlow,
}

impl Watch {
    pub(crate) fn from_env() -> Result<Watch> {
        let secs = match std::env::var("LABFORGE_GIT_TIMEOUT") {
            Err(_) => 300,
            Ok(t) => t.trim().parse().map_err(|_| {
                Error::new(format!(
                    "LABFORGE_GIT_TIMEOUT=`{}` is not a whole number",
                    super::archive::shorten(&t)
                ))
                .with_help("set LABFORGE_GIT_TIMEOUT to a number of seconds (or unset it for 300)")
            })?,
        };
        Ok(Watch {
            started: Instant::now(),
            deadline: Duration::from_secs(secs),
            cap: cache::max_download()?,
            spinner: true,
        })
    }

    /// No spinner of its own (the caller shows progress).
    pub(crate) fn quiet(mut self) -> Watch {
        self.spinner = false;
        self
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_sub(self.started.elapsed())
    }

    pub(crate) fn error(&self, stop: Stop, shown: &str) -> Error {
        match stop {
            Stop::TooBig => Error::new(format!(
                "refusing to fetch `{shown}`: it sends more than the download limit of {} bytes",
                self.cap
            ))
            .with_help("a lab template is normally small; if you trust this repository, raise the limit with LABFORGE_MAX_DOWNLOAD=BYTES; nothing was cached"),
            Stop::TooSlow => Error::new(format!(
                "the fetch of `{shown}` did not finish within {} s",
                self.deadline.as_secs()
            ))
            .with_help("check your network and try again; a slow server needs a longer LABFORGE_GIT_TIMEOUT=SECONDS; a cached copy works with --offline"),
        }
    }

    /// The refs `url` advertises, with the objects they point at
    /// (`git ls-remote`).
    pub(crate) fn ls_remote(&self, url: &str, shown: &str) -> Result<Vec<(String, Oid)>> {
        let args = [OsStr::new("ls-remote"), "--".as_ref(), url.as_ref()];
        let out = self
            .run(None, &args, shown)?
            .map_err(|stderr| failed(shown, "connect to", &stderr))?;
        Ok(out
            .lines()
            .filter_map(|l| {
                let (oid, name) = l.split_once('\t')?;
                Some((name.trim().to_string(), Oid::from_str(oid.trim()).ok()?))
            })
            .collect())
    }

    /// `git fetch` of `specs` from `url` into the (bare) repository `repo`:
    /// `depth` 1 for a shallow fetch, or the full history (deepening a
    /// shallow repository). No tags beyond the specs, no FETCH_HEAD.
    pub(crate) fn fetch(
        &self,
        repo: &Path,
        url: &str,
        specs: &[String],
        shallow: bool,
        shown: &str,
    ) -> Result<()> {
        let attempt = |shallow: bool| {
            let mut args: Vec<&OsStr> = vec![
                "fetch".as_ref(),
                "--quiet".as_ref(),
                "--no-tags".as_ref(),
                "--no-write-fetch-head".as_ref(),
                "--no-auto-gc".as_ref(),
            ];
            if shallow {
                args.push("--depth=1".as_ref());
            } else if repo.join("shallow").is_file() {
                args.push("--unshallow".as_ref());
            }
            args.push("--".as_ref());
            args.push(url.as_ref());
            args.extend(specs.iter().map(|s| OsStr::new(s.as_str())));
            self.run(Some(repo), &args, shown)
        };
        match attempt(shallow)? {
            Ok(_) => Ok(()),
            // Some servers (older ones, dumb HTTP) cannot serve a shallow
            // fetch: fetch the whole history instead.
            Err(stderr) if shallow && stderr.contains("shallow") => attempt(false)?
                .map(|_| ())
                .map_err(|stderr| failed(shown, "fetch", &stderr)),
            Err(stderr) => Err(failed(shown, "fetch", &stderr)),
        }
    }

    /// Runs `git ARGS` (in `repo` when given) under the limits: the outer
    /// error is a limit (or git missing), the inner one git's own failure
    /// (its stderr); stdout on success.
    fn run(
        &self,
        repo: Option<&Path>,
        args: &[&OsStr],
        shown: &str,
    ) -> Result<std::result::Result<String, String>> {
        let before = repo.map(objects_size).unwrap_or(0);
        let spinner = self.spinner.then(|| spinner(shown)).flatten();
        let mut running = exec::spawn(self.command(repo, args), "git")?;
        let stop = loop {
            match running.child.try_wait() {
                Ok(Some(_)) => break None,
                Ok(None) => {}
                Err(e) => return Err(Error::new(format!("could not wait for git: {e}"))),
            }
            if self.left().is_zero() {
                break Some(Stop::TooSlow);
            }
            let grown = repo.map(objects_size).unwrap_or(0).saturating_sub(before);
            let listed = running.output.lock().map(|o| o.stdout.len()).unwrap_or(0) as u64;
            if grown > self.cap || listed >= self.cap.min(exec::KEEP_BYTES as u64) {
                break Some(Stop::TooBig);
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        if let Some(stop) = stop {
            running.stop(Duration::from_millis(200));
            return Err(self.error(stop, shown));
        }
        let done = running.wait(Duration::from_secs(2))?;
        if done.code == Some(0) {
            return Ok(Ok(done.stdout));
        }
        if done.code == Some(127)
            && done.merged.contains("git")
            && done.merged.contains("not found")
        {
            return Err(crate::tools::missing(
                "git",
                &format!("the git repository `{shown}`"),
            ));
        }
        Ok(Err(done.merged))
    }

    /// `sh -c 'ulimit -d KiB; exec git "$@"'` with the locked-down options:
    /// the shell only sets the memory cap (its arguments are never parsed
    /// as shell text).
    fn command(&self, repo: Option<&Path>, args: &[&OsStr]) -> Command {
        let mem_kib = self.cap.saturating_mul(4).max(1 << 30) / 1024;
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -d {mem_kib} 2>/dev/null; exec git \"$@\""))
            .arg("git");
        // The repository is named explicitly, and no other is looked for:
        // a folder holding `HEAD`, `config`, `objects/` and `refs/` (which a
        // template can ship) would otherwise be read as a bare repository,
        // with its config (`core.sshCommand`, `credential.helper`), by a git
        // run from inside it.
        match repo {
            Some(r) => {
                let mut git_dir = std::ffi::OsString::from("--git-dir=");
                git_dir.push(r);
                cmd.arg(git_dir).current_dir(r);
            }
            None => {
                cmd.current_dir("/");
            }
        }
        cmd.args(["-c", "safe.bareRepository=explicit"]);
        for proto in SCHEMES {
            cmd.arg("-c").arg(format!("protocol.{proto}.allow=always"));
        }
        cmd.args(["-c", "protocol.allow=never", "-c", "core.askPass="]);
        cmd.args(args);
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_NAMESPACE",
            "GIT_CEILING_DIRECTORIES",
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT",
            "GIT_CONFIG",
            "GIT_COMMON_DIR",
            "GIT_SHALLOW_FILE",
            "GIT_GRAFT_FILE",
            "GIT_REPLACE_REF_BASE",
            "GIT_NO_REPLACE_OBJECTS",
            "GIT_PREFIX",
            "GIT_QUARANTINE_PATH",
        ] {
            cmd.env_remove(var);
        }
        // ssh must not ask either (a passphrase or host-key prompt from a
        // background process group would stop it until the deadline),
        // unless the user chose their own ssh command.
        let own_ssh = ["GIT_SSH_COMMAND", "GIT_SSH"]
            .iter()
            .any(|v| std::env::var_os(v).is_some())
            || git2::Config::open_default()
                .and_then(|c| c.get_string("core.sshCommand"))
                .is_ok();
        if !own_ssh {
            cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        }
        // `core.askPass=` does not override an inherited GIT_ASKPASS (set by
        // editors' terminals); an empty one makes git fail instead of asking.
        cmd.env("GIT_ASKPASS", "")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GCM_INTERACTIVE", "never")
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .process_group(0);
        cmd
    }
}

use std::os::unix::process::CommandExt;

/// Bytes under `repo/objects` (the packs and loose objects git writes).
fn objects_size(repo: &Path) -> u64 {
    fn walk(dir: &Path, depth: usize) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() && depth < 3 => walk(&e.path(), depth + 1),
                Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => 0,
            })
            .sum()
    }
    walk(&repo.join("objects"), 0)
}

fn spinner(shown: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} fetching {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(shown.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// git's failure as an error: its first `fatal:`/`error:` line (the cause;
/// later lines are consequences such as "the remote end hung up").
fn failed(shown: &str, action: &str, stderr: &str) -> Error {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let cause = lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or(lines.last())
        .map_or("git failed without a message", |l| {
            l.trim_start_matches("fatal: ")
                .trim_start_matches("error: ")
        });
    // A server's words may reach this line ("remote: ..."): no terminal
    // escapes, and not a screenful.
    let cause: String = cause
        .chars()
        .take(300)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    git_error(shown, action, &cause)
}

pub(crate) fn git_error(shown: &str, action: &str, e: impl std::fmt::Display) -> Error {
    Error::new(format!("could not {action} the git repository `{shown}`: {e}")).with_help(
        "check the URL and your network; private repositories need a git credential helper (https) or a key in ssh-agent (ssh); a cached copy works with --offline",
    )
}
