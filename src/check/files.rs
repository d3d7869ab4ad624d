//! Files of a generated lab as checks see them: globs (`{src}/pagination.*`,
//! with the one meaning of [`crate::glob`]) matched against the lab folder,
//! skipping tool caches, labforge's own folder and what the lab's
//! `.gitignore` ignores (the `ignore` crate, as ripgrep does); `--watch`
//! skips the same changes.

use std::path::Path;

use crate::error::Result;
use crate::glob::{self, is_glob};

/// Folders never searched by globs.
pub(crate) const SKIPPED_DIRS: &[&str] = &[
    ".labforge",
    ".git",
    "target",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    "node_modules",
    ".mypy_cache",
    ".ruff_cache",
];

/// The files under `root` matching `pattern` (a path relative to `root`),
/// as sorted `/`-separated relative paths. A plain path is returned when the
/// file exists.
pub(crate) fn glob(root: &Path, pattern: &str) -> Result<Vec<String>> {
    if !is_glob(pattern) {
        return Ok(if root.join(pattern).is_file() {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        });
    }
    let m = glob::matcher(pattern)?;
    let mut out = Vec::new();
    for entry in walk(root).flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if m.is_match(&rel) {
            out.push(rel);
        }
    }
    Ok(out)
}

/// Walks the lab in name order, skipping [`SKIPPED_DIRS`] and whatever the
/// lab's own `.gitignore` files ignore (with or without a git repository;
/// the user's global excludes are not read, so checks give the same answer
/// on every machine).
fn walk(root: &Path) -> ignore::Walk {
    let mut b = ignore::WalkBuilder::new(root);
    b.standard_filters(false)
        .git_ignore(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        });
    b.build()
}

/// True when a change at `path` (under `root`) is one globs would see: not
/// in a skipped folder, not ignored by the lab's `.gitignore` (`--watch`).
pub(crate) fn is_watched(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    if rel
        .components()
        .any(|c| SKIPPED_DIRS.iter().any(|d| c.as_os_str() == *d))
    {
        return false;
    }
    let (gitignore, _) = ignore::gitignore::Gitignore::new(root.join(".gitignore"));
    !gitignore
        .matched_path_or_any_parents(rel, path.is_dir())
        .is_ignore()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_skip_caches_and_sort() {
        let dir = tempfile::tempdir().unwrap();
        for p in [
            "src/b.py",
            "src/a.py",
            ".venv/lib/x.py",
            "src/__pycache__/a.py",
        ] {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        assert_eq!(
            glob(dir.path(), "**/*.py").unwrap(),
            vec!["src/a.py", "src/b.py"]
        );
        assert_eq!(glob(dir.path(), "src/a.py").unwrap(), vec!["src/a.py"]);
        assert!(glob(dir.path(), "src/c.py").unwrap().is_empty());
        std::fs::write(dir.path().join(".gitignore"), "src/b.py\nbuild/\n").unwrap();
        assert_eq!(glob(dir.path(), "**/*.py").unwrap(), vec!["src/a.py"]);
        assert!(!is_watched(dir.path(), &dir.path().join("src/b.py")));
        assert!(!is_watched(dir.path(), &dir.path().join("build/out/x.py")));
        assert!(!is_watched(dir.path(), &dir.path().join(".venv/lib/x.py")));
        assert!(is_watched(dir.path(), &dir.path().join("src/a.py")));
    }
}
