//! The `.gitignore` of a new lab: tool caches of the track, the track's own
//! lines, and labforge's local files (results, the one backup folder, the
//! journal, the lock, the ADR site).

use std::collections::{BTreeMap, HashSet};

use crate::template::{Entry, Lab};

/// Tool-cache lines for a track, by its name or by the files it ships.
fn gitignore_lines(
    lab: &Lab,
    track: Option<&str>,
    entries: &BTreeMap<String, Entry>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let has = |f: &str| entries.contains_key(f);
    if track == Some("python") || has("requirements.txt") || has("pyproject.toml") {
        lines.extend([".venv/", "__pycache__/", ".pytest_cache/", "*.pyc"].map(String::from));
    }
    if track == Some("rust") || has("Cargo.toml") {
        lines.push("target/".into());
    }
    if let Some(t) = track.and_then(|t| lab.manifest.track.get(t)) {
        lines.extend(t.gitignore.iter().cloned());
    }
    lines.extend(
        [
            ".labforge/results.json",
            ".labforge/backups/",
            ".labforge/journal.toml",
            ".labforge/lock",
            // what `labforge adr site` writes by default
            "/adr-site/",
        ]
        .map(String::from),
    );
    let mut seen = HashSet::new();
    lines.retain(|l| seen.insert(l.clone()));
    lines
}

/// Adds a `.gitignore` fitting the track, or appends the missing lines to
/// the one the template ships.
pub(crate) fn add_gitignore(lab: &Lab, track: Option<&str>, entries: &mut BTreeMap<String, Entry>) {
    let lines = gitignore_lines(lab, track, entries);
    match entries.get_mut(".gitignore") {
        Some(Entry::File { bytes, .. }) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let have: HashSet<&str> = text.lines().map(str::trim).collect();
            let missing: Vec<&String> = lines
                .iter()
                .filter(|l| !have.contains(l.as_str()))
                .collect();
            if !missing.is_empty() {
                let mut out = text.clone();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("# added by labforge\n");
                for l in missing {
                    out.push_str(l);
                    out.push('\n');
                }
                *bytes = out.into_bytes().into();
            }
        }
        Some(Entry::Symlink(_)) => {}
        None => {
            let mut out = String::new();
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            entries.insert(
                ".gitignore".into(),
                Entry::File {
                    bytes: out.into_bytes().into(),
                    executable: false,
                },
            );
        }
    }
}
