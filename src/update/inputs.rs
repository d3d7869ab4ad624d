//! Gathers the three sides of an update: the base (pristine render of the
//! learner's version, from `.labforge/objects`), the learner's files on disk,
//! and the answers and renames that shape the new render.

use std::collections::BTreeMap;
use std::path::Path;

use crate::answers::{Given, Mode};
use crate::error::Result;
use crate::fsx;
use crate::manifest::expand_vars;
use crate::state::{self, State};
use crate::template::{Entry, Lab};

use super::plan::Base;
use crate::version;

/// Loads every recorded file's pristine content from the object store.
pub(crate) fn load_base(root: &Path, st: &State) -> Result<BTreeMap<String, Base>> {
    let mut out = BTreeMap::new();
    for (path, rec) in &st.files {
        out.insert(
            path.clone(),
            Base {
                owner: rec.owner,
                entry: state::base_entry(root, rec)?,
            },
        );
    }
    Ok(out)
}

/// Reads the learner's file or symlink at each path (folders and missing
/// paths are left out).
pub(crate) fn read_ours<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<BTreeMap<String, Entry>> {
    let mut out = BTreeMap::new();
    for path in paths {
        if out.contains_key(path) {
            continue;
        }
        // A link among the folders is an error (a new version must never
        // read or write through a learner's link); a link itself is read
        // as a link.
        let full = crate::pathgate::resolve(root, path, crate::pathgate::Last::MayBeLink)?;
        match std::fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fsx::read_link(&full)?.to_string_lossy().into_owned();
                out.insert(path.clone(), Entry::Symlink(target));
            }
            Ok(m) if m.is_file() => {
                let bytes = fsx::read(&full)?;
                out.insert(
                    path.clone(),
                    Entry::File {
                        bytes: bytes.into(),
                        executable: fsx::is_executable(&m),
                    },
                );
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Old path → new path for every base path moved by the `[[migration]]`
/// renames of versions in (`from`, `to`], applied in version order. Every
/// rename goes through the path gate again once track vars are expanded.
pub(crate) fn renames<'a>(
    lab: &Lab,
    track: Option<&str>,
    from: &str,
    to: &str,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<BTreeMap<String, String>> {
    let mut migs: Vec<_> = lab
        .manifest
        .migration
        .iter()
        .map(|m| m.get_ref())
        .filter(|m| version::in_range(&m.version, from, to))
        .collect();
    migs.sort_by(|a, b| version::compare(&a.version, &b.version));
    // Paths may use the track's vars (`{src}/old.py`), like exercise globs.
    let vars = lab.manifest.track_vars(track);
    let steps: Vec<BTreeMap<String, String>> = migs
        .iter()
        .map(|m| {
            m.rename
                .iter()
                .map(|(a, b)| (expand_vars(a, &vars), expand_vars(b, &vars)))
                .collect()
        })
        .collect();
    for (m, step) in migs.iter().zip(&steps) {
        for (a, b) in step {
            for p in [a, b] {
                if let Some(why) = crate::pathgate::problem(p) {
                    return Err(crate::error::Error::new(format!(
                        "the `[[migration]]` of version {} renames `{}` to `{}`, and `{}` is unsafe: {why}",
                        m.version,
                        crate::pathgate::shown(a),
                        crate::pathgate::shown(b),
                        crate::pathgate::shown(p)
                    ))
                    .in_file(&lab.manifest_path)
                    .with_help("nothing was changed; the new version of the template is broken or hostile: ask its author to fix the rename (paths relative to the lab, no `..`)"));
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for p in paths {
        let mut at = p.clone();
        for step in &steps {
            if let Some(next) = step.get(&at) {
                at = next.clone();
            }
        }
        if &at != p {
            out.insert(p.clone(), at);
        }
    }
    Ok(out)
}

/// The answers for the new version: `--set NAME=VALUE` first, then the
/// recorded answers (those the new version still declares), then the
/// defaults of variables the new version added; validated like `new` does.
pub(crate) fn answers(
    recorded: &toml::Table,
    lab: &Lab,
    track: Option<&str>,
    set: &[String],
) -> Result<toml::Table> {
    let mut given = Given {
        track: track.map(str::to_string),
        ..Given::default()
    };
    given.add_sets(set)?;
    for (k, v) in recorded {
        if lab.manifest.variable.get(k).is_some() && !given.values.contains_key(k) {
            given.values.insert(k.clone(), v.clone());
            given
                .origin
                .insert(k.clone(), ".labforge/state.toml".into());
        }
    }
    Ok(crate::answers::resolve(lab, &given, Mode::Defaults)?.answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ours_skips_missing_paths_and_keeps_exec_bits() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.sh"), "#!/bin/sh\n").unwrap();
        crate::journal::set_mode(&d.path().join("a.sh"), true).unwrap();
        let paths = vec!["a.sh".to_string(), "missing".to_string()];
        let ours = read_ours(d.path(), &paths).unwrap();
        assert_eq!(ours.len(), 1);
        assert_eq!(
            ours["a.sh"],
            Entry::File {
                bytes: b"#!/bin/sh\n".to_vec().into(),
                executable: true
            }
        );
    }
}
