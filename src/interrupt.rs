//! Ctrl-C, SIGTERM and SIGHUP: nothing labforge started outlives it.
//!
//! This module owns the registry of what labforge has running (the process
//! groups of lab commands and services, the setup commands that share
//! labforge's own group, and the staging folders of `new` and `template`)
//! and the thread that handles the signals (signal-hook; see
//! `docs/dependencies.md`). On the first signal it:
//!
//! 1. records it, so the main thread stops at its next step (no new command
//!    is started: [`register_group`] kills a group born after the signal);
//! 2. sends SIGTERM to every registered process group, then SIGKILL to the
//!    groups still alive after [`GROUP_GRACE`]; a setup command (in the
//!    terminal's foreground group, so Ctrl-C reached it directly) gets
//!    [`FOREGROUND_GRACE`] to stop by itself, then its process tree gets
//!    SIGTERM and SIGKILL;
//! 3. lets the main thread save what it has, clean up and return: `finish`
//!    in `lib.rs` then prints one line ([`summary`]) and exits 128 + the
//!    signal (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP);
//! 4. if the main thread is stuck past [`MAIN_GRACE`], removes the staging
//!    folders itself, prints the line and exits.
//!
//! A second signal skips the graces: SIGKILL to everything, exit at once.
//! A `labforge new` killed with SIGKILL cannot clean up; its staging folder
//! carries its pid, and the next `new` into the same parent removes it
//! ([`staging_dir`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// How long a process group gets between SIGTERM and SIGKILL.
pub(crate) const GROUP_GRACE: Duration = Duration::from_secs(1);
/// How long a setup command gets to stop on its own Ctrl-C.
pub(crate) const FOREGROUND_GRACE: Duration = Duration::from_secs(2);
/// How long the main thread gets to save and clean up after the kills.
pub(crate) const MAIN_GRACE: Duration = Duration::from_secs(3);

/// The signal received (0: none yet).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

#[derive(Default)]
struct Registry {
    /// Process groups of lab commands and services (pgid = leader's pid).
    groups: BTreeSet<i32>,
    /// Setup commands running in labforge's own process group.
    foreground: BTreeSet<i32>,
    /// Staging folders to remove if labforge has to exit on its own.
    staging: Vec<PathBuf>,
    /// Groups that were running when the signal came.
    stopped: BTreeSet<i32>,
    /// A setup command was running when the signal came.
    had_foreground: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    groups: BTreeSet::new(),
    foreground: BTreeSet::new(),
    staging: Vec::new(),
    stopped: BTreeSet::new(),
    had_foreground: false,
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    // A panic while holding the lock must not stop the cleanup.
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the signal handlers (once, at the start of `labforge`).
pub(crate) fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            // Without handlers the default (die at once) still applies.
            return;
        };
        std::thread::spawn(move || {
            for sig in signals.forever() {
                if SIGNAL
                    .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    std::thread::spawn(move || stop_everything(sig));
                } else {
                    hard_exit();
                }
            }
        });
    });
}

/// The signal that interrupted labforge, if any.
pub(crate) fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The exit code for the signal received: 128 + its number.
pub(crate) fn exit_code() -> Option<u8> {
    requested().map(|s| (128 + s).min(255) as u8)
}

/// `Err` once a signal came: the caller stops and returns it.
pub(crate) fn check() -> Result<()> {
    match requested() {
        Some(_) => Err(interrupted()),
        None => Ok(()),
    }
}

/// The error a command returns when it stops for a signal (`finish` prints
/// [`summary`] instead of it).
pub(crate) fn interrupted() -> Error {
    Error::new("interrupted")
}

/// Registers the process group led by `pid`. After a signal, the group is
/// killed at once and `Err` is returned: nothing new starts.
pub(crate) fn register_group(pid: i32) -> Result<()> {
    let mut r = registry();
    if requested().is_some() {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        r.stopped.insert(pid);
        return Err(interrupted());
    }
    r.groups.insert(pid);
    Ok(())
}

/// Forgets a group once its leader was waited for.
pub(crate) fn forget_group(pid: i32) {
    registry().groups.remove(&pid);
}

/// Registers a command that runs in labforge's own process group (setup).
/// On Linux labforge becomes a child subreaper, so what the command starts
/// stays below labforge even when the command itself dies first (a shell
/// killed by Ctrl-C), and a signal stops all of it.
pub(crate) fn register_foreground(pid: i32) -> Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = nix::sys::prctl::set_child_subreaper(true);
    let mut r = registry();
    r.foreground.insert(pid);
    if requested().is_some() {
        r.had_foreground = true;
        drop(r);
        signal_foreground(Signal::SIGKILL);
        return Err(interrupted());
    }
    Ok(())
}

/// Forgets a setup command once it was waited for (after a signal, what it
/// started is still found and stopped: see [`foreground_tree`]).
pub(crate) fn forget_foreground(pid: i32) {
    registry().foreground.remove(&pid);
}

/// Test hook: when the variable `var` holds N, waits N milliseconds (or
/// until a signal), so a test can interrupt a command at that point.
pub(crate) fn pause_for_tests(var: &str) {
    let Some(ms) = std::env::var(var).ok().and_then(|v| v.parse::<u64>().ok()) else {
        return;
    };
    let until = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < until && requested().is_none() {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A staging folder: removed when dropped (on any error or signal), kept by
/// [`Staging::keep`] once renamed into place.
pub(crate) struct Staging {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl Staging {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The folder was renamed into place: forget it.
    pub(crate) fn keep(mut self) {
        forget_staging(&self.path);
        if let Some(d) = self.dir.take() {
            let _ = d.keep();
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        forget_staging(&self.path);
        // Dropping the TempDir removes the folder.
        self.dir.take();
    }
}

fn forget_staging(path: &Path) {
    registry().staging.retain(|p| p != path);
}

/// Creates the staging folder `PREFIX<pid>-XXXXXX` in `parent`, after
/// removing the ones a killed labforge left there (their pid is dead).
pub(crate) fn staging_dir(parent: &Path, prefix: &str) -> Result<Staging> {
    remove_stale_staging(parent, prefix);
    let dir = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a staging folder in", parent, e))?;
    let path = dir.path().to_path_buf();
    registry().staging.push(path.clone());
    let staging = Staging {
        dir: Some(dir),
        path,
    };
    // A signal that came before the folder was registered.
    check()?;
    Ok(staging)
}

/// Removes `PREFIX<pid>-*` folders of `parent` whose process is gone.
pub(crate) fn remove_stale_staging(parent: &Path, prefix: &str) {
    let Ok(list) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in list.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
        else {
            continue;
        };
        let is_dir = entry
            .file_type()
            .is_ok_and(|t| t.is_dir() && !t.is_symlink());
        if is_dir && pid > 0 && !pid_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn pid_alive(pid: i32) -> bool {
    !matches!(kill(Pid::from_raw(pid), None), Err(Errno::ESRCH))
}

/// Set when the signal thread has stopped everything it could.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// The one line printed after a signal, once everything was stopped (waits
/// for the signal thread, at most as long as its graces).
pub(crate) fn summary() -> String {
    let deadline = Instant::now() + FOREGROUND_GRACE + GROUP_GRACE * 3;
    while !STOPPED.load(Ordering::SeqCst) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let (stopped, had_foreground) = {
        let r = registry();
        (r.stopped.clone(), r.had_foreground)
    };
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut alive: Vec<String> = Vec::new();
    loop {
        alive.clear();
        let procs = processes();
        for pg in &stopped {
            if group_alive(*pg, procs.as_deref()) {
                alive.push(format!("process group {pg}"));
            }
        }
        if had_foreground {
            let left = foreground_tree(procs.as_deref());
            alive.extend(left.iter().map(|p| format!("pid {p}")));
        }
        if alive.is_empty() || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let n = stopped.len() + usize::from(had_foreground);
    let what = if n == 1 { "command" } else { "commands" };
    match (n, alive.len()) {
        (0, _) => "interrupted: nothing was running".to_string(),
        (_, 0) => format!("interrupted: stopped {n} {what}; nothing was left running"),
        (_, _) => format!(
            "interrupted: stopped {n} {what}; still running: {}",
            alive.join(", ")
        ),
    }
}

/// Set while a spinner line is on the terminal (`check::live::SetupLine`).
static LIVE_LINE: AtomicBool = AtomicBool::new(false);

/// Marks that a spinner line is (`true`) or is no longer (`false`) on the
/// terminal: [`print_summary`] then writes over that line.
pub(crate) fn set_live_line(on: bool) {
    LIVE_LINE.store(on, Ordering::SeqCst);
}

/// Prints [`summary`] on stderr, once (the main thread and the signal
/// thread may both get there), written directly so no lock is needed.
/// Over a spinner's line (and the `^C` the terminal echoed on it) when one
/// was up.
pub(crate) fn print_summary() {
    static PRINTED: AtomicBool = AtomicBool::new(false);
    let clear = if LIVE_LINE.load(Ordering::SeqCst) {
        "\r\x1b[2K"
    } else {
        ""
    };
    let line = format!("{clear}{}\n", summary());
    if !PRINTED.swap(true, Ordering::SeqCst) {
        let _ = nix::unistd::write(std::io::stderr(), line.as_bytes());
    }
}

/// Whether any live (not zombie) process is left in group `pgid`.
fn group_alive(pgid: i32, procs: Option<&[Proc]>) -> bool {
    if matches!(killpg(Pid::from_raw(pgid), None), Err(Errno::ESRCH)) {
        return false;
    }
    match procs {
        Some(procs) => procs.iter().any(|p| p.state != 'Z' && p.pgid == pgid),
        None => true,
    }
}

/// The live processes below labforge that share its process group: the
/// setup commands and whatever they started (orphans come back to labforge,
/// the child subreaper). Without /proc: the registered commands only.
fn foreground_tree(procs: Option<&[Proc]>) -> Vec<i32> {
    let Some(procs) = procs else {
        return registry()
            .foreground
            .iter()
            .copied()
            .filter(|p| pid_alive(*p))
            .collect();
    };
    let me = std::process::id() as i32;
    let my_group = nix::unistd::getpgrp().as_raw();
    let mut tree = vec![me];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        let children: Vec<i32> = procs
            .iter()
            .filter(|p| p.ppid == parent && !tree.contains(&p.pid))
            .map(|p| p.pid)
            .collect();
        tree.extend(children);
        i += 1;
    }
    // Parents first: a shell killed before its child cannot report the
    // child's death ("Killed") on the learner's terminal.
    tree.into_iter()
        .filter(|pid| {
            *pid != me
                && procs
                    .iter()
                    .any(|p| p.pid == *pid && p.pgid == my_group && p.state != 'Z')
        })
        .collect()
}

/// Sends `signal` to the setup commands and what they started.
fn signal_foreground(signal: Signal) {
    for p in foreground_tree(processes().as_deref()) {
        let _ = kill(Pid::from_raw(p), signal);
    }
}

/// Handles the first signal (on its own thread).
fn stop_everything(sig: i32) {
    let (groups, foreground) = {
        let mut r = registry();
        let g: Vec<i32> = r.groups.iter().copied().collect();
        r.stopped.extend(g.iter());
        r.had_foreground |= !r.foreground.is_empty();
        (g, r.had_foreground)
    };
    for pg in &groups {
        let _ = killpg(Pid::from_raw(*pg), Signal::SIGTERM);
    }
    // Ctrl-C on a terminal reached the setup commands already (they share
    // labforge's group); any other signal is passed on.
    if foreground
        && sig != signal_hook::consts::SIGINT
        && let Ok(s) = Signal::try_from(sig)
    {
        signal_foreground(s);
    }
    let started = Instant::now();
    let mut term_sent = false;
    loop {
        let procs = processes();
        let live_groups: Vec<i32> = groups
            .iter()
            .copied()
            .filter(|p| group_alive(*p, procs.as_deref()))
            .collect();
        let live_fg = foreground && !foreground_tree(procs.as_deref()).is_empty();
        if live_groups.is_empty() && !live_fg {
            break;
        }
        let waited = started.elapsed();
        if waited >= GROUP_GRACE {
            for pg in &live_groups {
                let _ = killpg(Pid::from_raw(*pg), Signal::SIGKILL);
            }
        }
        if live_fg && waited >= FOREGROUND_GRACE && !term_sent {
            signal_foreground(Signal::SIGTERM);
            term_sent = true;
        }
        if live_fg && waited >= FOREGROUND_GRACE + GROUP_GRACE {
            signal_foreground(Signal::SIGKILL);
        }
        if waited >= FOREGROUND_GRACE + GROUP_GRACE * 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    STOPPED.store(true, Ordering::SeqCst);
    // The main thread saves and returns; if it does not, exit without it.
    std::thread::sleep(MAIN_GRACE);
    exit_now(false);
}

/// A second signal: no more waiting.
fn hard_exit() {
    exit_now(true);
}

/// Kills what is registered, removes the staging folders, prints the line
/// and exits, without taking any lock the main thread may hold (stderr is
/// written directly).
fn exit_now(kill_all: bool) {
    let (groups, foreground, staging) = {
        let mut r = registry();
        let g: Vec<i32> = r.groups.iter().copied().collect();
        r.stopped.extend(g.iter());
        r.had_foreground |= !r.foreground.is_empty();
        (g, r.had_foreground, r.staging.clone())
    };
    if kill_all {
        for pg in &groups {
            let _ = killpg(Pid::from_raw(*pg), Signal::SIGKILL);
        }
        if foreground {
            signal_foreground(Signal::SIGKILL);
        }
        STOPPED.store(true, Ordering::SeqCst);
    }
    for dir in &staging {
        let _ = std::fs::remove_dir_all(dir);
    }
    print_summary();
    // `process::exit` flushes stdout only if its lock is free (try_lock).
    std::process::exit(exit_code().unwrap_or(130) as i32);
}

struct Proc {
    pid: i32,
    ppid: i32,
    pgid: i32,
    state: char,
}

/// Every process in /proc (None where there is no /proc).
fn processes() -> Option<Vec<Proc>> {
    let list = std::fs::read_dir("/proc").ok()?;
    let mut out = Vec::new();
    for entry in list.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp …`; comm may hold spaces and parens.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() < 3 {
            continue;
        }
        out.push(Proc {
            pid,
            state: fields[0].chars().next().unwrap_or('?'),
            ppid: fields[1].parse().unwrap_or(0),
            pgid: fields[2].parse().unwrap_or(0),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_staging_of_a_dead_pid_is_removed_and_a_live_one_kept() {
        let parent = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = parent.path().join(format!(".labforge-new-{dead}-abc"));
        let live = parent
            .path()
            .join(format!(".labforge-new-{}-def", std::process::id()));
        let other = parent.path().join(".labforge-new-notapid");
        for d in [&stale, &live, &other] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
        }
        remove_stale_staging(parent.path(), ".labforge-new-");
        assert!(!stale.exists());
        assert!(live.exists());
        assert!(other.exists());
    }
}
