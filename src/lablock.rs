//! One writer per lab: every command that writes a lab's files or state
//! (`update`, `reset`, `restore`, `check`, `hint`, `next`, `setup`) holds an
//! exclusive lock on `.labforge/lock` (std's `File::try_lock`, an advisory
//! OS lock the kernel releases when the process ends, so it is never stale).
//! A second labforge process on the same lab waits up to
//! `LABFORGE_LOCK_WAIT` seconds (default 5), then refuses, naming the pid and
//! command of the holder, which it writes into the file.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

pub(crate) const LOCK_FILE: &str = ".labforge/lock";

/// The lab's lock, released when dropped (or when the process ends).
#[derive(Debug)]
pub(crate) struct LabLock {
    _file: File,
}

/// Takes the lock of the lab at `root` for `command` (for the message a
/// second process shows).
pub(crate) fn acquire(root: &Path, command: &str) -> Result<LabLock> {
    let path = root.join(LOCK_FILE);
    let mut options = File::options();
    options.read(true).write(true).create(true).truncate(false);
    // Never through a link: a shared lab could point the lock at a file
    // of the learner's, which the holder line would overwrite.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, nix::libc::O_NOFOLLOW);
    let mut file = options
        .open(&path)
        .map_err(|e| Error::io("open the lock file", &path, e))?;
    let wait = wait_limit()?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::WouldBlock) => return Err(busy(&path, &mut file, wait)),
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
        }
    }
    let holder = format!("{} labforge {command}\n", std::process::id());
    file.set_len(0)
        .and_then(|_| file.rewind())
        .and_then(|_| file.write_all(holder.as_bytes()))
        .map_err(|e| Error::io("write", &path, e))?;
    Ok(LabLock { _file: file })
}

fn wait_limit() -> Result<Duration> {
    match std::env::var("LABFORGE_LOCK_WAIT") {
        Err(_) => Ok(Duration::from_secs(5)),
        Ok(t) => t.trim().parse().map(Duration::from_secs).map_err(|_| {
            Error::new(format!("LABFORGE_LOCK_WAIT=`{t}` is not a whole number"))
                .with_help("set LABFORGE_LOCK_WAIT to a number of seconds (or unset it for 5)")
        }),
    }
}

fn busy(path: &Path, file: &mut File, wait: Duration) -> Error {
    let mut text = String::new();
    let _ = file
        .rewind()
        .and_then(|_| file.take(200).read_to_string(&mut text));
    let mut words = text.split_whitespace();
    let holder = match (words.next(), words.collect::<Vec<_>>().join(" ")) {
        (Some(pid), cmd) if pid.chars().all(|c| c.is_ascii_digit()) && !cmd.is_empty() => {
            format!("pid {pid}, `{cmd}`")
        }
        _ => "pid unknown".to_string(),
    };
    Error::new(format!(
        "this lab is in use by another labforge process ({holder}); waited {} s",
        wait.as_secs()
    ))
    .in_file(path)
    .with_help("let it finish, then run this command again (the lock goes away with that process; LABFORGE_LOCK_WAIT=SECONDS waits longer)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_never_taken_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lab");
        std::fs::create_dir_all(root.join(".labforge")).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, root.join(LOCK_FILE)).unwrap();
        assert!(acquire(&root, "test").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        std::fs::remove_file(root.join(LOCK_FILE)).unwrap();
        let held = acquire(&root, "test").unwrap();
        let text = std::fs::read_to_string(root.join(LOCK_FILE)).unwrap();
        assert_eq!(text, format!("{} labforge test\n", std::process::id()));
        drop(held);
    }
}
