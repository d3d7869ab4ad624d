//! What `labforge list` and `labforge show` tell about labs, as plain data
//! (serialised for `--json`, formatted as text by the commands).
//!
//! [`listed_labs`] is the list `labforge list` prints: the built-in labs,
//! then whatever other sources add (team catalogs extend it through
//! [`LabSummary::from_lab`] or by building a [`LabSummary`] themselves).

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::manifest::{CheckNeeds, VarType};
use crate::template::{Lab, builtin_ids};

/// One line of `labforge list`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct LabSummary {
    /// What to pass to `labforge new` (`api-client`, `team/lab`).
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) title: String,
    pub(crate) tracks: Vec<String>,
    pub(crate) exercises: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    /// `builtin`, or the catalog the lab comes from.
    pub(crate) source: String,
}

impl LabSummary {
    /// The summary of a loaded lab; `id` is how `labforge new` names it and
    /// `source` where it is listed from.
    pub(crate) fn from_lab(lab: &Lab, id: &str, source: &str) -> LabSummary {
        let m = &lab.manifest;
        LabSummary {
            id: id.to_string(),
            version: m.version().to_string(),
            title: m.lab.title.clone(),
            tracks: m.lab.tracks.clone(),
            exercises: m.exercise.len(),
            minutes: m.lab.minutes,
            summary: m.lab.summary.clone(),
            source: source.to_string(),
        }
    }
}

/// The built-in labs, sorted by id. A built-in lab that does not load is an
/// error (it is a bug in this build, and the tests catch it).
pub(crate) fn builtin_summaries() -> Result<Vec<LabSummary>> {
    builtin_ids()
        .iter()
        .map(|id| Lab::builtin(id).map(|lab| LabSummary::from_lab(&lab, id, "builtin")))
        .collect()
}

/// Every lab `labforge list` shows. Catalog labs are appended here.
pub(crate) fn listed_labs() -> Result<Vec<LabSummary>> {
    let mut labs = builtin_summaries()?;
    labs.extend(crate::catalog::catalog_summaries()?);
    Ok(labs)
}

/// Everything `labforge show` tells about a lab, as JSON.
pub(crate) fn details(lab: &Lab) -> Value {
    let m = &lab.manifest;
    let tracks: Vec<Value> = m
        .lab
        .tracks
        .iter()
        .map(|t| {
            let tr = &m.track[t];
            json!({ "name": t, "needs": tr.needs, "setup": tr.setup, "vars": tr.vars })
        })
        .collect();
    let variables: Vec<Value> = m
        .variable
        .iter()
        .map(|(name, v)| {
            json!({
                "name": name,
                "type": var_type(v.kind),
                "prompt": v.prompt,
                "default": v.default.as_ref().map(|d| d.get_ref().clone()),
                "choices": v.choices,
                "pattern": v.pattern.as_ref().map(|p| p.get_ref().clone()),
                "min": v.min,
                "max": v.max,
                "when": v.when,
                "help": v.help,
            })
        })
        .collect();
    let exercises: Vec<Value> = m
        .exercises()
        .map(|e| {
            let checks: Vec<Value> = e
                .checks()
                .enumerate()
                .map(|(i, c)| {
                    let needs = match &c.needs {
                        Some(CheckNeeds::Check(id)) => json!(id),
                        Some(CheckNeeds::Tools(t)) => json!(t),
                        None => Value::Null,
                    };
                    json!({ "id": c.id_or(i), "kind": c.kind.get_ref().as_str(), "needs": needs, "optional": c.optional })
                })
                .collect();
            json!({
                "id": e.id(),
                "title": e.title,
                "doc": e.doc,
                "hints": e.hints.len(),
                "adr": e.adr,
                "checks": checks,
            })
        })
        .collect();
    let adr = m.adr_settings();
    json!({
        "id": m.id(),
        "version": m.version(),
        "title": m.lab.title,
        "summary": m.lab.summary,
        "minutes": m.lab.minutes,
        "source": lab.origin.source_string(),
        "tracks": tracks,
        "variables": variables,
        "exercises": exercises,
        "adr": { "dir": adr.dir, "format": adr.format, "stubs": adr_stubs(lab) },
    })
}

/// The ADR stubs a lab ships, by file name: `adr/*.md` of the template
/// (laid into the ADR folder by `new`) and `*.md` files already placed in
/// the ADR folder of `common/` or a track.
pub(crate) fn adr_stubs(lab: &Lab) -> Vec<String> {
    let dir = format!("{}/", lab.manifest.adr_settings().dir.trim_end_matches('/'));
    let mut names: Vec<String> = lab
        .tree
        .entries
        .keys()
        .filter_map(|k| {
            k.strip_prefix("adr/")
                .or_else(|| {
                    k.strip_prefix("common/")
                        .and_then(|r| r.strip_prefix(dir.as_str()))
                })
                .or_else(|| {
                    let rest = k.strip_prefix("track/")?;
                    rest.split_once('/')?.1.strip_prefix(dir.as_str())
                })
        })
        .map(|k| k.trim_end_matches(".hbs"))
        .filter(|k| !k.contains('/') && k.ends_with(".md"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

pub(crate) fn var_type(t: VarType) -> &'static str {
    match t {
        VarType::String => "string",
        VarType::Bool => "bool",
        VarType::Choice => "choice",
        VarType::Integer => "integer",
    }
}
