//! Files of a generated lab as checks see them: globs (`{src}/pagination.*`,
//! with the one meaning of [`crate::glob`]) matched against the lab folder,
//! skipping tool caches and labforge's own folder.

use std::path::Path;

use crate::error::Result;
use crate::glob::{self, is_glob};

/// Folders never searched by globs.
pub const SKIPPED_DIRS: &[&str] = &[
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
pub fn glob(root: &Path, pattern: &str) -> Result<Vec<String>> {
    if !is_glob(pattern) {
        return Ok(if root.join(pattern).is_file() {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        });
    }
    let m = glob::matcher(pattern)?;
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        });
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
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
    }
}
