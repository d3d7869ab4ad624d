//! The tamper warning: template-owned files (tests, practice servers) whose
//! bytes differ from the pristine copy recorded in state, so a passing check
//! is not trusted blindly. `labforge restore tests` puts them back.

use std::path::Path;

use crate::manifest::Owner;
use crate::state::State;
use crate::template::digest_bytes;

/// Template-owned paths that were edited or removed, sorted.
pub fn edited_template_files(root: &Path, state: &State) -> Vec<String> {
    state
        .files
        .iter()
        .filter(|(_, rec)| rec.owner == Owner::Template && !rec.symlink)
        .filter(|(path, rec)| !intact(root, path, &rec.base))
        .map(|(p, _)| p.clone())
        .collect()
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
pub fn warning(root: &Path, state: &State) -> Option<String> {
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
