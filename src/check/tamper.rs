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
        .filter(|(path, rec)| match std::fs::read(root.join(path)) {
            Ok(bytes) => digest_bytes(&bytes) != rec.base,
            Err(_) => true,
        })
        .map(|(p, _)| p.clone())
        .collect()
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
