//! The serde types of `lab.toml`. Every struct denies unknown keys.
//!
//! Checks are one flat struct ([`CheckDef`]) with the keys of every kind, so
//! that a key that belongs to another kind gets a precise message from
//! validation ("`query_file` is not a key of a `file` check") instead of
//! serde's generic one; `kind` is checked against [`CheckKind`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A value with its place in lab.toml (a byte range): toml's `Spanned`,
/// whose serde form keeps the place. toml's own writes the value only, and
/// build.rs stores the built-in labs' lab.toml pre-parsed (as JSON, every
/// place kept), which a release build reads instead of the TOML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T>(toml::Spanned<T>);

impl<T> Spanned<T> {
    pub(crate) fn span(&self) -> std::ops::Range<usize> {
        self.0.span()
    }
    pub(crate) fn get_ref(&self) -> &T {
        self.0.get_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Spanned::deserialize(d).map(Spanned)
    }
}

/// The form toml's `Spanned` reads (serde_spanned's private names: the
/// round-trip test of every built-in lab fails if they change).
impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let span = self.span();
        let mut st = s.serialize_struct("$__serde_spanned_private_Spanned", 3)?;
        st.serialize_field("$__serde_spanned_private_start", &span.start)?;
        st.serialize_field("$__serde_spanned_private_end", &span.end)?;
        st.serialize_field("$__serde_spanned_private_value", self.get_ref())?;
        st.end()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub(crate) schema: u32,
    pub lab: LabMeta,
    #[serde(default)]
    pub(crate) track: BTreeMap<String, Track>,
    #[serde(default)]
    pub(crate) variable: IndexedMap<Variable>,
    #[serde(default)]
    pub(crate) service: BTreeMap<String, Service>,
    #[serde(default)]
    pub exercise: Vec<Spanned<Exercise>>,
    #[serde(default)]
    pub(crate) ownership: Ownership,
    #[serde(default)]
    pub(crate) migration: Vec<Spanned<Migration>>,
}

/// A table whose keys depend on a check's kind (`expect`, a step), read with
/// the place of every key and value; [`super::settings`] types it.
pub(crate) type Settings = IndexedMap<Spanned<toml::Value>>;

/// A map that keeps the order the author wrote (variables are asked in that
/// order, and a default may refer to earlier answers).
#[derive(Debug, Clone)]
pub(crate) struct IndexedMap<T>(pub Vec<(Spanned<String>, T)>);

impl<T> Default for IndexedMap<T> {
    fn default() -> Self {
        IndexedMap(Vec::new())
    }
}

impl<T> IndexedMap<T> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.get_ref().as_str(), v))
    }
    pub(crate) fn get(&self, key: &str) -> Option<&T> {
        self.0
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }
    pub(crate) fn is_empty(&self) -> bool {
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
            /// The pre-parsed form (see [`Spanned`]): a list of pairs,
            /// since a key with its place is not a string.
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = a.next_element_seed(Pair(std::marker::PhantomData))? {
                    out.push(pair);
                }
                Ok(IndexedMap(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// One pair of the pre-parsed form of an [`IndexedMap`]. Anything else in a
/// list (an array of tables in lab.toml, `[[variable]]`) gets the error a
/// list got before that form existed: "invalid type: sequence, expected a
/// table".
struct Pair<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for Pair<T> {
    type Value = (Spanned<String>, T);
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Pair<T> {
    type Value = (Spanned<String>, T);
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a table")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let key = a
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(0, &self))?;
        let value = a
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(1, &self))?;
        Ok((key, value))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        Err(A::Error::invalid_type(serde::de::Unexpected::Seq, &self))
    }
}

impl<T: Serialize> Serialize for IndexedMap<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabMeta {
    pub(crate) id: Spanned<String>,
    pub title: String,
    pub(crate) version: Spanned<String>,
    #[serde(default)]
    pub(crate) summary: Option<String>,
    /// Estimated time to finish, in minutes.
    #[serde(default)]
    pub(crate) minutes: Option<u32>,
    /// Track names in the order they are offered; each needs a `[track.NAME]`.
    #[serde(default)]
    pub(crate) tracks: Vec<String>,
    #[serde(default)]
    pub(crate) adr: Option<AdrSettings>,
    // `tags`, `authors` and `labforge` are accepted lab.toml keys that no
    // command reads yet; they are parsed so a lab that sets them loads.
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) authors: Vec<String>,
    /// Minimum labforge version, for example ">= 0.1".
    #[serde(default)]
    pub(crate) labforge: Option<String>,
    /// The variable (a choice among `github`, `gitlab`, `none`) whose answer
    /// picks the CI pipeline that grades every push (see `scaffold::ci`).
    #[serde(default)]
    pub(crate) autograde: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdrSettings {
    #[serde(default = "default_adr_dir")]
    pub(crate) dir: String,
    #[serde(default = "default_adr_format")]
    pub(crate) format: String,
}

fn default_adr_dir() -> String {
    "docs/adr".into()
}
fn default_adr_format() -> String {
    "madr4".into()
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Track {
    /// Tools the track needs, such as `"python3 >= 3.10"` or `"cargo"`.
    #[serde(default)]
    pub(crate) needs: Vec<String>,
    /// Commands run in the new lab, in order, by `labforge new` (unless
    /// `--no-setup`) and by `template test`.
    #[serde(default)]
    pub(crate) setup: Vec<String>,
    /// Values usable as `{name}` in exercise and check strings.
    #[serde(default)]
    pub(crate) vars: BTreeMap<String, String>,
    /// Extra `.gitignore` lines for this track.
    #[serde(default)]
    pub(crate) gitignore: Vec<String>,
    /// Environment variables for setup, checks and services of this track.
    #[serde(default)]
    pub(crate) env: BTreeMap<String, String>,
}

/// A command given once, or per track (`run.python = …`, `run.rust = …`);
/// also an exercise's `doc` (`doc.rust = …`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub(crate) enum PerTrack {
    All(String),
    Tracks(BTreeMap<String, String>),
}

impl PerTrack {
    /// The command for `track` (None when this track has none).
    pub(crate) fn for_track(&self, track: Option<&str>) -> Option<&str> {
        match self {
            PerTrack::All(s) => Some(s),
            PerTrack::Tracks(m) => track.and_then(|t| m.get(t)).map(String::as_str),
        }
    }

    /// Every value given (one, or one per track).
    pub(crate) fn values(&self) -> Vec<&str> {
        match self {
            PerTrack::All(s) => vec![s.as_str()],
            PerTrack::Tracks(m) => m.values().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ready {
    /// A regex matched against each line of stdout and stderr; a named group
    /// `addr` captures the address (`127.0.0.1:PORT`) the service bound.
    pub(crate) log: String,
    #[serde(default)]
    pub(crate) timeout: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Service {
    pub(crate) run: PerTrack,
    pub(crate) ready: Ready,
    /// Environment exported to the checks that use the service; `{addr}` is
    /// replaced by the captured address.
    #[serde(default)]
    pub(crate) export: BTreeMap<String, String>,
    /// Environment of the service process itself.
    #[serde(default)]
    pub(crate) env: BTreeMap<String, String>,
    /// Working folder, relative to the lab root.
    #[serde(default)]
    pub(crate) cwd: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum VarType {
    #[default]
    String,
    Bool,
    Choice,
    Integer,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Variable {
    #[serde(default)]
    pub(crate) prompt: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind: VarType,
    /// A TOML value; strings are handlebars over earlier answers.
    #[serde(default)]
    pub(crate) default: Option<Spanned<toml::Value>>,
    /// A regex a string answer must match (whole answer).
    #[serde(default)]
    pub(crate) pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) help: Option<String>,
    #[serde(default)]
    pub(crate) choices: Vec<String>,
    /// Asked only when this handlebars condition renders non-empty (and not
    /// "false"); otherwise the variable is unset (falsy in templates).
    #[serde(default)]
    pub(crate) when: Option<String>,
    #[serde(default)]
    pub(crate) min: Option<i64>,
    #[serde(default)]
    pub(crate) max: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub(crate) id: Spanned<String>,
    pub(crate) title: String,
    /// The exercise text: one template path, or one per track
    /// (`doc.python = …`, `doc.rust = …`) where the code differs.
    #[serde(default)]
    pub(crate) doc: Option<PerTrack>,
    /// Learner-owned globs (track vars allowed): scanned for placeholders,
    /// restored by `reset`, never touched by `update`.
    #[serde(default)]
    pub(crate) edit: Vec<String>,
    /// Prerequisites; default: the previous exercise.
    #[serde(default)]
    pub(crate) after: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) adr: Vec<String>,
    #[serde(default)]
    pub(crate) solution: Option<String>,
    #[serde(default)]
    pub(crate) hints: Vec<String>,
    /// Exempts every check of this exercise from "must fail on the starter".
    #[serde(default)]
    pub(crate) starts_passing: bool,
    #[serde(default)]
    pub(crate) check: Vec<Spanned<CheckDef>>,
}

/// The kinds of check, as written in `kind = "…"`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CheckKind {
    Command,
    File,
    NoPlaceholders,
    Http,
    Process,
    Sql,
    Adr,
}

impl CheckKind {
    pub(crate) fn as_str(self) -> &'static str {
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
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub(crate) enum CheckNeeds {
    Check(String),
    Tools(Vec<String>),
}

/// `order` of a `sql` check: `"any"`, `"exact"`, or key columns such as
/// `["revenue_cents desc", "id"]` (rows tied on the keys may come in any order).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub(crate) enum SqlOrder {
    Rule(String),
    Keys(Vec<String>),
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CheckLevel {
    #[default]
    Error,
    /// A failing `warn` check is reported but does not fail the exercise.
    Warn,
}

/// One check, with the keys of every kind; validation rejects keys that do not
/// belong to its kind.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckDef {
    #[serde(default)]
    pub(crate) id: Option<String>,
    pub(crate) kind: Spanned<CheckKind>,
    #[serde(default)]
    pub(crate) hint: Option<String>,
    #[serde(default)]
    pub(crate) needs: Option<CheckNeeds>,
    #[serde(default)]
    pub(crate) timeout: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) optional: bool,
    #[serde(default)]
    pub(crate) starts_passing: bool,
    #[serde(default)]
    pub(crate) level: CheckLevel,
    #[serde(default)]
    pub(crate) env: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) cwd: Option<String>,

    // command, process
    #[serde(default)]
    pub(crate) run: Option<PerTrack>,
    // command, http
    #[serde(default)]
    pub(crate) services: Vec<String>,
    // command: expected exit code (default 0), output regexes
    #[serde(default)]
    pub(crate) exit: Option<i32>,
    #[serde(default)]
    pub(crate) stdout_matches: Vec<String>,
    #[serde(default)]
    pub(crate) stdout_json: Option<toml::Value>,

    // file, adr
    #[serde(default)]
    pub(crate) path: Option<String>,
    // file
    #[serde(default)]
    pub(crate) exists: Option<bool>,
    #[serde(default)]
    pub(crate) matches: Vec<String>,
    #[serde(default)]
    pub(crate) not_matches: Vec<String>,
    /// What a regex of `matches` / `not_matches` looks for, in words: the
    /// failure names this instead of the regex (`means = { '(?m)^USER\s' =
    /// "a `USER` line" }`).
    #[serde(default)]
    pub(crate) means: BTreeMap<String, String>,
    // no_placeholders (and file: several paths)
    #[serde(default)]
    pub(crate) paths: Vec<String>,
    #[serde(default)]
    pub(crate) markers: Vec<String>,

    // http
    #[serde(default)]
    pub(crate) service: Option<String>,
    #[serde(default)]
    pub(crate) request: Option<HttpRequest>,
    // http, process: typed by kind in `settings` (keys and values keep
    // their places for errors)
    #[serde(default)]
    pub(crate) expect: Option<Settings>,
    // process
    #[serde(default)]
    pub(crate) ready: Option<Ready>,
    #[serde(default)]
    pub(crate) steps: Vec<Spanned<Settings>>,

    // sql
    #[serde(default)]
    pub(crate) db: Option<SqlDb>,
    #[serde(default)]
    pub(crate) query: Option<String>,
    #[serde(default)]
    pub(crate) query_file: Option<String>,
    #[serde(default)]
    pub(crate) expect_rows: Option<String>,
    #[serde(default)]
    pub(crate) order: Option<SqlOrder>,
    #[serde(default)]
    pub(crate) float_tolerance: Option<f64>,
    #[serde(default)]
    pub(crate) mode: Option<String>,
    #[serde(default)]
    pub(crate) then: Option<String>,
    #[serde(default)]
    pub(crate) plan: Option<SqlPlan>,

    // adr
    #[serde(default)]
    pub(crate) sections: Vec<String>,
    #[serde(default)]
    pub(crate) min_words: Option<u32>,
    #[serde(default)]
    pub(crate) min_options: Option<u32>,
    #[serde(default)]
    pub(crate) status: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpRequest {
    #[serde(default = "default_method")]
    pub(crate) method: String,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) body: Option<String>,
    #[serde(default)]
    pub(crate) json: Option<toml::Value>,
}

fn default_method() -> String {
    "GET".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SqlDb {
    /// Globs of SQL files (relative to the lab root) run in order, sorted
    /// within each glob, into a fresh temporary database.
    pub(crate) build: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SqlPlan {
    /// The query to explain; without it, the check's own `query`/`query_file`.
    #[serde(default)]
    pub(crate) query: Option<String>,
    #[serde(default)]
    pub(crate) contains: Vec<String>,
    #[serde(default)]
    pub(crate) not_contains: Vec<String>,
}

/// Who owns which files, for `labforge update` and `check`'s tamper warning.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ownership {
    #[serde(default)]
    pub(crate) learner: Vec<String>,
    #[serde(default)]
    pub(crate) template: Vec<String>,
    #[serde(default)]
    pub(crate) shared: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Migration {
    /// The lab version that introduced the change.
    pub(crate) version: String,
    /// Old path → new path (paths in the generated lab).
    #[serde(default)]
    pub(crate) rename: BTreeMap<String, String>,
    /// Paths removed in this version (deleted on update only if unmodified).
    #[serde(default)]
    pub(crate) remove: Vec<String>,
}

/// Who owns a file of a generated lab.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Owner {
    /// Never merged by `update`; an upstream change is only reported.
    Learner,
    /// Replaced by `update`; a learner-modified copy is backed up first.
    /// `check` warns when such a file was edited.
    Template,
    /// 3-way merged by `update`.
    Shared,
}

impl Manifest {
    pub(crate) fn id(&self) -> &str {
        self.lab.id.get_ref()
    }
    pub fn version(&self) -> &str {
        self.lab.version.get_ref()
    }
    /// Every track a learner can pick, or one `None` for a lab without
    /// tracks: what `template test`, lint and migrate go through.
    pub(crate) fn tracks_or_none(&self) -> Vec<Option<String>> {
        if self.lab.tracks.is_empty() {
            vec![None]
        } else {
            self.lab.tracks.iter().cloned().map(Some).collect()
        }
    }
    /// `id@version`, as recorded in state and results.
    pub(crate) fn lab_ref(&self) -> String {
        format!("{}@{}", self.id(), self.version())
    }
    pub(crate) fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.exercise.iter().map(|e| e.get_ref())
    }
    pub(crate) fn exercise_by_id(&self, id: &str) -> Option<&Exercise> {
        self.exercises().find(|e| e.id.get_ref() == id)
    }
    /// The track's vars plus the built-ins `{track}` and `{lab}`.
    pub(crate) fn track_vars(&self, track: Option<&str>) -> BTreeMap<String, String> {
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
    pub(crate) fn adr_settings(&self) -> AdrSettings {
        self.lab.adr.clone().unwrap_or(AdrSettings {
            dir: default_adr_dir(),
            format: default_adr_format(),
        })
    }
}

impl Exercise {
    pub(crate) fn id(&self) -> &str {
        self.id.get_ref()
    }
    /// The template path of the exercise text for `track`.
    pub(crate) fn doc_for(&self, track: Option<&str>) -> Option<&str> {
        self.doc.as_ref().and_then(|d| d.for_track(track))
    }
    pub(crate) fn checks(&self) -> impl Iterator<Item = &CheckDef> {
        self.check.iter().map(|c| c.get_ref())
    }
}

impl CheckDef {
    /// The id written in lab.toml, or `KIND` / `KIND-N` when none is given.
    pub(crate) fn id_or(&self, index: usize) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", self.kind.get_ref().as_str(), index + 1))
    }

    /// True when this check names `file`: in its command (any track), its
    /// `path`/`paths`, its SQL files or its working folder. (`cohort grade`
    /// marks an exercise whose checked files a learner edited.)
    pub(crate) fn names_file(&self, file: &str) -> bool {
        let commands = self.run.iter().flat_map(|r| r.values());
        let paths = self
            .path
            .iter()
            .chain(&self.paths)
            .chain(&self.query_file)
            .chain(&self.expect_rows)
            .chain(&self.cwd)
            .map(String::as_str);
        commands.chain(paths).any(|text| text.contains(file))
    }
}

/// Replaces `{name}` with `vars[name]`; unknown names are left as they are
/// (so regexes such as `\d{16}` survive).
pub(crate) fn expand_vars(text: &str, vars: &BTreeMap<String, String>) -> String {
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
