//! The git repository of a new lab (git2, no `git` executable needed): one
//! initial commit of everything `labforge new` wrote, honouring the lab's
//! `.gitignore`, so the learner's first `git diff` shows only their work.
//!
//! The commit is built from the bytes already in memory (no file is read
//! back), and its objects are written as one packfile: libgit2's
//! `add_all` plus loose objects cost tens of thousands of system calls for
//! a lab of a thousand files.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use git2::{IndexEntry, IndexTime, Odb, Oid, Repository, Signature};

use crate::error::{Error, Result};

/// Who commits when git has no `user.name`/`user.email` configured.
pub(crate) const FALLBACK_AUTHOR: (&str, &str) = ("labforge", "labforge@localhost");

/// One file of the first commit, as written into the working tree.
pub(crate) struct GitFile<'a> {
    /// `/`-separated path relative to the repository root.
    pub(crate) path: String,
    /// File contents, or a symlink's target.
    pub(crate) bytes: &'a [u8],
    pub(crate) executable: bool,
    pub(crate) symlink: bool,
}

fn git_error(what: &str, root: &Path, e: git2::Error) -> Error {
    Error::new(format!(
        "could not {what} in `{}`: {}",
        root.display(),
        e.message()
    ))
    .with_help("use --no-git to skip the repository, and run `git init` yourself")
}

/// `git init` in `root` (whose working tree already holds `files`), then
/// commit every file that `.gitignore` does not ignore, with `message`.
/// Returns the commit id.
pub(crate) fn init_and_commit(root: &Path, files: &[GitFile<'_>], message: &str) -> Result<String> {
    let err = |what: &'static str| move |e: git2::Error| git_error(what, root, e);
    let repo = Repository::init(root).map_err(err("create a git repository"))?;
    // Every object goes to memory first (an object database with only a
    // mempack backend: libgit2 rescans the pack folder after each write to
    // an on-disk database), then to disk as one packfile.
    let mem = Odb::new().map_err(err("open the object database"))?;
    let mempack = mem
        .add_new_mempack_backend(1)
        .map_err(err("open the object database"))?;
    repo.set_odb(&mem)
        .map_err(err("open the object database"))?;
    let mut index = repo.index().map_err(err("open the git index"))?;
    let mut blobs: HashMap<&[u8], Oid> = HashMap::new();
    for f in files {
        if repo
            .is_path_ignored(&f.path)
            .map_err(err("read .gitignore"))?
        {
            continue;
        }
        let id = match blobs.get(f.bytes) {
            Some(id) => *id,
            None => {
                let id = repo.blob(f.bytes).map_err(err("store a file in git"))?;
                blobs.insert(f.bytes, id);
                id
            }
        };
        let mode = match (f.symlink, f.executable) {
            (true, _) => 0o120000,
            (false, true) => 0o100755,
            (false, false) => 0o100644,
        };
        index
            .add(&index_entry(&f.path, id, mode, f.bytes.len()))
            .map_err(err("add a file to git"))?;
    }
    index.write().map_err(err("write the git index"))?;
    let tree_id = index.write_tree().map_err(err("write the git tree"))?;
    let tree = repo.find_tree(tree_id).map_err(err("read the git tree"))?;
    let sig = repo
        .signature()
        .or_else(|_| Signature::now(FALLBACK_AUTHOR.0, FALLBACK_AUTHOR.1))
        .map_err(err("make a git signature"))?;
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &[])
        .map_err(err("commit"))?;
    let mut pack = git2::Buf::new();
    mempack
        .dump(&repo, &mut pack)
        .map_err(err("pack the git objects"))?;
    // A fresh handle on the repository has the usual on-disk database.
    let reopened = Repository::open(root).map_err(err("open the git repository"))?;
    let disk = reopened.odb().map_err(err("open the object database"))?;
    let mut writer = disk.packwriter().map_err(err("write the git pack"))?;
    writer
        .write_all(&pack)
        .map_err(|e| Error::io("write the git pack in", root, e))?;
    writer.commit().map_err(err("write the git pack"))?;
    mempack.reset().map_err(err("pack the git objects"))?;
    Ok(oid.to_string())
}

/// An index entry without stat data: git re-reads such files once on the
/// first `git status` and finds them unchanged.
fn index_entry(path: &str, id: Oid, mode: u32, size: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(size).unwrap_or(u32::MAX),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}
