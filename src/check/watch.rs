//! `labforge check --watch`: run the checks, then again after every change
//! to the lab's files (debounced), until interrupted. Uses the platform's
//! file events (notify) and falls back to polling where they are missing
//! (some network and container file systems), or when
//! `LABFORGE_WATCH_POLL=1`.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{PollWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result, Status};
use crate::state::State;

const DEBOUNCE: Duration = Duration::from_millis(300);

/// Changes globs would not see (tool folders, what the lab's `.gitignore`
/// ignores) never trigger a run.
fn relevant(root: &Path, path: &Path) -> bool {
    super::files::is_watched(root, path)
}

/// Runs `once`, then again on every relevant change, until Ctrl-C or
/// until stdout is closed.
pub(crate) fn watch(mut once: impl FnMut() -> Result<Status>) -> Result<Status> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
    let root = State::find_root(&cwd)?;
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let poll = std::env::var("LABFORGE_WATCH_POLL").is_ok_and(|v| v == "1");
    let native = if poll {
        None
    } else {
        notify::recommended_watcher(tx.clone())
            .ok()
            .and_then(|mut w| w.watch(&root, RecursiveMode::Recursive).ok().map(|_| w))
    };
    let _watcher: Box<dyn Watcher> = match native {
        Some(w) => Box::new(w),
        None => {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            let mut w = PollWatcher::new(tx, config)
                .map_err(|e| Error::new(format!("could not watch the lab's files: {e}")))?;
            w.watch(&root, RecursiveMode::Recursive)
                .map_err(|e| Error::new(format!("could not watch `{}`: {e}", root.display())))?;
            Box::new(w)
        }
    };
    // A first run that cannot start (untrusted lab, missing tool) ends the
    // watch; later errors are printed and the watch goes on.
    let mut status = once()?;
    loop {
        // Nobody reads the reports any more (`check --watch | head`): stop.
        if crate::out::closed() {
            return Ok(status);
        }
        crate::eoutln!("watching for changes (Ctrl-C to stop) …");
        wait_for_change(&root, &rx)?;
        crate::eoutln!();
        match once() {
            Ok(s) => status = s,
            Err(e) => {
                crate::interrupt::check()?;
                crate::eout!("{}", e.render());
            }
        }
    }
}

fn wait_for_change(root: &Path, rx: &mpsc::Receiver<notify::Result<notify::Event>>) -> Result<()> {
    let is_relevant = |ev: &notify::Result<notify::Event>| match ev {
        Ok(e) => {
            !matches!(e.kind, notify::EventKind::Access(_))
                && e.paths.iter().any(|p| relevant(root, p))
        }
        Err(_) => false,
    };
    loop {
        // Woken regularly so that Ctrl-C ends the watch.
        crate::interrupt::check()?;
        let ev = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(ev) => ev,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::new("the file watcher stopped"));
            }
        };
        if is_relevant(&ev) {
            break;
        }
    }
    // Let a burst of writes (an editor saving, a formatter) settle.
    while rx.recv_timeout(DEBOUNCE).is_ok() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ignores_caches() {
        let root = PathBuf::from("/lab");
        assert!(relevant(&root, Path::new("/lab/src/a.py")));
        assert!(!relevant(&root, Path::new("/lab/.venv/lib/x.py")));
        assert!(!relevant(&root, Path::new("/lab/.labforge/state.toml")));
    }
}
