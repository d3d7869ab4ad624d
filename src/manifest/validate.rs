//! Semantic validation of a parsed `lab.toml`: what serde cannot check.
//!
//! Runs at `labforge new`, `show` and `template lint`, so a malformed check is
//! reported to the author with line and column, never at a learner's `check`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use super::settings;
use super::types::*;
use crate::error::{Error, Result};

struct Ctx<'a> {
    text: &'a str,
    file: &'a Path,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Error {
        Error::new(message)
            .at_offset(self.file, self.text, span.start)
            .with_help(help)
    }
}

fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True for a semver version: `MAJOR.MINOR.PATCH`, optional `-pre`, `+build`.
pub(crate) fn is_version(s: &str) -> bool {
    crate::version::parse(s).is_ok()
}

/// Parses durations such as `500ms`, `2s`, `1.5s`, `3m`, `1h 30m` (the
/// `humantime` syntax); an overflowing number is an error, never a panic.
/// A duration is at most a day, so adding it to a clock never overflows.
pub fn parse_duration(s: &str) -> std::result::Result<std::time::Duration, String> {
    const MAX: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    match humantime::parse_duration(s.trim()) {
        Ok(d) if d > MAX => Err("it is longer than a day (24h)".into()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn validate(m: &Manifest, text: &str, file: &Path) -> Result<()> {
    let cx = Ctx { text, file };
    validate_lab(m, &cx)?;
    validate_variables(m, &cx)?;
    validate_services(m, &cx)?;
    validate_exercises(m, &cx)?;
    validate_ownership(m, &cx)?;
    validate_globs(m, &cx)?;
    for mig in &m.migration {
        if !is_version(&mig.get_ref().version) {
            return Err(cx.err(
                mig.span(),
                format!(
                    "migration version `{}` is not MAJOR.MINOR.PATCH",
                    mig.get_ref().version
                ),
                "write the lab version that introduced the change, for example \"1.3.0\"",
            ));
        }
        validate_migration_paths(mig.get_ref(), mig.span(), &cx)?;
    }
    Ok(())
}

/// `[[migration]]` paths go through the one path gate: an update moves and
/// deletes files by them, so `../victim` or `/usr/local/bin/x` would reach
/// outside the lab. Checked here (at `new`, `show`, `template lint`, and when
/// `update` loads the new version) and again after track vars are expanded
/// at update plan time.
fn validate_migration_paths(mig: &Migration, span: Range<usize>, cx: &Ctx) -> Result<()> {
    let version = &mig.version;
    let paths = mig
        .rename
        .iter()
        .flat_map(|(from, to)| [("renames", from), ("renames a file to", to)])
        .chain(mig.remove.iter().map(|p| ("removes", p)));
    for (verb, p) in paths {
        if let Some(why) = crate::pathgate::problem(p) {
            let at = find_quoted(cx.text, span.clone(), p);
            return Err(cx.err(
                at..at,
                format!(
                    "the `[[migration]]` of version {version} {verb} `{}`, which is unsafe: {why}",
                    crate::pathgate::shown(p)
                ),
                "migration paths are relative paths inside the lab: no `..`, no leading `/`, no backslash, not into `.git` or `.labforge` (for example \"docs/README.md\" = \"README.md\")",
            ));
        }
    }
    Ok(())
}

/// The offset of the string `needle` written in quotes inside `span` of
/// `text` (the start of the span when it cannot be found, for example when
/// it is written with escapes).
fn find_quoted(text: &str, span: Range<usize>, needle: &str) -> usize {
    // The span of an array-of-tables entry may end at its header, so the
    // search runs on to the next table header.
    let start = span.start.min(text.len());
    let end = text[start..]
        .match_indices("\n[")
        .map(|(i, _)| start + i)
        .find(|&i| i >= span.end)
        .unwrap_or(text.len());
    let Some(hay) = text.get(start..end) else {
        return start;
    };
    let escaped = needle.replace('\\', "\\\\").replace('"', "\\\"");
    for quoted in [
        format!("\"{needle}\""),
        format!("'{needle}'"),
        format!("\"{escaped}\""),
    ] {
        if let Some(i) = hay.find(&quoted) {
            return start + i;
        }
    }
    start
}

fn validate_lab(m: &Manifest, cx: &Ctx) -> Result<()> {
    if !is_id(m.lab.id.get_ref()) {
        return Err(cx.err(
            m.lab.id.span(),
            format!("lab id `{}` is not a valid id", m.lab.id.get_ref()),
            "use lower-case letters, digits, `-` and `_`, starting with a letter or digit",
        ));
    }
    if !is_version(m.lab.version.get_ref()) {
        return Err(cx.err(
            m.lab.version.span(),
            format!(
                "lab version `{}` is not MAJOR.MINOR.PATCH",
                m.lab.version.get_ref()
            ),
            "write a semantic version such as \"1.0.0\"",
        ));
    }
    let listed: BTreeSet<&str> = m.lab.tracks.iter().map(String::as_str).collect();
    if listed.len() != m.lab.tracks.len() {
        return Err(Error::new("`lab.tracks` names a track twice")
            .in_file(cx.file)
            .with_help("list each track once"));
    }
    for t in &m.lab.tracks {
        if !m.track.contains_key(t) {
            return Err(Error::new(format!(
                "`lab.tracks` lists `{t}` but there is no `[track.{t}]` table"
            ))
            .in_file(cx.file)
            .with_help(format!(
                "add a `[track.{t}]` table (it may be empty), or remove `{t}` from `lab.tracks`"
            )));
        }
        if !is_id(t) {
            return Err(Error::new(format!("track name `{t}` is not a valid id"))
                .in_file(cx.file)
                .with_help("use lower-case letters, digits, `-` and `_`"));
        }
    }
    for t in m.track.keys() {
        if !listed.contains(t.as_str()) {
            return Err(Error::new(format!("`[track.{t}]` is not listed in `lab.tracks`"))
                .in_file(cx.file)
                .with_help(format!("add \"{t}\" to `tracks` in `[lab]`, which sets the order tracks are offered in")));
        }
    }
    if let Some(adr) = &m.lab.adr {
        if !matches!(adr.format.as_str(), "madr4" | "madr" | "nygard") {
            return Err(Error::new(format!("unknown ADR format `{}`", adr.format))
                .in_file(cx.file)
                .with_help("use \"madr4\" or \"nygard\""));
        }
        check_relative(&adr.dir, "lab.adr.dir", cx, 0..0)?;
    }
    if let Some(v) = &m.lab.autograde {
        let name = v.get_ref();
        let var = m
            .variable
            .0
            .iter()
            .find(|(n, _)| n.get_ref() == name)
            .map(|(_, v)| v);
        let ok = var.is_some_and(|var| {
            var.kind == VarType::Choice
                && var
                    .choices
                    .iter()
                    .all(|c| matches!(c.as_str(), "github" | "gitlab" | "none"))
        });
        if !ok {
            return Err(cx.err(
                v.span(),
                format!("`autograde` names `{name}`, which is not a choice among github, gitlab and none"),
                "declare it: `[variable.NAME]` with `type = \"choice\"` and `choices = [\"github\", \"gitlab\", \"none\"]`",
            ));
        }
    }
    Ok(())
}

fn validate_variables(m: &Manifest, cx: &Ctx) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (name_sp, var) in &m.variable.0 {
        let name = name_sp.get_ref();
        let span = name_sp.span();
        if !is_ident(name) {
            return Err(cx.err(
                span,
                format!("variable name `{name}` is not an identifier"),
                "use letters, digits and `_`, starting with a letter, so templates can write {{name}}",
            ));
        }
        if matches!(name.as_str(), "lab" | "track" | "labforge" | "now") {
            return Err(cx.err(
                span,
                format!("variable name `{name}` is reserved"),
                "templates already see `lab`, `track`, `labforge` and `now`; choose another name",
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(cx.err(
                span,
                format!("variable `{name}` is declared twice"),
                "keep one declaration",
            ));
        }
        match var.kind {
            VarType::Choice if var.choices.is_empty() => {
                return Err(cx.err(
                    span,
                    format!("variable `{name}` has type \"choice\" but no `choices`"),
                    "add `choices = [\"a\", \"b\"]`",
                ));
            }
            VarType::Choice => {}
            _ if !var.choices.is_empty() => {
                return Err(cx.err(
                    span,
                    format!("variable `{name}` has `choices` but its type is not \"choice\""),
                    "set `type = \"choice\"`, or remove `choices`",
                ));
            }
            _ => {}
        }
        if let Some(p) = &var.pattern {
            if var.kind != VarType::String {
                return Err(cx.err(
                    p.span(),
                    format!("`pattern` of `{name}` only applies to strings"),
                    "remove it",
                ));
            }
            if let Some(e) = super::regex_problem(p.get_ref()) {
                return Err(cx.err(
                    p.span(),
                    format!("`pattern` of `{name}` is not a valid regex: {e}"),
                    "fix the regex (Rust regex syntax)",
                ));
            }
        }
        if let Some(d) = &var.default {
            let ok = match (var.kind, d.get_ref()) {
                (VarType::String, toml::Value::String(_)) => true,
                (VarType::Bool, toml::Value::Boolean(_)) => true,
                (VarType::Integer, toml::Value::Integer(_)) => true,
                (VarType::Choice, toml::Value::String(s)) => {
                    var.choices.contains(s) || s.contains("{{")
                }
                _ => false,
            };
            if !ok {
                let help = match var.kind {
                    VarType::Choice => format!("use one of {:?}", var.choices),
                    VarType::Bool => "use true or false".into(),
                    VarType::Integer => "use a whole number".into(),
                    VarType::String => "use a quoted string".into(),
                };
                return Err(cx.err(
                    d.span(),
                    format!("default of `{name}` does not fit its type"),
                    help,
                ));
            }
        }
        if let (Some(min), Some(max)) = (var.min, var.max)
            && min > max
        {
            return Err(cx.err(
                span,
                format!("`min` of `{name}` is above its `max`"),
                "swap them",
            ));
        }
    }
    Ok(())
}

fn validate_services(m: &Manifest, cx: &Ctx) -> Result<()> {
    for (name, svc) in &m.service {
        check_ready(&svc.ready, &format!("service `{name}`"), cx, 0..0)?;
        check_per_track(&svc.run, m, &format!("`run` of service `{name}`"), cx, 0..0)?;
    }
    Ok(())
}

fn check_ready(ready: &Ready, what: &str, cx: &Ctx, span: Range<usize>) -> Result<()> {
    if let Some(e) = super::regex_problem(&ready.log) {
        return Err(cx.err(
            span.clone(),
            format!("`ready.log` of {what} is not a valid regex: {e}"),
            "fix the regex (Rust regex syntax)",
        ));
    }
    if !super::regex_has_group(&ready.log, "addr") {
        return Err(cx.err(
            span.clone(),
            format!("`ready.log` of {what} has no `(?P<addr>…)` group"),
            "capture the address the service prints, for example 'listening on (?P<addr>127\\.0\\.0\\.1:\\d+)'",
        ));
    }
    if let Some(t) = &ready.timeout {
        let at = if span == (0..0) { t.span() } else { span };
        duration(t.get_ref(), &format!("`ready.timeout` of {what}"), cx, at)?;
    }
    Ok(())
}

fn duration(t: &str, what: &str, cx: &Ctx, span: Range<usize>) -> Result<()> {
    if let Err(why) = parse_duration(t) {
        return Err(cx.err(
            span,
            format!("{what} `{t}` is not a duration: {why}"),
            "write a number and a unit: \"500ms\", \"30s\", \"2m\"",
        ));
    }
    Ok(())
}

fn check_per_track(
    run: &PerTrack,
    m: &Manifest,
    what: &str,
    cx: &Ctx,
    span: Range<usize>,
) -> Result<()> {
    if let PerTrack::Tracks(map) = run {
        for t in map.keys() {
            if !m.track.contains_key(t) {
                return Err(cx.err(
                    span.clone(),
                    format!("{what} names track `{t}`, which the lab does not declare"),
                    format!(
                        "declare `[track.{t}]`, or use one of: {}",
                        m.lab.tracks.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_relative(p: &str, what: &str, cx: &Ctx, span: Range<usize>) -> Result<()> {
    let path = Path::new(p);
    if p.is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(cx.err(
            span,
            format!("{what} `{p}` must be a relative path inside the lab"),
            "write a path relative to the lab root, without `..`",
        ));
    }
    // The one path gate, after the harmless `./` and trailing `/`.
    let plain = p.strip_prefix("./").unwrap_or(p).trim_end_matches('/');
    if let Some(why) = crate::pathgate::problem(plain) {
        return Err(cx.err(
            span,
            format!("{what} `{}` is unsafe: {why}", crate::pathgate::shown(p)),
            "write a plain path relative to the lab root (no `..`, no `\\`, not into `.git` or `.labforge`)",
        ));
    }
    Ok(())
}

/// A glob (`edit`, `[ownership]`) may only match inside the lab: none of
/// its literal components may be `..`, `.git`, `.labforge` or a look-alike,
/// and it may not start at `/`.
fn glob_problem(g: &str) -> Option<String> {
    if g.starts_with('/') {
        return Some("it starts at `/`".into());
    }
    g.split('/')
        .filter(|part| !part.is_empty() && *part != "." && !part.contains(['*', '?', '[', '{']))
        .find_map(|part| crate::pathgate::component_problem(part).map(str::to_string))
}

fn validate_exercises(m: &Manifest, cx: &Ctx) -> Result<()> {
    let mut ids = BTreeSet::new();
    for ex_sp in &m.exercise {
        let ex = ex_sp.get_ref();
        let id = ex.id.get_ref();
        if !is_id(id) {
            return Err(cx.err(
                ex.id.span(),
                format!("exercise id `{id}` is not a valid id"),
                "use lower-case letters, digits and `-`, such as \"03-pagination\"",
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(cx.err(
                ex.id.span(),
                format!("exercise id `{id}` is used twice"),
                "give every exercise its own id",
            ));
        }
        for a in ex.after.iter().flatten() {
            if !ids.contains(a) || a == id {
                return Err(cx.err(
                    ex.id.span(),
                    format!(
                        "exercise `{id}` comes `after` `{a}`, which is not an earlier exercise"
                    ),
                    "list ids of exercises declared above this one",
                ));
            }
        }
        if let Some(doc) = &ex.doc {
            check_per_track(
                doc,
                m,
                &format!("`doc` of exercise `{id}`"),
                cx,
                ex.id.span(),
            )?;
        }
        for (what, p) in ex
            .doc
            .iter()
            .flat_map(|d| d.values())
            .map(|d| ("doc", d))
            .chain(ex.solution.iter().map(|s| ("solution", s.as_str())))
        {
            check_relative(p, &format!("`{what}` of exercise `{id}`"), cx, ex.id.span())?;
        }
        for g in &ex.edit {
            if let Some(why) = glob_problem(g) {
                return Err(cx.err(
                    ex.id.span(),
                    format!(
                        "the `edit` glob `{}` of exercise `{id}` is unsafe: {why}",
                        crate::pathgate::shown(g)
                    ),
                    "`edit` globs match files inside the lab, for example \"{src}/config.*\"",
                ));
            }
        }
        let mut check_ids: BTreeMap<String, usize> = BTreeMap::new();
        for (i, c_sp) in ex.check.iter().enumerate() {
            let c = c_sp.get_ref();
            let cid = c.id_or(i);
            if check_ids.insert(cid.clone(), i).is_some() {
                return Err(cx.err(
                    c_sp.span(),
                    format!("check id `{cid}` is used twice in exercise `{id}`"),
                    "give each check of an exercise its own `id`",
                ));
            }
            validate_check(
                m,
                c,
                &check_ids,
                &format!("check `{cid}` of exercise `{id}`"),
                cx,
                c_sp.span(),
            )?;
        }
    }
    Ok(())
}

/// Keys set on a check, by name, so keys of other kinds can be rejected.
fn keys_set(c: &CheckDef) -> Vec<&'static str> {
    let mut k = Vec::new();
    let mut add = |name: &'static str, set: bool| {
        if set {
            k.push(name)
        }
    };
    add("run", c.run.is_some());
    add("services", !c.services.is_empty());
    add("exit", c.exit.is_some());
    add("stdout_matches", !c.stdout_matches.is_empty());
    add("stdout_json", c.stdout_json.is_some());
    add("path", c.path.is_some());
    add("exists", c.exists.is_some());
    add("matches", !c.matches.is_empty());
    add("not_matches", !c.not_matches.is_empty());
    add("means", !c.means.is_empty());
    add("paths", !c.paths.is_empty());
    add("markers", !c.markers.is_empty());
    add("service", c.service.is_some());
    add("request", c.request.is_some());
    add("expect", c.expect.is_some());
    add("ready", c.ready.is_some());
    add("steps", !c.steps.is_empty());
    add("db", c.db.is_some());
    add("query", c.query.is_some());
    add("query_file", c.query_file.is_some());
    add("expect_rows", c.expect_rows.is_some());
    add("order", c.order.is_some());
    add("float_tolerance", c.float_tolerance.is_some());
    add("mode", c.mode.is_some());
    add("then", c.then.is_some());
    add("plan", c.plan.is_some());
    add("sections", !c.sections.is_empty());
    add("min_words", c.min_words.is_some());
    add("min_options", c.min_options.is_some());
    add("status", !c.status.is_empty());
    k
}

fn allowed_keys(kind: CheckKind) -> &'static [&'static str] {
    match kind {
        CheckKind::Command => &["run", "services", "exit", "stdout_matches", "stdout_json"],
        CheckKind::File => &["path", "paths", "exists", "matches", "not_matches", "means"],
        CheckKind::NoPlaceholders => &["paths", "path", "markers"],
        CheckKind::Http => &["service", "services", "request", "expect"],
        CheckKind::Process => &["run", "ready", "steps", "expect", "services"],
        CheckKind::Sql => &[
            "db",
            "query",
            "query_file",
            "expect_rows",
            "order",
            "float_tolerance",
            "mode",
            "then",
            "plan",
        ],
        CheckKind::Adr => &["path", "sections", "min_words", "min_options", "status"],
    }
}

fn validate_check(
    m: &Manifest,
    c: &CheckDef,
    earlier: &BTreeMap<String, usize>,
    what: &str,
    cx: &Ctx,
    span: Range<usize>,
) -> Result<()> {
    let kind = *c.kind.get_ref();
    let allowed = allowed_keys(kind);
    for key in keys_set(c) {
        if !allowed.contains(&key) {
            return Err(cx.err(
                span.clone(),
                format!(
                    "`{key}` is not a key of a `{}` check ({what})",
                    kind.as_str()
                ),
                format!("a `{}` check takes: {}", kind.as_str(), allowed.join(", ")),
            ));
        }
    }
    let require = |set: bool, key: &str, example: &str| -> Result<()> {
        if set {
            Ok(())
        } else {
            Err(cx.err(
                span.clone(),
                format!("{what} needs `{key}`"),
                format!("add it, for example `{example}`"),
            ))
        }
    };
    if let Some(t) = &c.timeout {
        duration(t.get_ref(), &format!("`timeout` of {what}"), cx, t.span())?;
    }
    if let Some(CheckNeeds::Check(dep)) = &c.needs {
        let own = earlier
            .iter()
            .find(|(_, i)| **i == earlier.len() - 1)
            .map(|(k, _)| k.as_str());
        if !earlier.contains_key(dep) || own == Some(dep.as_str()) {
            return Err(cx.err(
                span.clone(),
                format!("{what} `needs` check `{dep}`, which is not an earlier check of the exercise"),
                "name the `id` of a check declared above this one, or use `needs = [\"tool\"]` for tools",
            ));
        }
    }
    for s in c.services.iter().chain(c.service.iter()) {
        if !m.service.contains_key(s) {
            return Err(cx.err(
                span.clone(),
                format!("{what} uses service `{s}`, which is not declared"),
                format!("declare `[service.{s}]`"),
            ));
        }
    }
    for re in c.means.keys() {
        if !c.matches.contains(re) && !c.not_matches.contains(re) {
            return Err(cx.err(
                span.clone(),
                format!("{what}: `means` explains `{re}`, which is not one of its `matches` or `not_matches`"),
                "use the regex exactly as written in `matches` or `not_matches` as the key",
            ));
        }
    }
    for re in c
        .matches
        .iter()
        .chain(&c.not_matches)
        .chain(&c.stdout_matches)
    {
        if let Some(e) = super::regex_problem(re) {
            return Err(cx.err(
                span.clone(),
                format!("{what}: `{re}` is not a valid regex: {e}"),
                "fix the regex (Rust regex syntax has no look-around)",
            ));
        }
    }
    for p in c
        .path
        .iter()
        .chain(&c.paths)
        .chain(c.query_file.iter())
        .chain(c.expect_rows.iter())
    {
        check_relative(p, &format!("a path of {what}"), cx, span.clone())?;
    }
    match kind {
        CheckKind::Command => {
            require(c.run.is_some(), "run", "run = \"{test} tests/test_01.py\"")?;
            check_per_track(
                c.run.as_ref().expect("checked"),
                m,
                &format!("`run` of {what}"),
                cx,
                span.clone(),
            )?;
        }
        CheckKind::File => require(
            c.path.is_some() || !c.paths.is_empty(),
            "path",
            "path = \"Dockerfile\"",
        )?,
        CheckKind::NoPlaceholders => {}
        CheckKind::Http => {
            require(c.service.is_some(), "service", "service = \"app\"")?;
            require(
                c.request.is_some(),
                "request",
                "request = { method = \"GET\", path = \"/healthz\" }",
            )?;
            require(c.expect.is_some(), "expect", "expect = { status = 200 }")?;
            if let Some(e) = &c.expect {
                settings::http_expect(e).map_err(|e| setting_error(e, what, cx))?;
            }
        }
        CheckKind::Process => {
            require(
                c.run.is_some(),
                "run",
                "run = \".venv/bin/python -m service\"",
            )?;
            check_per_track(
                c.run.as_ref().expect("checked"),
                m,
                &format!("`run` of {what}"),
                cx,
                span.clone(),
            )?;
            if let Some(r) = &c.ready {
                check_ready(r, what, cx, span.clone())?;
            }
            require(
                c.expect.is_some(),
                "expect",
                "expect = { exit = 0, within = \"5s\" }",
            )?;
            if let Some(e) = &c.expect {
                settings::process_expect(e).map_err(|e| setting_error(e, what, cx))?;
            }
            for s in &c.steps {
                settings::step(s.get_ref(), s.span()).map_err(|e| setting_error(e, what, cx))?;
            }
        }
        CheckKind::Sql => {
            require(
                c.db.is_some(),
                "db",
                "db = { build = [\"migrations/*.sql\", \"data/seed.sql\"] }",
            )?;
            let has_query = c.query.is_some() || c.query_file.is_some();
            require(
                has_query || c.plan.as_ref().is_some_and(|p| p.query.is_some()),
                "query_file",
                "query_file = \"queries/q01.sql\" (or `plan.query`)",
            )?;
            if c.expect_rows.is_some() {
                require(
                    c.order.is_some(),
                    "order",
                    "order = \"any\" (or \"exact\", or key columns such as [\"id\"])",
                )?;
            }
            if let Some(SqlOrder::Rule(r)) = &c.order
                && r != "any"
                && r != "exact"
            {
                return Err(cx.err(span.clone(), format!("`order` of {what} is `{r}`"), "use \"any\", \"exact\", or a list of key columns such as [\"revenue_cents desc\", \"id\"]"));
            }
            if let Some(mode) = &c.mode
                && mode != "read"
                && mode != "write"
            {
                return Err(cx.err(
                    span.clone(),
                    format!("`mode` of {what} is `{mode}`"),
                    "use \"read\" (the default) or \"write\"",
                ));
            }
        }
        CheckKind::Adr => require(
            c.path.is_some(),
            "path",
            "path = \"docs/adr/0002-retry-and-backoff-policy.md\"",
        )?,
    }
    Ok(())
}

fn setting_error(e: settings::SettingError, what: &str, cx: &Ctx) -> Error {
    cx.err(e.span, format!("{} ({what})", e.message), e.help)
}

/// Every glob of the lab (`[ownership]`, `edit`, a check's `path`/`paths`,
/// `db.build`) is valid for every track once track vars are expanded (before,
/// `{src}` would read as glob alternatives).
fn validate_globs(m: &Manifest, cx: &Ctx) -> Result<()> {
    let tracks: Vec<Option<&str>> = if m.lab.tracks.is_empty() {
        vec![None]
    } else {
        m.lab.tracks.iter().map(|t| Some(t.as_str())).collect()
    };
    let at = |what: String, e: Error, span: Range<usize>| {
        cx.err(
            span,
            format!("{} ({what})", e.message),
            e.help.unwrap_or_default(),
        )
    };
    for track in tracks {
        let vars = m.track_vars(track);
        for g in m
            .ownership
            .learner
            .iter()
            .chain(&m.ownership.template)
            .chain(&m.ownership.shared)
        {
            crate::glob::check(&expand_vars(g, &vars))
                .map_err(|e| at("in `[ownership]`".into(), e, 0..0))?;
        }
        for ex in m.exercise.iter() {
            let id = ex.get_ref().id();
            for g in &ex.get_ref().edit {
                crate::glob::check(&expand_vars(g, &vars)).map_err(|e| {
                    at(
                        format!("`edit` of exercise `{id}`"),
                        e,
                        ex.get_ref().id.span(),
                    )
                })?;
            }
            for (i, c) in ex.get_ref().check.iter().enumerate() {
                let cd = c.get_ref();
                let globs = cd
                    .path
                    .iter()
                    .chain(&cd.paths)
                    .chain(cd.db.iter().flat_map(|d| &d.build));
                for g in globs {
                    crate::glob::check(&expand_vars(g, &vars)).map_err(|e| {
                        at(
                            format!("check `{}` of exercise `{id}`", cd.id_or(i)),
                            e,
                            c.span(),
                        )
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// `[ownership]` globs stay inside the lab (their validity is checked with
/// every other glob in [`validate_globs`]).
fn validate_ownership(m: &Manifest, cx: &Ctx) -> Result<()> {
    for g in m
        .ownership
        .learner
        .iter()
        .chain(&m.ownership.template)
        .chain(&m.ownership.shared)
    {
        if let Some(why) = glob_problem(g) {
            return Err(Error::new(format!(
                "ownership glob `{}` is unsafe: {why}",
                crate::pathgate::shown(g)
            ))
            .in_file(cx.file)
            .with_help("globs match paths inside the lab, for example \"tests/**\""));
        }
    }
    Ok(())
}
