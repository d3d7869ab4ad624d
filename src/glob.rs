//! Globs: one builder, one meaning, wherever a lab names files (`edit`,
//! `[ownership]`, a check's `path`/`paths`, `db.build`), for every command
//! that reads them (`check`, `reset`, `update`, `template lint`).
//!
//! A glob is matched against a `/`-separated path relative to the project
//! root. `*`, `?` and `[…]` never cross `/`; `**` as a whole path component
//! matches any number of folders (`tests/**`, `**/conftest.py`,
//! `src/**/*.rs`); `{a,b}` is either; `\` escapes. A plain path (no glob
//! syntax) matches only itself. An invalid glob is an error naming it, never
//! a glob that silently matches nothing. The semantics are documented for
//! authors in docs/lab-format.md.

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::error::{Error, Result};

/// True for a pattern with glob syntax (anything but a plain path).
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

fn build(pattern: &str) -> Result<globset::Glob> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| {
            Error::new(format!("`{pattern}` is not a valid glob: {}", e.kind()))
                .with_help("fix the glob in lab.toml, for example \"src/*.py\" or \"tests/**\"")
        })
}

/// Checks that `pattern` is a valid glob.
pub(crate) fn check(pattern: &str) -> Result<()> {
    build(pattern).map(|_| ())
}

/// One compiled glob.
pub(crate) fn matcher(pattern: &str) -> Result<GlobMatcher> {
    build(pattern).map(|g| g.compile_matcher())
}

/// Several globs as one set (a path matches when any glob does).
pub(crate) fn set<'a>(patterns: impl IntoIterator<Item = &'a String>) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(build(p)?);
    }
    b.build()
        .map_err(|e| Error::new(format!("could not build the globs: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_stays_in_its_folder_and_double_star_goes_deep() {
        let m = |p: &str, path: &str| matcher(p).unwrap().is_match(path);
        assert!(m("src/*.py", "src/a.py"));
        assert!(!m("src/*.py", "src/pkg/a.py"));
        assert!(m("src/**/*.py", "src/a.py"));
        assert!(m("src/**/*.py", "src/pkg/deep/a.py"));
        assert!(m("tests/**", "tests/unit/test_a.py"));
        assert!(m("**/conftest.py", "conftest.py"));
        assert!(m("**/conftest.py", "a/b/conftest.py"));
        assert!(m("client/api.*", "client/api.py"));
        assert!(!m("client/api.*", "client/api.d/x.py"));
        assert!(m("{a,b}/x", "b/x"));
        assert!(m("README.md", "README.md"));
        assert!(!m("README.md", "docs/README.md"));
    }

    #[test]
    fn an_invalid_glob_is_an_error() {
        let e = matcher("src/[a.py").unwrap_err();
        assert_eq!(
            e.message,
            "`src/[a.py` is not a valid glob: unclosed character class; missing ']'"
        );
        assert!(set(&["ok/*".to_string(), "{".to_string()]).is_err());
    }
}
