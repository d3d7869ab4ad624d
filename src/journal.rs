//! The one journal, `.labforge/journal.toml`: the list of file writes and
//! deletions an operation on the learner's files (`update`, `reset`,
//! `restore`, `undo`) is about to make, written after its backup (see
//! [`crate::backup`]) and before the first change, and removed after the
//! last. Every step is idempotent and its new content is already stored
//! (the pristine copies in the lab's committed `.labforge/objects`, every
//! other content, such as the learner's saved files and a merged update, in
//! the ignored [`STAGED_DIR`]), so an operation killed at any point is
//! finished by the next command that writes the lab ([`recover`]), or rolled
//! back from its backup by `labforge undo`. A journal left by an earlier labforge
//! under its old name (`.labforge/update-journal.toml`) is read the same way.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsx;
use crate::state;

pub const JOURNAL_FILE: &str = ".labforge/journal.toml";
/// Where labforge 0.1 kept the (update-only) journal; still finished.
pub(crate) const LEGACY_JOURNAL_FILE: &str = ".labforge/update-journal.toml";
/// The object store of the backups and journals: every content a backup
/// saves or a journal step writes that is not a pristine copy of the
/// template (the learner's files, a merged update, the next `state.toml`).
/// It lives in the ignored backup folder, so the lab's committed store
/// (`.labforge/objects/`, shared with `update`'s merge bases and read by
/// `cohort grade`) only ever holds the template's objects and `git status`
/// stays quiet. Content addressed like the committed store.
pub(crate) const STAGED_DIR: &str = ".labforge/backups/objects";

/// The journal on disk: the current name, else the legacy one if present.
fn file(root: &Path) -> std::path::PathBuf {
    let legacy = root.join(LEGACY_JOURNAL_FILE);
    let current = root.join(JOURNAL_FILE);
    if !current.exists() && legacy.is_file() {
        legacy
    } else {
        current
    }
}

/// One idempotent change to the lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub(crate) path: String,
    /// `write`, `link` or `delete`.
    pub(crate) op: String,
    /// `write`: the object holding the new bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) object: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) executable: bool,
    /// `link`: the symlink target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
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
    /// The operation: `update`, `reset`, `restore` or `undo`.
    pub kind: String,
    /// The backup folder name under `.labforge/backups/` holding the files as
    /// they were before (for `undo`: the backup being put back).
    pub backup: String,
    pub steps: Vec<Step>,
}

/// Writes the journal, applies every step, then removes the journal.
/// Every step is checked first (the path gate, and no symlink among the
/// folders of its path), so a refused step writes nothing at all.
pub(crate) fn run(root: &Path, journal: &Journal) -> Result<()> {
    check_steps(&journal.steps)?;
    for step in &journal.steps {
        crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
    }
    let text = toml::to_string_pretty(journal)
        .map_err(|e| Error::new(format!("could not encode the journal: {e}")))?;
    // An interrupted journal under the old name is replaced (by an undo's)
    // through two renames, so one or the other is pending at any moment.
    adopt_legacy(root)?;
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
        crate::backup::drop_added_objects(root, &journal.backup)?;
        crate::backup::mark_undone(root, &journal.backup)?;
        crash_point();
    }
    fsx::remove_file(&file(root))?;
    crash_point();
    Ok(())
}

/// Reads a journal left by an interrupted operation, if any.
pub fn pending(root: &Path) -> Result<Option<Journal>> {
    let path = file(root);
    if !path.is_file() {
        return Ok(None);
    }
    let text = fsx::read_to_string(&path)?;
    let journal: Journal = toml::from_str(&text).map_err(|e| {
        Error::new(format!("the journal is damaged: {}", e.message().trim_end()))
            .in_file(&path)
            .with_help("restore the files from the newest folder in .labforge/backups/ by hand, then delete the journal")
    })?;
    if !["update", "reset", "restore", "undo"].contains(&journal.kind.as_str()) {
        return Err(Error::new(format!(
            "the journal is for an unknown operation `{}`",
            crate::pathgate::shown(&journal.kind)
        ))
        .in_file(&path)
        .with_help("nothing was replayed; delete the journal, restore the lab from git if files look wrong, then run the command again"));
    }
    check_steps(&journal.steps).map_err(|e| e.in_file(&path))?;
    // The backup it names is a folder of `.labforge/backups/`, never a path.
    if journal.backup.contains(['/', '\\'])
        || crate::pathgate::component_problem(&journal.backup).is_some()
        || std::fs::symlink_metadata(crate::backup::dir(root, &journal.backup))
            .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(Error::new(format!(
            "the journal names the backup `{}`, which is not a backup folder's name",
            crate::pathgate::shown(&journal.backup)
        ))
        .in_file(&path)
        .with_help("nothing was replayed; delete the journal, restore the lab from git if files look wrong, then run the command again"));
    }
    Ok(Some(journal))
}

/// Every step goes through the one path gate before anything is replayed:
/// a journal is a file in the lab, so it may have been planted.
pub(crate) fn check_steps(steps: &[Step]) -> Result<()> {
    for step in steps {
        let refuse = |why: String| {
            Error::new(format!(
                "the journal has a step for `{}`, which is unsafe: {why}",
                crate::pathgate::shown(&step.path)
            ))
            .with_help("nothing was replayed; delete the journal, restore the lab from git if files look wrong, then run the command again")
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
        let complete = match step.op.as_str() {
            "write" => step.object.is_some(),
            "link" => step.target.is_some(),
            "delete" => true,
            _ => false,
        };
        if !complete {
            return Err(refuse(format!(
                "its operation `{}` is not `write` with an object, `link` with a target, or `delete`",
                crate::pathgate::shown(&step.op)
            )));
        }
        if let Some(target) = &step.target
            && let Some(why) = crate::pathgate::link_target_problem(&step.path, target)
        {
            return Err(refuse(why));
        }
        if step.path == crate::pathgate::STATE_FILE && step.op != "write" {
            return Err(refuse("the state may only be rewritten".into()));
        }
    }
    Ok(())
}

/// Moves a journal an earlier labforge left under the old name to the one
/// name, so that a new journal written over it (by `undo`) replaces it in
/// one rename instead of leaving the old one to be replayed later.
fn adopt_legacy(root: &Path) -> Result<()> {
    let legacy = root.join(LEGACY_JOURNAL_FILE);
    let current = root.join(JOURNAL_FILE);
    if legacy.is_file() && !current.exists() {
        fsx::rename(&legacy, &current)?;
    }
    Ok(())
}

/// Finishes an interrupted operation; returns the journal it finished.
pub(crate) fn recover(root: &Path) -> Result<Option<Journal>> {
    let Some(journal) = pending(root)? else {
        return Ok(None);
    };
    // The gate before anything is touched, even the journal's own name.
    for step in &journal.steps {
        crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
    }
    verify_objects(root, &journal.steps)?;
    adopt_legacy(root)?;
    remove_strays(root, &journal)?;
    finish(root, &journal)?;
    Ok(Some(journal))
}

/// Finishes an operation a killed labforge left half-done (before a command
/// reads or writes the lab), and says so on stderr.
pub(crate) fn recover_and_say(root: &Path) -> Result<()> {
    if let Some(j) = recover(root)? {
        crate::backup::clean_partial(root)?;
        clean_temp(root)?;
        crate::eoutln!("{}", finished_note(&j));
    }
    Ok(())
}

/// The note after finishing an interrupted operation from its journal.
pub(crate) fn finished_note(j: &Journal) -> String {
    if j.kind == "undo" {
        format!(
            "note: finished the interrupted `labforge undo` of {}",
            crate::backup::shown(&j.backup)
        )
    } else {
        format!(
            "note: finished the interrupted `labforge {}` (its backup: {}; `labforge undo` takes it back)",
            j.kind,
            crate::backup::shown(&j.backup)
        )
    }
}

/// Removes the `.labforge-tmp-*` files a process killed inside
/// `write_atomic` left beside the journal's paths.
pub(crate) fn remove_strays(root: &Path, journal: &Journal) -> Result<()> {
    for step in &journal.steps {
        // Only folders reached without a link: a planted link must not
        // make labforge delete files elsewhere.
        let path = crate::pathgate::resolve(root, &step.path, crate::pathgate::Last::MayBeLink)?;
        remove_stray_temp_files(&path)?;
    }
    Ok(())
}

/// Removes the temporary files a killed operation left in `.labforge/` (the
/// journal's and the state's) and in the object store.
pub(crate) fn clean_temp(root: &Path) -> Result<()> {
    for dir in [
        root.join(crate::state::STATE_DIR),
        root.join(crate::state::OBJECTS_DIR),
        root.join(STAGED_DIR),
    ] {
        remove_stray_temp_files(&dir.join("x"))?;
    }
    Ok(())
}

/// Removes a journal without applying it (after its backup was restored).
pub(crate) fn discard(root: &Path) -> Result<()> {
    let path = file(root);
    if path.exists() {
        fsx::remove_file(&path)?;
    }
    Ok(())
}

/// Applies one step; applying it twice is the same as once.
pub(crate) fn apply(root: &Path, step: &Step) -> Result<()> {
    use crate::pathgate::{Last, prepare_write, resolve};
    // Never through a link: folders are created one at a time and a link in
    // the way is an error; the last component, if a link, is replaced.
    let path = match step.op.as_str() {
        "write" | "link" => prepare_write(root, &step.path)?,
        _ => resolve(root, &step.path, Last::MayBeLink)?,
    };
    let bad = || {
        Error::new(format!(
            "the journal step for `{}` is incomplete",
            step.path
        ))
        .with_help("report this as a labforge bug")
    };
    match step.op.as_str() {
        "write" => {
            let bytes = read_object(root, step.object.as_deref().ok_or_else(bad)?)?;
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
        other => Err(Error::new(format!("unknown step `{other}` in the journal"))
            .with_help("finish the operation with the labforge that started it")),
    }
}

fn remove_if_link(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fsx::remove_file(path),
        _ => Ok(()),
    }
}

/// Removes the file or link at `path`. A folder is never removed with what
/// it holds (no backup saves a folder): only an empty one goes.
fn remove_any(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir(path).map_err(|e| {
            Error::new(format!("could not remove the folder `{}`: {e}", path.display()))
                .with_help("labforge only replaces files and links; move the folder away, then run the command again (the journal finishes it)")
        }),
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

pub(crate) fn set_mode(path: &Path, executable: bool) -> Result<()> {
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
        .with_help("run labforge on a Unix system"))
    }
}

/// Stores `bytes` in the backups' object store ([`STAGED_DIR`], ignored by
/// git), crash-safe: an object a killed process left half-written is
/// detected by its digest and rewritten, and the write goes through a
/// temporary file. Every object a backup saves and every new content a
/// journal step writes is stored this way; [`read_object`] reads it back.
pub(crate) fn ensure_object(root: &Path, bytes: &[u8]) -> Result<String> {
    let digest = crate::template::digest_bytes(bytes);
    let path = staged_path(root, &digest);
    let intact = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
        && std::fs::read(&path).is_ok_and(|b| crate::template::digest_bytes(&b) == digest);
    if !intact {
        write_object(&path, bytes, true)?;
    }
    Ok(digest)
}

/// Stores a pristine object of the template in the lab's committed store
/// (`.labforge/objects/`), crash-safe like [`ensure_object`]: `update`'s new
/// base. Returns the digest and whether the object is new to the lab.
pub fn ensure_base_object(root: &Path, bytes: &[u8]) -> Result<(String, bool)> {
    let digest = crate::template::digest_bytes(bytes);
    let added = !state::has_object(root, &digest);
    if added {
        write_object(&state::object_path(root, &digest), bytes, false)?;
    }
    Ok((digest, added))
}

/// `.labforge/backups/objects/HEX` for `sha256:HEX`.
pub fn staged_path(root: &Path, digest: &str) -> std::path::PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    root.join(STAGED_DIR).join(hex)
}

/// Reads every object the `write` steps name, checking each against its
/// digest, before the first step is applied: a planted or damaged object
/// refuses the whole operation with nothing written.
pub fn verify_objects(root: &Path, steps: &[Step]) -> Result<()> {
    for step in steps {
        if let Some(obj) = step.object.as_deref().filter(|_| step.op == "write") {
            read_object(root, obj)?;
        }
    }
    Ok(())
}

/// The bytes a journal step writes: from the backups' store, else from the
/// lab's committed store (a pristine copy, or a backup written by an earlier
/// labforge, which kept saved files there). The name must be a digest, a
/// link is never followed, and the bytes must match their name: a planted
/// or damaged object is refused, naming its file.
pub fn read_object(root: &Path, digest: &str) -> Result<Vec<u8>> {
    if !state::is_digest(digest) {
        return state::get_object(root, digest);
    }
    let staged = staged_path(root, digest);
    let (bytes, from) = match std::fs::symlink_metadata(&staged) {
        Ok(m) if m.file_type().is_symlink() || !m.is_file() => {
            return Err(Error::new(format!(
                "the saved copy `{}` is not a plain file",
                digest.trim_start_matches("sha256:")
            ))
            .in_file(&staged)
            .with_help("labforge never follows a link in its own folders; remove it (the backup's files/ folder holds a readable copy), then run the command again"));
        }
        Ok(_) => (fsx::read(&staged)?, staged),
        Err(_) => (
            state::get_object(root, digest)?,
            state::object_path(root, digest),
        ),
    };
    if crate::template::digest_bytes(&bytes) != digest {
        return Err(Error::new(format!(
            "the saved copy `{}` does not match its name (damaged or planted)",
            digest.trim_start_matches("sha256:")
        ))
        .in_file(&from)
        .with_help("nothing was written from it; restore the file from the backup's files/ folder (or from git) by hand, then remove the backup's folder"));
    }
    Ok(bytes)
}

/// Temporary file + rename, without `write_atomic`'s fsync: a killed process
/// cannot leave a torn object, and `ensure_object` and `read_object` check
/// digests anyway
/// (one fsync per object made a 1,000-file update several times slower).
/// Writes an object through a temporary file renamed into place; `sync`
/// for the backups' store (a learner's saved bytes), not for the lab's
/// store of pristine template files, which the template can give again.
fn write_object(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().expect("objects have a folder");
    fsx::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".labforge-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    // Synced before any journal names it: after a power loss, the saved
    // copy of a learner's file must not be empty while the file is replaced.
    tmp.write_all(bytes)
        .and_then(|()| {
            if sync {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(|e| Error::io("write", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// Test hook: `LABFORGE_CRASH_AFTER=N` kills the process with SIGKILL at the
/// N-th durable write of a journaled operation (0 = right after the backup),
/// so tests can prove that every interruption is recoverable.
pub(crate) fn crash_point() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let Some(limit) = std::env::var("LABFORGE_CRASH_AFTER")
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
