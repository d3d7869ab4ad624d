//! `labforge template lint`: what a lab template must hold beyond a valid
//! lab.toml, found without running anything: `doc`, `edit` and `solution`
//! paths exist in the tree, every exercise has a check and a hint, every
//! `edit` file of the starter holds a placeholder marker, every `sql` check
//! that compares rows states its order, expected CSVs exist, every mutant
//! (wrong solution) is well formed, its patch applies to the reference
//! solution, each exercise has three per track, every ADR an exercise's
//! `adr` list names is read by an `adr` check of that exercise or a later
//! one, and every path a solution's `deleted.toml` names exists by then.

use serde::Serialize;

use crate::check::kinds::file::DEFAULT_MARKERS;
use crate::manifest::{CheckKind, Exercise, Manifest, expand_vars};
use crate::render::starter_layers;
use crate::template::Lab;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Finding {
    pub(crate) level: Level,
    /// The exercise it is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exercise: Option<String>,
    pub(crate) message: String,
}

impl Finding {
    pub(crate) fn render(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        match &self.exercise {
            Some(e) => format!("{level}: {e}: {}", self.message),
            None => format!("{level}: {}", self.message),
        }
    }
}

/// Track names to lint for (one `None` for a lab without tracks).
pub(crate) fn tracks(m: &Manifest) -> Vec<Option<String>> {
    m.tracks_or_none()
}

/// The starter's paths for `track` (layer prefix and `.hbs` removed), with
/// the template key each comes from.
fn starter_paths(lab: &Lab, track: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for layer in starter_layers(track) {
        let prefix = format!("{layer}/");
        for key in lab.tree.entries.keys() {
            if let Some(rest) = key.strip_prefix(&prefix) {
                out.push((
                    rest.strip_suffix(".hbs").unwrap_or(rest).to_string(),
                    key.clone(),
                ));
            }
        }
    }
    out
}

/// True when the template holds `path`, at the root or in a starter layer.
fn tree_has(lab: &Lab, path: &str, track: Option<&str>) -> bool {
    let t = &lab.tree.entries;
    t.contains_key(path)
        || t.contains_key(&format!("common/{path}"))
        || track.is_some_and(|tr| t.contains_key(&format!("track/{tr}/{path}")))
}

pub(crate) fn lint(lab: &Lab) -> Vec<Finding> {
    let m = &lab.manifest;
    let mut out = Vec::new();
    for ex in m.exercises() {
        lint_exercise(lab, ex, &mut out);
    }
    lint_adr_lists(m, &mut out);
    for track in tracks(m) {
        lint_track(lab, track.as_deref(), &mut out);
    }
    let (mutants, findings) = super::mutants::load(lab);
    out.extend(findings);
    out.extend(super::mutants::check_patches(lab, &mutants));
    out
}

fn lint_exercise(lab: &Lab, ex: &Exercise, out: &mut Vec<Finding>) {
    let mut push = |level, message: String| {
        out.push(Finding {
            level,
            exercise: Some(ex.id().to_string()),
            message,
        })
    };
    match &ex.doc {
        None => push(
            Level::Warning,
            "has no `doc`: learners get only its title and hints".into(),
        ),
        Some(doc) => {
            for d in doc.values() {
                if !lab.tree.entries.contains_key(d) {
                    push(
                        Level::Error,
                        format!("`doc` `{d}` does not exist in the template"),
                    );
                }
            }
            if let crate::manifest::PerTrack::Tracks(map) = doc {
                for t in tracks(&lab.manifest).into_iter().flatten() {
                    if !map.contains_key(&t) {
                        push(
                            Level::Error,
                            format!("`doc` has no text for track `{t}`: add `doc.{t} = \"…\"`"),
                        );
                    }
                }
            }
        }
    }
    if ex.check.is_empty() {
        push(
            Level::Error,
            "has no check: add at least one `[[exercise.check]]`".into(),
        );
    }
    if ex.hints.is_empty() {
        push(
            Level::Error,
            "has no hint: add `hints = [\"…\"]` (one question that points the way is enough)"
                .into(),
        );
    }
    match &ex.solution {
        Some(s) => {
            let prefix = format!("{}/", s.trim_end_matches('/'));
            if !lab.tree.entries.keys().any(|k| k.starts_with(&prefix)) {
                push(
                    Level::Error,
                    format!("`solution` `{s}` does not exist in the template (or is empty)"),
                );
            }
        }
        None if !ex.starts_passing => push(
            Level::Error,
            "has no `solution`: `template test` cannot prove it can be solved".into(),
        ),
        None => {}
    }
    for (i, c) in ex.checks().enumerate() {
        if *c.kind.get_ref() != CheckKind::Sql {
            continue;
        }
        let id = c.id_or(i);
        let has_query = c.query.is_some() || c.query_file.is_some();
        if has_query && c.order.is_none() && (c.expect_rows.is_some() || c.then.is_some()) {
            push(
                Level::Error,
                format!(
                    "sql check `{id}` has no `order`: state it (\"any\", \"exact\" or key columns)"
                ),
            );
        }
        if has_query && c.expect_rows.is_none() && c.plan.is_none() {
            push(
                Level::Warning,
                format!(
                    "sql check `{id}` has no `expect_rows` and no `plan`: it only checks that the SQL runs"
                ),
            );
        }
    }
}

/// An exercise's `adr = [...]` list only names records: unless an `adr`
/// check of that exercise or a later one reads each, the list does nothing
/// (issue 17).
fn lint_adr_lists(m: &Manifest, out: &mut Vec<Finding>) {
    let exercises: Vec<&Exercise> = m.exercises().collect();
    for (i, ex) in exercises.iter().enumerate() {
        for name in &ex.adr {
            let read = exercises[i..].iter().any(|later| {
                later.checks().any(|c| {
                    *c.kind.get_ref() == CheckKind::Adr
                        && c.path.as_deref().is_some_and(|p| {
                            let file = p.rsplit('/').next().unwrap_or(p);
                            file.strip_suffix(".md").unwrap_or(file) == name
                        })
                })
            });
            if !read {
                out.push(Finding {
                    level: Level::Warning,
                    exercise: Some(ex.id().to_string()),
                    message: format!(
                        "`adr` names `{name}`, but no `adr` check of this or a later exercise reads it: the list does nothing; add an `adr` check with `path = \"…/{name}.md\"`"
                    ),
                });
            }
        }
    }
}

/// A `deleted.toml` path must name a file the project holds by then (the
/// starter or an earlier solution), else it is a typo that deletes nothing.
fn lint_deletions(lab: &Lab, track: Option<&str>, out: &mut Vec<Finding>) {
    let mut present: std::collections::BTreeSet<String> = starter_paths(lab, track)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let on = track.map_or(String::new(), |t| format!(" (track `{t}`)"));
    for ex in lab.manifest.exercises() {
        for layer in crate::render::solution_layers(ex, track) {
            for rel in lab.tree.subtree(&layer).entries.keys() {
                present.insert(rel.strip_suffix(".hbs").unwrap_or(rel).to_string());
            }
        }
        let Ok(deleted) = crate::solution::deleted_paths(lab, ex, track) else {
            continue; // an invalid list is an error when the lab is loaded
        };
        for path in deleted {
            if !present.remove(&path) {
                // A warning: a file name rendered from answers is not known here.
                out.push(Finding {
                    level: Level::Warning,
                    exercise: Some(ex.id().to_string()),
                    message: format!(
                        "`deleted.toml` names `{path}`, which the project does not hold after the earlier solutions{on}"
                    ),
                });
            }
        }
    }
}

fn lint_track(lab: &Lab, track: Option<&str>, out: &mut Vec<Finding>) {
    let m = &lab.manifest;
    let vars = m.track_vars(track);
    let starter = starter_paths(lab, track);
    let on = track.map_or(String::new(), |t| format!(" (track `{t}`)"));
    lint_deletions(lab, track, out);
    for ex in m.exercises() {
        let mut push = |level, message: String| {
            out.push(Finding {
                level,
                exercise: Some(ex.id().to_string()),
                message,
            })
        };
        for (i, c) in ex.checks().enumerate() {
            if let Some(rows) = &c.expect_rows {
                let rel = expand_vars(rows, &vars);
                if !tree_has(lab, &rel, track) {
                    push(
                        Level::Warning,
                        format!(
                            "check `{}`: `{rel}` does not exist yet{on}: run `labforge template test --bless`",
                            c.id_or(i)
                        ),
                    );
                }
            }
        }
        let markers = markers_of(ex);
        for glob in &ex.edit {
            let glob = expand_vars(glob, &vars);
            let Ok(matcher) = crate::glob::matcher(&glob) else {
                push(Level::Error, format!("`edit` `{glob}` is not a valid glob"));
                continue;
            };
            let files: Vec<&(String, String)> = starter
                .iter()
                .filter(|(p, _)| matcher.is_match(p))
                .collect();
            if files.is_empty() && !ex.starts_passing {
                push(
                    Level::Error,
                    format!("`edit` `{glob}` matches no file of the starter{on}"),
                );
            }
            for (path, key) in files {
                let text = lab
                    .tree
                    .get(key)
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                if !ex.starts_passing && !markers.iter().any(|mk| text.contains(mk.as_str())) {
                    push(
                        Level::Error,
                        format!(
                            "`{path}`{on} holds no placeholder marker ({}): mark where the learner writes code",
                            markers.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// The markers of an exercise's `no_placeholders` checks, or the defaults.
fn markers_of(ex: &Exercise) -> Vec<String> {
    let listed: Vec<String> = ex
        .checks()
        .filter(|c| *c.kind.get_ref() == CheckKind::NoPlaceholders)
        .flat_map(|c| c.markers.clone())
        .collect();
    if listed.is_empty() {
        DEFAULT_MARKERS.iter().map(|s| s.to_string()).collect()
    } else {
        listed
    }
}
