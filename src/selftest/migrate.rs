//! `labforge template migrate`: converts a lab template to schema 2
//! (solutions as deltas).
//!
//! The project after exercise NN is the fold of solutions 01..NN (per track:
//! `common/`, then `<track>/`, for each exercise in order; later wins). A v1
//! lab's copies fold to the same trees, so migration keeps in each solution
//! layer only the files that change what the fold gives, per track, and sets
//! `schema = 2`. Every folder after exercise NN is unchanged for every track,
//! so `template test` reports the same. Wrong solutions written as overlay
//! copies become patches ([`crate::selftest::topatch`]); anything else in a
//! solution folder (`deleted.toml`, notes) is left alone. Running it again
//! changes nothing unless a delta repeats what an earlier one laid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::MANIFEST;
use crate::template::{Entry, Lab, TemplateTree};

/// What migration keeps and drops.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Per solution folder (in exercise order): files kept, template keys dropped.
    pub(crate) folders: Vec<(String, usize, Vec<String>)>,
    /// The new lab.toml text, when `schema` changes.
    pub(crate) manifest: Option<String>,
    /// Overlay mutants written as patches, and those kept as overlays.
    pub(crate) mutants: crate::selftest::topatch::Plan,
}

impl Plan {
    pub(crate) fn dropped(&self) -> impl Iterator<Item = &String> {
        self.folders.iter().flat_map(|(_, _, d)| d)
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.manifest.is_none()
            && self.dropped().next().is_none()
            && self.mutants.converted.is_empty()
    }
    /// Every template key migration removes: solution copies, and overlay
    /// copies of mutants now written as patches.
    fn removed(&self) -> impl Iterator<Item = &String> {
        self.dropped()
            .chain(self.mutants.converted.iter().flat_map(|c| &c.removed))
    }
}

/// A file as a layer holds it: `.hbs` or not, and its entry. Two layers'
/// `x` and `x.hbs` land on the same project path, so the fold is keyed by
/// the path without `.hbs`.
type Laid = (bool, Entry);

fn norm(rel: &str) -> (String, bool) {
    match rel.strip_suffix(".hbs") {
        Some(base) => (base.to_string(), true),
        None => (rel.to_string(), false),
    }
}

fn layer(tree: &TemplateTree, prefix: &str) -> BTreeMap<String, (String, Laid)> {
    tree.subtree(prefix)
        .entries
        .into_iter()
        .map(|(rel, entry)| {
            let (key, hbs) = norm(&rel);
            (key, (rel, (hbs, entry)))
        })
        .collect()
}

/// Computes which solution files are copies of what the fold already holds.
pub(crate) fn plan(lab: &Lab) -> Result<Plan> {
    let m = &lab.manifest;
    let tracks = m.tracks_or_none();
    // The fold so far, per track.
    let mut fold: Vec<BTreeMap<String, Laid>> = vec![BTreeMap::new(); tracks.len()];
    let mut out = Plan::default();
    for ex in m.exercises() {
        let Some(sol) = ex.solution.as_ref().map(|s| s.trim_end_matches('/')) else {
            continue;
        };
        let mut kept = 0;
        let mut dropped = Vec::new();
        let common = layer(&lab.tree, &format!("{sol}/common"));
        let own: Vec<BTreeMap<String, (String, Laid)>> = tracks
            .iter()
            .map(|t| {
                t.as_ref()
                    .map(|t| layer(&lab.tree, &format!("{sol}/{t}")))
                    .unwrap_or_default()
            })
            .collect();
        let mut kept_common = Vec::new();
        for (key, (rel, laid)) in &common {
            // Needed when some track does not shadow it and does not hold it yet.
            let needed = (0..tracks.len())
                .any(|i| !own[i].contains_key(key) && fold[i].get(key) != Some(laid));
            if needed {
                kept += 1;
                kept_common.push((key, laid));
            } else {
                dropped.push(format!("{sol}/common/{rel}"));
            }
        }
        for (i, track) in tracks.iter().enumerate() {
            for (key, laid) in &kept_common {
                fold[i].insert((*key).clone(), (*laid).clone());
            }
            for (key, (rel, laid)) in &own[i] {
                if fold[i].get(key) == Some(laid) {
                    dropped.push(format!(
                        "{sol}/{}/{rel}",
                        track.as_deref().expect("only tracks have own layers")
                    ));
                } else {
                    kept += 1;
                    fold[i].insert(key.clone(), laid.clone());
                }
            }
            for path in crate::solution::deleted_paths(lab, ex, track.as_deref())? {
                fold[i].remove(&path);
            }
        }
        dropped.sort();
        out.folders.push((sol.to_string(), kept, dropped));
    }
    let text = lab
        .tree
        .get(MANIFEST)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    if m.schema < 2 {
        let re = regex::Regex::new(r"(?m)^(\s*schema\s*=\s*)1\b").expect("valid regex");
        if !re.is_match(&text) {
            return Err(Error::new("could not find the `schema = 1` line to change")
                .in_file(&lab.manifest_path)
                .with_help("write `schema = 1` on a line of its own, then run migrate again"));
        }
        out.manifest = Some(re.replace(&text, "${1}2").into_owned());
    }
    out.mutants = crate::selftest::topatch::plan(lab)?;
    Ok(out)
}

/// Migrates the lab folder `dir` in place, or into `out` (a new or empty
/// folder, written in a staging folder beside it and then renamed). The
/// result is loaded again before anything is written, so a failure leaves
/// `dir` as it was.
pub(crate) fn migrate(dir: &Path, out: Option<&Path>) -> Result<Plan> {
    let lab = Lab::local(dir)?;
    let plan = plan(&lab)?;
    let mut tree = lab.tree.clone();
    for key in plan.removed() {
        tree.entries.remove(key);
    }
    for c in &plan.mutants.converted {
        tree.entries.insert(
            c.patch_key(),
            Entry::File {
                bytes: c.patch.clone().into_bytes().into(),
                executable: false,
            },
        );
    }
    if let Some(text) = &plan.manifest {
        tree.entries.insert(
            MANIFEST.into(),
            Entry::File {
                bytes: text.clone().into_bytes().into(),
                executable: false,
            },
        );
    }
    // The migrated lab must load (schema 2, valid deleted.toml files).
    Lab::from_tree(tree.clone(), lab.origin.clone(), lab.manifest_path.clone())?;
    match out {
        Some(out) => write_copy(&tree, out)?,
        None => apply_in_place(dir, &plan)?,
    }
    Ok(plan)
}

fn write_copy(tree: &TemplateTree, out: &Path) -> Result<()> {
    if !fsx::is_absent_or_empty_dir(out)? {
        return Err(Error::new(format!(
            "`{}` already exists and is not empty",
            out.display()
        ))
        .with_help("choose a new folder for --out, or migrate in place without --out"));
    }
    let abs = std::path::absolute(out).map_err(|e| Error::io("resolve", out, e))?;
    let parent = abs.parent().unwrap_or(Path::new("."));
    fsx::create_dir_all(parent)?;
    let stage = tempfile::Builder::new()
        .prefix(".labforge-migrate-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a temporary folder in", parent, e))?;
    crate::scaffold::write_entries(stage.path(), &tree.entries)?;
    if abs.exists() {
        fsx::remove_dir_all(&abs)?;
    }
    fsx::rename(&stage.keep(), &abs)
}

fn apply_in_place(dir: &Path, plan: &Plan) -> Result<()> {
    // The patches first: a cut-short run leaves a mutant with both forms,
    // which lint names, never one with neither.
    for c in &plan.mutants.converted {
        fsx::write_atomic(&dir.join(c.patch_key()), &c.patch)?;
    }
    for key in plan.removed() {
        let path = dir.join(key);
        fsx::remove_file(&path)?;
        prune_empty_parents(dir, key);
    }
    if let Some(text) = &plan.manifest {
        fsx::write_atomic(&dir.join(MANIFEST), text)?;
    }
    Ok(())
}

/// Removes folders left empty by migration, up to and including the layer
/// folder (`solutions/NN-x/common`), never the solution folder itself.
fn prune_empty_parents(dir: &Path, key: &str) {
    let parts: Vec<&str> = key.split('/').collect();
    // solutions/NN-x/<layer>/... : keep the first two components.
    let keep = key
        .match_indices('/')
        .nth(1)
        .map(|(i, _)| &key[..i])
        .unwrap_or("");
    let mut cur: PathBuf = dir.join(key);
    for _ in 1..parts.len() {
        cur.pop();
        if cur == dir.join(keep) || cur == dir {
            break;
        }
        if std::fs::remove_dir(&cur).is_err() {
            break; // not empty
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Origin;

    fn file(s: &str) -> Entry {
        Entry::File {
            bytes: s.as_bytes().to_vec().into(),
            executable: false,
        }
    }

    fn lab(files: &[(&str, &str)]) -> Lab {
        let mut tree = TemplateTree::default();
        for (k, v) in files {
            tree.entries.insert(k.to_string(), file(v));
        }
        Lab::from_tree(tree, Origin::Local(".".into()), "lab.toml".into()).unwrap()
    }

    const TOML: &str = r#"schema = 1
[lab]
id = "x"
title = "X"
version = "1.0.0"
tracks = ["a", "b"]
[track.a]
[track.b]
[[exercise]]
id = "01-one"
title = "One"
solution = "solutions/01-one"
[[exercise]]
id = "02-two"
title = "Two"
solution = "solutions/02-two"
"#;

    #[test]
    fn keeps_only_what_changes_the_fold_for_some_track() {
        let lab = lab(&[
            ("lab.toml", TOML),
            ("solutions/01-one/common/x", "1"),
            ("solutions/01-one/a/y", "a1"),
            ("solutions/01-one/b/y", "b1"),
            // copies of 01
            ("solutions/02-two/common/x", "1"),
            ("solutions/02-two/a/y", "a1"),
            // changed for b only
            ("solutions/02-two/b/y", "b2"),
            // a common file both tracks shadow: never seen, so dropped
            ("solutions/02-two/common/y", "a1"),
            // wrong solutions are not layers: never touched
            ("solutions/02-two/mutants/m/common/x", "1"),
            ("solutions/02-two/mutants/m/mutant.toml", ""),
        ]);
        let p = plan(&lab).unwrap();
        assert_eq!(
            p.folders,
            vec![
                ("solutions/01-one".to_string(), 3, vec![]),
                (
                    "solutions/02-two".to_string(),
                    1,
                    vec![
                        "solutions/02-two/a/y".to_string(),
                        "solutions/02-two/common/x".to_string(),
                        "solutions/02-two/common/y".to_string(),
                    ]
                ),
            ]
        );
        assert!(p.manifest.unwrap().starts_with("schema = 2\n"));
    }
}
