//! The tamper warning: template-owned files (tests, practice servers) whose
//! bytes differ from the pristine copy recorded in state, so a passing check
//! is not trusted blindly. `labforge restore tests` puts them back.

use std::path::Path;

use crate::error::{Error, Result};
use crate::manifest::Owner;
use crate::state::State;
use crate::template::digest_bytes;

/// Template-owned paths that were edited or removed, sorted.
pub(crate) fn edited_template_files(root: &Path, state: &State) -> Vec<String> {
    state
        .files
        .iter()
        .filter(|(_, rec)| rec.owner == Owner::Template && !rec.symlink)
        .filter(|(path, rec)| !intact(root, path, &rec.base))
        .map(|(p, _)| p.clone())
        .collect()
}

/// What `labforge restore WHAT` puts back: for `tests`, every edited
/// template-owned file; otherwise the one path WHAT names (relative to the
/// current folder), as a path relative to the lab `root`.
pub(crate) fn restore_targets(root: &Path, state: &State, what: &str) -> Result<Vec<String>> {
    if what == "tests" {
        return Ok(edited_template_files(root, state));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
    let full = std::path::absolute(cwd.join(what))
        .map_err(|e| Error::io("resolve", Path::new(what), e))?;
    let rel = full
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or(what.to_string());
    Ok(vec![rel])
}

/// True when `path` is still a regular file with the pristine bytes. A link
/// (here or among its folders) is never followed: it counts as an edit.
fn intact(root: &Path, path: &str, base: &str) -> bool {
    let Ok(full) = crate::pathgate::resolve(root, path, crate::pathgate::Last::NoLink) else {
        return false;
    };
    match std::fs::symlink_metadata(&full) {
        Ok(m) if m.is_file() => std::fs::read(&full).is_ok_and(|b| digest_bytes(&b) == base),
        _ => false,
    }
}

/// The warning text, or None when nothing was edited.
pub(crate) fn warning(root: &Path, state: &State) -> Option<String> {
    let edited = edited_template_files(root, state);
    if edited.is_empty() {
        return None;
    }
    let shown: Vec<String> = edited.iter().take(10).map(|p| format!("  {p}")).collect();
    let more = if edited.len() > 10 {
        format!("\n  … and {} more", edited.len() - 10)
    } else {
        String::new()
    };
    Some(format!(
        "warning: {} protected file{} of the lab changed, so the checks may not mean what they say:\n{}{more}\nhelp: run `labforge restore tests` to restore the pristine copies (yours are backed up first)\n",
        edited.len(),
        if edited.len() == 1 { "" } else { "s" },
        shown.join("\n")
    ))
}
