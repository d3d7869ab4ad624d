//! The git repository of a new lab (git2, no `git` executable needed): one
//! initial commit of everything `labforge new` wrote, honouring the lab's
//! `.gitignore`, so the learner's first `git diff` shows only their work.

use std::path::Path;

use git2::{IndexAddOption, Repository, Signature};

use crate::error::{Error, Result};

/// Who commits when git has no `user.name`/`user.email` configured.
pub const FALLBACK_AUTHOR: (&str, &str) = ("labforge", "labforge@localhost");

fn git_error(what: &str, root: &Path, e: git2::Error) -> Error {
    Error::new(format!(
        "could not {what} in `{}`: {}",
        root.display(),
        e.message()
    ))
    .with_help("use --no-git to skip the repository, and run `git init` yourself")
}

/// `git init` in `root`, add every file not ignored, and commit with
/// `message`. Returns the commit id.
pub fn init_and_commit(root: &Path, message: &str) -> Result<String> {
    let repo = Repository::init(root).map_err(|e| git_error("create a git repository", root, e))?;
    let mut index = repo
        .index()
        .map_err(|e| git_error("open the git index", root, e))?;
    index
        .add_all(["*"], IndexAddOption::DEFAULT, None)
        .map_err(|e| git_error("add the files to git", root, e))?;
    index
        .write()
        .map_err(|e| git_error("write the git index", root, e))?;
    let tree_id = index
        .write_tree()
        .map_err(|e| git_error("write the git tree", root, e))?;
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| git_error("read the git tree", root, e))?;
    let sig = repo
        .signature()
        .or_else(|_| Signature::now(FALLBACK_AUTHOR.0, FALLBACK_AUTHOR.1))
        .map_err(|e| git_error("make a git signature", root, e))?;
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &[])
        .map_err(|e| git_error("commit", root, e))?;
    Ok(oid.to_string())
}
