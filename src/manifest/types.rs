//! The serde types of `lab.toml`. Every struct denies unknown keys.
//!
//! Checks are one flat struct ([`CheckDef`]) with the keys of every kind, so
//! that a key that belongs to another kind gets a precise message from
//! validation ("`query_file` is not a key of a `file` check") instead of
//! serde's generic one; `kind` is checked against [`CheckKind`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema: u32,
    pub lab: LabMeta,
    #[serde(default)]
    pub track: BTreeMap<String, Track>,
    #[serde(default)]
    pub variable: IndexedMap<Variable>,
    #[serde(default)]
    pub service: BTreeMap<String, Service>,
    #[serde(default)]
    pub exercise: Vec<Spanned<Exercise>>,
    #[serde(default)]
    pub ownership: Ownership,
    #[serde(default)]
    pub migration: Vec<Spanned<Migration>>,
}

/// A table whose keys depend on a check's kind (`expect`, a step), read with
/// the place of every key and value; [`super::settings`] types it.
pub type Settings = IndexedMap<Spanned<toml::Value>>;

/// A map that keeps the order the author wrote (variables are asked in that
/// order, and a default may refer to earlier answers).
#[derive(Debug, Clone)]
pub struct IndexedMap<T>(pub Vec<(Spanned<String>, T)>);

impl<T> Default for IndexedMap<T> {
    fn default() -> Self {
        IndexedMap(Vec::new())
    }
}

impl<T> IndexedMap<T> {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.get_ref().as_str(), v))
    }
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for IndexedMap<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = IndexedMap<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<Spanned<String>, T>()? {
                    out.push((k, v));
                }
                Ok(IndexedMap(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabMeta {
    pub id: Spanned<String>,
    pub title: String,
    pub version: Spanned<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// Estimated time to finish, in minutes.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Track names in the order they are offered; each needs a `[track.NAME]`.
    #[serde(default)]
    pub tracks: Vec<String>,
    #[serde(default)]
    pub adr: Option<AdrSettings>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// Minimum labforge version, for example ">= 0.1".
    #[serde(default)]
    pub labforge: Option<String>,
    /// The variable (a choice among `github`, `gitlab`, `none`) whose answer
    /// picks the CI pipeline that grades every push (see `scaffold::ci`).
    #[serde(default)]
    pub autograde: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AdrSettings {
    #[serde(default = "default_adr_dir")]
    pub dir: String,
    #[serde(default = "default_adr_format")]
    pub format: String,
}

fn default_adr_dir() -> String {
    "docs/adr".into()
}
fn default_adr_format() -> String {
    "madr4".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Tools the track needs, such as `"python3 >= 3.10"` or `"cargo"`.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Commands run in the new lab, in order, by `labforge new` (unless
    /// `--no-setup`) and by `template test`.
    #[serde(default)]
    pub setup: Vec<String>,
    /// Values usable as `{name}` in exercise and check strings.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Extra `.gitignore` lines for this track.
    #[serde(default)]
    pub gitignore: Vec<String>,
    /// Environment variables for setup, checks and services of this track.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

/// A command given once, or per track (`run.python = …`, `run.rust = …`);
/// also an exercise's `doc` (`doc.rust = …`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum PerTrack {
    All(String),
    Tracks(BTreeMap<String, String>),
}

impl PerTrack {
    /// The command for `track` (None when this track has none).
    pub fn for_track(&self, track: Option<&str>) -> Option<&str> {
        match self {
            PerTrack::All(s) => Some(s),
            PerTrack::Tracks(m) => track.and_then(|t| m.get(t)).map(String::as_str),
        }
    }

    /// Every value given (one, or one per track).
    pub fn values(&self) -> Vec<&str> {
        match self {
            PerTrack::All(s) => vec![s.as_str()],
            PerTrack::Tracks(m) => m.values().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ready {
    /// A regex matched against each line of stdout and stderr; a named group
    /// `addr` captures the address (`127.0.0.1:PORT`) the service bound.
    pub log: String,
    #[serde(default)]
    pub timeout: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub run: PerTrack,
    pub ready: Ready,
    /// Environment exported to the checks that use the service; `{addr}` is
    /// replaced by the captured address.
    #[serde(default)]
    pub export: BTreeMap<String, String>,
    /// Environment of the service process itself.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Working folder, relative to the lab root.
    #[serde(default)]
    pub cwd: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    #[default]
    String,
    Bool,
    Choice,
    Integer,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: VarType,
    /// A TOML value; strings are handlebars over earlier answers.
    #[serde(default)]
    pub default: Option<Spanned<toml::Value>>,
    /// A regex a string answer must match (whole answer).
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    /// Asked only when this handlebars condition renders non-empty (and not
    /// "false"); otherwise the variable is unset (falsy in templates).
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: Spanned<String>,
    pub title: String,
    /// The exercise text: one template path, or one per track
    /// (`doc.python = …`, `doc.rust = …`) where the code differs.
    #[serde(default)]
    pub doc: Option<PerTrack>,
    /// Learner-owned globs (track vars allowed): scanned for placeholders,
    /// restored by `reset`, never touched by `update`.
    #[serde(default)]
    pub edit: Vec<String>,
    /// Prerequisites; default: the previous exercise.
    #[serde(default)]
    pub after: Option<Vec<String>>,
    #[serde(default)]
    pub adr: Vec<String>,
    #[serde(default)]
    pub solution: Option<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    /// Exempts every check of this exercise from "must fail on the starter".
    #[serde(default)]
    pub starts_passing: bool,
    #[serde(default)]
    pub check: Vec<Spanned<CheckDef>>,
}

/// The kinds of check, as written in `kind = "…"`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Command,
    File,
    NoPlaceholders,
    Http,
    Process,
    Sql,
    Adr,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Command => "command",
            CheckKind::File => "file",
            CheckKind::NoPlaceholders => "no_placeholders",
            CheckKind::Http => "http",
            CheckKind::Process => "process",
            CheckKind::Sql => "sql",
            CheckKind::Adr => "adr",
        }
    }
}

/// `needs` on a check: the id of an earlier check in the same exercise
/// (`needs = "tests"`: reported "not run" when that one did not pass), or a
/// list of tools (`needs = ["docker"]`: `error`, or `skipped` when
/// `optional = true`, when one is missing).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CheckNeeds {
    Check(String),
    Tools(Vec<String>),
}

/// `order` of a `sql` check: `"any"`, `"exact"`, or key columns such as
/// `["revenue_cents desc", "id"]` (rows tied on the keys may come in any order).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SqlOrder {
    Rule(String),
    Keys(Vec<String>),
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    #[default]
    Error,
    /// A failing `warn` check is reported but does not fail the exercise.
    Warn,
}

/// One check, with the keys of every kind; validation rejects keys that do not
/// belong to its kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    #[serde(default)]
    pub id: Option<String>,
    pub kind: Spanned<CheckKind>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub needs: Option<CheckNeeds>,
    #[serde(default)]
    pub timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub starts_passing: bool,
    #[serde(default)]
    pub level: CheckLevel,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub cwd: Option<String>,

    // command, process
    #[serde(default)]
    pub run: Option<PerTrack>,
    // command, http
    #[serde(default)]
    pub services: Vec<String>,
    // command: expected exit code (default 0), output regexes
    #[serde(default)]
    pub exit: Option<i32>,
    #[serde(default)]
    pub stdout_matches: Vec<String>,
    #[serde(default)]
    pub stdout_json: Option<toml::Value>,

    // file, adr
    #[serde(default)]
    pub path: Option<String>,
    // file
    #[serde(default)]
    pub exists: Option<bool>,
    #[serde(default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub not_matches: Vec<String>,
    // no_placeholders (and file: several paths)
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub markers: Vec<String>,

    // http
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub request: Option<HttpRequest>,
    // http, process: typed by kind in `settings` (keys and values keep
    // their places for errors)
    #[serde(default)]
    pub expect: Option<Settings>,
    // process
    #[serde(default)]
    pub ready: Option<Ready>,
    #[serde(default)]
    pub steps: Vec<Spanned<Settings>>,

    // sql
    #[serde(default)]
    pub db: Option<SqlDb>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub query_file: Option<String>,
    #[serde(default)]
    pub expect_rows: Option<String>,
    #[serde(default)]
    pub order: Option<SqlOrder>,
    #[serde(default)]
    pub float_tolerance: Option<f64>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub then: Option<String>,
    #[serde(default)]
    pub plan: Option<SqlPlan>,

    // adr
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub min_words: Option<u32>,
    #[serde(default)]
    pub min_options: Option<u32>,
    #[serde(default)]
    pub status: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpRequest {
    #[serde(default = "default_method")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub json: Option<toml::Value>,
}

fn default_method() -> String {
    "GET".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlDb {
    /// Globs of SQL files (relative to the lab root) run in order, sorted
    /// within each glob, into a fresh temporary database.
    pub build: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlPlan {
    /// The query to explain; without it, the check's own `query`/`query_file`.
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub not_contains: Vec<String>,
}

/// Who owns which files, for `labforge update` and `check`'s tamper warning.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ownership {
    #[serde(default)]
    pub learner: Vec<String>,
    #[serde(default)]
    pub template: Vec<String>,
    #[serde(default)]
    pub shared: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The lab version that introduced the change.
    pub version: String,
    /// Old path → new path (paths in the generated lab).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Paths removed in this version (deleted on update only if unmodified).
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Who owns a file of a generated lab.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// Never merged by `update`; an upstream change is only reported.
    Learner,
    /// Replaced by `update`; a learner-modified copy is backed up first.
    /// `check` warns when such a file was edited.
    Template,
    /// 3-way merged by `update`.
    Shared,
}

impl Manifest {
    pub fn id(&self) -> &str {
        self.lab.id.get_ref()
    }
    pub fn version(&self) -> &str {
        self.lab.version.get_ref()
    }
    /// `id@version`, as recorded in state and results.
    pub fn lab_ref(&self) -> String {
        format!("{}@{}", self.id(), self.version())
    }
    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.exercise.iter().map(|e| e.get_ref())
    }
    pub fn exercise_by_id(&self, id: &str) -> Option<&Exercise> {
        self.exercises().find(|e| e.id.get_ref() == id)
    }
    /// The track's vars plus the built-ins `{track}` and `{lab}`.
    pub fn track_vars(&self, track: Option<&str>) -> BTreeMap<String, String> {
        let mut vars = BTreeMap::new();
        vars.insert("lab".to_string(), self.id().to_string());
        if let Some(t) = track {
            vars.insert("track".to_string(), t.to_string());
            if let Some(tr) = self.track.get(t) {
                vars.extend(tr.vars.clone());
            }
        }
        vars
    }
    pub fn adr_settings(&self) -> AdrSettings {
        self.lab.adr.clone().unwrap_or(AdrSettings {
            dir: default_adr_dir(),
            format: default_adr_format(),
        })
    }
}

impl Exercise {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }
    /// The template path of the exercise text for `track`.
    pub fn doc_for(&self, track: Option<&str>) -> Option<&str> {
        self.doc.as_ref().and_then(|d| d.for_track(track))
    }
    pub fn checks(&self) -> impl Iterator<Item = &CheckDef> {
        self.check.iter().map(|c| c.get_ref())
    }
}

impl CheckDef {
    /// The id written in lab.toml, or `KIND` / `KIND-N` when none is given.
    pub fn id_or(&self, index: usize) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", self.kind.get_ref().as_str(), index + 1))
    }
}

/// Replaces `{name}` with `vars[name]`; unknown names are left as they are
/// (so regexes such as `\d{16}` survive).
pub fn expand_vars(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && vars.contains_key(&after[..end]) =>
            {
                out.push_str(&vars[&after[..end]]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
