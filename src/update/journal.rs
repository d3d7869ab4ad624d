//! The update journal, `.labforge/update-journal.toml`: the list of file
//! writes and deletions an update (or an undo) is about to make, written
//! before the first change and removed after the last. Every step is
//! idempotent and its new content is already in `.labforge/objects`, so an
//! update killed at any point is finished by the next `labforge update`
//! ([`recover`]), or rolled back from its backup by `labforge update --undo`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;
use crate::state;

pub const JOURNAL_FILE: &str = ".labforge/update-journal.toml";

/// One idempotent change to the lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub path: String,
    /// `write`, `link` or `delete`.
    pub op: String,
    /// `write`: the object holding the new bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub executable: bool,
    /// `link`: the symlink target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl Step {
    pub fn write(path: &str, object: String, executable: bool) -> Step {
        Step {
            path: path.into(),
            op: "write".into(),
            object: Some(object),
            executable,
            target: None,
        }
    }
    pub fn link(path: &str, target: &str) -> Step {
        Step {
            path: path.into(),
            op: "link".into(),
            object: None,
            executable: false,
            target: Some(target.into()),
        }
    }
    pub fn delete(path: &str) -> Step {
        Step {
            path: path.into(),
            op: "delete".into(),
            object: None,
            executable: false,
            target: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// `update` or `undo`.
    pub kind: String,
    /// The backup folder name under `.labforge/backups/` holding the files as
    /// they were before.
    pub backup: String,
    pub steps: Vec<Step>,
}

/// Writes the journal, applies every step, then removes the journal.
/// Every step is checked first (the path gate, and no symlink among the
/// folders of its path), so a refused step writes nothing at all.
pub fn run(root: &Path, journal: &Journal) -> Result<()> {
    check_steps(&journal.steps)?;
    for step in &journal.steps {
        crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
    }
    let text = toml::to_string_pretty(journal)
        .map_err(|e| Error::new(format!("could not encode the update journal: {e}")))?;
    fsx::write_atomic(&root.join(JOURNAL_FILE), text)?;
    crash_point();
    finish(root, journal)
}

/// Applies every step of a journal (again) and removes it.
fn finish(root: &Path, journal: &Journal) -> Result<()> {
    for step in &journal.steps {
        apply(root, step)?;
        crash_point();
    }
    if journal.kind == "undo" {
        super::backup::mark_undone(root, &journal.backup)?;
        crash_point();
    }
    fsx::remove_file(&root.join(JOURNAL_FILE))?;
    crash_point();
    Ok(())
}

/// Reads a journal left by an interrupted update, if any.
pub fn pending(root: &Path) -> Result<Option<Journal>> {
    let path = root.join(JOURNAL_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = fsx::read_to_string(&path)?;
    let journal: Journal = toml::from_str(&text).map_err(|e| {
        Error::new(format!("the update journal is damaged: {}", e.message().trim_end()))
            .in_file(&path)
            .with_help("restore the files from the newest folder in .labforge/backups/ by hand, then delete the journal")
    })?;
    check_steps(&journal.steps).map_err(|e| e.in_file(&path))?;
    Ok(Some(journal))
}

/// Every step goes through the one path gate before anything is replayed:
/// a journal is a file in the lab, so it may have been planted.
pub fn check_steps(steps: &[Step]) -> Result<()> {
    for step in steps {
        let refuse = |why: String| {
            Error::new(format!(
                "the update journal has a step for `{}`, which is unsafe: {why}",
                crate::pathgate::shown(&step.path)
            ))
            .with_help("nothing was replayed; delete .labforge/update-journal.toml, restore the lab from git if files look wrong, then run `labforge update` again")
        };
        if let Some(why) = crate::pathgate::internal_problem(&step.path) {
            return Err(refuse(why));
        }
        if let Some(obj) = &step.object
            && !state::is_digest(obj)
        {
            return Err(refuse(format!(
                "its object `{}` is not a sha256 digest",
                crate::pathgate::shown(obj)
            )));
        }
        if step.path == crate::pathgate::STATE_FILE && step.op != "write" {
            return Err(refuse("the state may only be rewritten".into()));
        }
    }
    Ok(())
}

/// Finishes an interrupted update or undo; returns the journal it finished.
pub fn recover(root: &Path) -> Result<Option<Journal>> {
    let Some(journal) = pending(root)? else {
        return Ok(None);
    };
    remove_strays(root, &journal)?;
    finish(root, &journal)?;
    Ok(Some(journal))
}

/// Removes the `.labforge-tmp-*` files a process killed inside
/// `write_atomic` left beside the journal's paths.
pub fn remove_strays(root: &Path, journal: &Journal) -> Result<()> {
    for step in &journal.steps {
        // Only folders reached without a link: a planted link must not
        // make labforge delete files elsewhere.
        let path = crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
        remove_stray_temp_files(&path)?;
    }
    Ok(())
}

/// Removes the temporary files a killed update left in `.labforge/` (the
/// journal's and the state's) and in the object store.
pub fn clean_temp(root: &Path) -> Result<()> {
    for dir in [
        root.join(crate::state::STATE_DIR),
        root.join(crate::state::OBJECTS_DIR),
    ] {
        remove_stray_temp_files(&dir.join("x"))?;
    }
    Ok(())
}

/// Removes a journal without applying it (after its backup was restored).
pub fn discard(root: &Path) -> Result<()> {
    let path = root.join(JOURNAL_FILE);
    if path.exists() {
        fsx::remove_file(&path)?;
    }
    Ok(())
}

/// Applies one step; applying it twice is the same as once.
pub fn apply(root: &Path, step: &Step) -> Result<()> {
    use crate::pathgate::{Last, prepare_write, resolve};
    // Never through a link: folders are created one at a time and a link in
    // the way is an error; the last component, if a link, is replaced.
    let path = match step.op.as_str() {
        "write" | "link" => prepare_write(root, &step.path)?,
        _ => resolve(root, &step.path, Last::MayBeLink)?,
    };
    let bad = || {
        Error::new(format!(
            "the update journal step for `{}` is incomplete",
            step.path
        ))
        .with_help("report this as a labforge bug")
    };
    match step.op.as_str() {
        "write" => {
            let bytes = state::get_object(root, step.object.as_deref().ok_or_else(bad)?)?;
            remove_if_link(&path)?;
            fsx::write_atomic(&path, bytes)?;
            set_mode(&path, step.executable)
        }
        "link" => {
            remove_any(&path)?;
            make_symlink(step.target.as_deref().ok_or_else(bad)?, &path)
        }
        "delete" => {
            remove_any(&path)?;
            remove_empty_parents(root, &path)
        }
        other => Err(
            Error::new(format!("unknown step `{other}` in the update journal"))
                .with_help("finish the update with the labforge that started it"),
        ),
    }
}

fn remove_if_link(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fsx::remove_file(path),
        _ => Ok(()),
    }
}

fn remove_any(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fsx::remove_dir_all(path),
        Ok(_) => fsx::remove_file(path),
        Err(_) => Ok(()),
    }
}

fn remove_empty_parents(root: &Path, path: &Path) -> Result<()> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || !fsx::is_absent_or_empty_dir(d)? {
            break;
        }
        if d.exists() {
            std::fs::remove_dir(d).map_err(|e| Error::io("remove the empty folder", d, e))?;
        }
        dir = d.parent();
    }
    Ok(())
}

/// A process killed inside `write_atomic` leaves `.labforge-tmp-*` beside the file.
fn remove_stray_temp_files(path: &Path) -> Result<()> {
    let Some(dir) = path.parent().filter(|d| d.is_dir()) else {
        return Ok(());
    };
    for p in fsx::read_dir_sorted(dir)? {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".labforge-tmp-"))
        {
            fsx::remove_file(&p)?;
        }
    }
    Ok(())
}

pub fn set_mode(path: &Path, executable: bool) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set the permissions of", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = (path, executable);
    Ok(())
}

fn make_symlink(target: &str, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, path)
            .map_err(|e| Error::io("create the symlink", path, e))
    }
    #[cfg(not(unix))]
    {
        let _ = target;
        Err(Error::new(format!(
            "cannot create the symlink `{}` on this system",
            path.display()
        ))
        .with_help("update on a Unix system"))
    }
}

/// Stores `bytes` in the object store, like `state::put_object`, but
/// crash-safe: an object a killed process left half-written is detected by
/// its digest and rewritten, and the write goes through a temporary file.
/// Every object a journal step refers to is stored this way.
pub fn ensure_object(root: &Path, bytes: &[u8]) -> Result<String> {
    let digest = crate::template::digest_bytes(bytes);
    if !state::has_object(root, &digest) {
        write_object(&state::object_path(root, &digest), bytes)?;
    }
    Ok(digest)
}

/// Temporary file + rename, without `write_atomic`'s fsync: a killed process
/// cannot leave a torn object, and `ensure_object` checks digests anyway
/// (one fsync per object made a 1,000-file update several times slower).
fn write_object(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().expect("objects have a folder");
    fsx::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".labforge-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io("write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// Test hook: `LABFORGE_UPDATE_CRASH_AFTER=N` kills the process with SIGKILL
/// at the N-th durable write of an update (0 = right after the backup), so
/// tests can prove that every interruption is recoverable.
pub fn crash_point() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let Some(limit) = std::env::var("LABFORGE_UPDATE_CRASH_AFTER")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if COUNT.fetch_add(1, Ordering::SeqCst) == limit {
        #[cfg(unix)]
        let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_idempotent_and_deletes_prune_empty_folders() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let obj = state::put_object(root, b"new\n").unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/old.txt"), "old\n").unwrap();
        let steps = [
            Step::write("x/y.sh", obj, true),
            Step::delete("a/b/old.txt"),
        ];
        for _ in 0..2 {
            for s in &steps {
                apply(root, s).unwrap();
            }
        }
        assert_eq!(std::fs::read(root.join("x/y.sh")).unwrap(), b"new\n");
        assert!(fsx::is_executable(
            &std::fs::metadata(root.join("x/y.sh")).unwrap()
        ));
        assert!(
            !root.join("a").exists(),
            "empty folders left by a delete are removed"
        );
    }

    #[test]
    fn recover_finishes_a_journal_and_removes_stray_temp_files() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let obj = state::put_object(root, b"after\n").unwrap();
        std::fs::write(root.join("f.txt"), "before\n").unwrap();
        std::fs::write(root.join(".labforge-tmp-abc"), "half").unwrap();
        let j = Journal {
            kind: "update".into(),
            backup: "b".into(),
            steps: vec![Step::write("f.txt", obj, false)],
        };
        fsx::write_atomic(&root.join(JOURNAL_FILE), toml::to_string(&j).unwrap()).unwrap();
        assert_eq!(recover(root).unwrap(), Some(j));
        assert_eq!(
            std::fs::read_to_string(root.join("f.txt")).unwrap(),
            "after\n"
        );
        assert!(!root.join(".labforge-tmp-abc").exists());
        assert!(pending(root).unwrap().is_none());
    }
}
