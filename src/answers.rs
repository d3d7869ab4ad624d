//! Template-time answers: the track and the `[variable.*]` values a lab asks
//! for, taken from `--set`, `--answers FILE`, a prompt on a terminal, or the
//! defaults, in that order of precedence.
//!
//! Variables are asked in the order they are declared; a default is
//! handlebars over earlier answers, and `when` (also handlebars) decides
//! whether a variable is asked at all (unset when it renders empty or
//! "false"). Off a terminal nothing ever waits for input: with `--defaults`
//! the defaults are used, otherwise the error lists every missing answer.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use regex_automata::nfa::thompson::pikevm::PikeVM;

use crate::error::{Error, Result};
use crate::manifest::{VarType, Variable};
use crate::render::Renderer;
use crate::template::Lab;

/// How to fill what nobody answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Ask on the terminal.
    Prompt,
    /// Take every default.
    Defaults,
    /// Ask nothing; a missing answer is an error.
    NoInput,
}

impl Mode {
    /// `Prompt` when stdin and stderr are terminals, else `Defaults` or
    /// `NoInput` depending on `--defaults`.
    pub(crate) fn detect(defaults: bool) -> Mode {
        if defaults {
            Mode::Defaults
        } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            Mode::Prompt
        } else {
            Mode::NoInput
        }
    }
}

/// Answers given up front, with where each came from (for error messages).
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    pub(crate) track: Option<String>,
    pub(crate) values: toml::Table,
    pub(crate) origin: BTreeMap<String, String>,
}

impl Given {
    /// Reads `--answers FILE` (a TOML table of variable = value; an optional
    /// `track` key picks the track).
    pub(crate) fn add_file(&mut self, path: &std::path::Path) -> Result<()> {
        let text = crate::fsx::read_to_string(path)?;
        let mut table: toml::Table = toml::from_str(&text).map_err(|e| {
            let err = Error::new(format!(
                "the answers file does not parse: {}",
                e.message().trim_end()
            ))
            .with_help(
                "write one `name = value` line per variable, for example `project_name = \"demo\"`",
            );
            match e.span() {
                Some(s) => err.at_offset(path, &text, s.start),
                None => err.in_file(path),
            }
        })?;
        if let Some(t) = table.remove("track") {
            let t = t.as_str().ok_or_else(|| {
                Error::new("`track` in the answers file must be a string")
                    .in_file(path)
                    .with_help("write `track = \"python\"`")
            })?;
            self.track.get_or_insert_with(|| t.to_string());
        }
        for (k, v) in table {
            self.origin
                .entry(k.clone())
                .or_insert_with(|| path.display().to_string());
            self.values.entry(k).or_insert(v);
        }
        Ok(())
    }

    /// Adds `--set NAME=VALUE` items; they win over the answers file.
    pub(crate) fn add_sets(&mut self, items: &[String]) -> Result<()> {
        for item in items {
            let (name, value) = item.split_once('=').ok_or_else(|| {
                Error::new(format!("`--set {item}` has no `=`"))
                    .with_help("write `--set NAME=VALUE`, for example `--set project_name=demo`")
            })?;
            let name = name.trim();
            self.values
                .insert(name.to_string(), toml::Value::String(value.to_string()));
            self.origin
                .insert(name.to_string(), format!("--set {name}"));
        }
        Ok(())
    }
}

/// The answers and the track chosen.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolved {
    pub(crate) track: Option<String>,
    pub(crate) answers: toml::Table,
}

/// Every default, without asking (variables whose `when` is false are left
/// out). For the first track when `track` is None and the lab has tracks.
pub(crate) fn default_answers(lab: &Lab, track: Option<&str>) -> Result<toml::Table> {
    let given = Given {
        track: track.map(str::to_string),
        ..Given::default()
    };
    Ok(resolve(lab, &given, Mode::Defaults)?.answers)
}

/// Resolves the track and every variable of `lab`.
pub(crate) fn resolve(lab: &Lab, given: &Given, mode: Mode) -> Result<Resolved> {
    let vars = &lab.manifest.variable;
    if let Some(unknown) = given.values.keys().find(|k| vars.get(k).is_none()) {
        let names: Vec<&str> = vars.iter().map(|(n, _)| n).collect();
        let from = given.origin.get(unknown).cloned().unwrap_or_default();
        return Err(Error::new(format!(
            "`{unknown}` is not a variable of lab `{}` (from {from})",
            lab.manifest.id()
        ))
        .with_help(if names.is_empty() {
            "this lab has no variables; `labforge show LAB` lists what it takes".to_string()
        } else {
            format!(
                "its variables are: {}; `labforge show {}` describes them",
                names.join(", "),
                lab.manifest.id()
            )
        }));
    }
    let mut missing = Vec::new();
    let track = resolve_track(lab, given.track.as_deref(), mode, &mut missing)?;
    let mut answers = toml::Table::new();
    // Answers assumed for missing variables, so later `when`s and defaults
    // can still be evaluated and every missing answer gets listed.
    let mut assumed = toml::Table::new();
    for (name, var) in vars.iter() {
        let mut ctx = answers.clone();
        ctx.extend(assumed.clone());
        let r = Renderer::new(lab, track.as_deref(), &ctx)?;
        if let Some(cond) = &var.when {
            let out = r
                .render_inline(cond)
                .map_err(|e| e.with_detail(format!("in `when` of variable `{name}`")))?;
            if matches!(out.trim(), "" | "false") {
                continue;
            }
        }
        if let Some(v) = given.values.get(name) {
            let value = coerce(var, v).map_err(|why| {
                let from = given.origin.get(name).cloned().unwrap_or_default();
                Error::new(format!(
                    "`{}` is not a valid answer for `{name}` (from {from}): {why}",
                    display(v)
                ))
                .with_help(expectation(var))
            })?;
            answers.insert(name.to_string(), value);
            continue;
        }
        let default = default_value(name, var, &r)?;
        match mode {
            Mode::Defaults => match default {
                Some(d) => {
                    answers.insert(name.to_string(), d);
                }
                None => missing.push(missing_line(name, var, None)),
            },
            Mode::NoInput => {
                missing.push(missing_line(name, var, default.as_ref()));
                if let Some(d) = default {
                    assumed.insert(name.to_string(), d);
                }
            }
            Mode::Prompt => {
                answers.insert(
                    name.to_string(),
                    crate::prompt::ask(name, var, default.as_ref())?,
                );
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing_error(lab, mode, missing));
    }
    Ok(Resolved { track, answers })
}

fn resolve_track(
    lab: &Lab,
    given: Option<&str>,
    mode: Mode,
    missing: &mut Vec<String>,
) -> Result<Option<String>> {
    let tracks = lab.tracks();
    if let Some(t) = given {
        if tracks.iter().any(|x| x == t) {
            return Ok(Some(t.to_string()));
        }
        let help = if tracks.is_empty() {
            "this lab has no tracks: leave out --track".to_string()
        } else {
            format!("choose one of: {}", tracks.join(", "))
        };
        return Err(
            Error::new(format!("lab `{}` has no track `{t}`", lab.manifest.id())).with_help(help),
        );
    }
    match (tracks.len(), mode) {
        (0, _) => Ok(None),
        (1, _) | (_, Mode::Defaults) => Ok(Some(tracks[0].clone())),
        (_, Mode::Prompt) => crate::prompt::ask_track(tracks).map(Some),
        (_, Mode::NoInput) => {
            missing.push(format!(
                "--track TRACK: one of {} (default: {})",
                tracks.join(", "),
                tracks[0]
            ));
            Ok(Some(tracks[0].clone()))
        }
    }
}

fn missing_error(lab: &Lab, mode: Mode, missing: Vec<String>) -> Error {
    let (message, help) = if mode == Mode::Defaults {
        (
            format!(
                "lab `{}` needs answers that have no default",
                lab.manifest.id()
            ),
            "give them with --set NAME=VALUE or --answers FILE".to_string(),
        )
    } else {
        (
            format!("lab `{}` needs answers, and labforge cannot ask for them (not a terminal)", lab.manifest.id()),
            "give each with --track / --set NAME=VALUE (or --answers FILE), or pass --defaults to take the defaults shown"
                .to_string(),
        )
    };
    let mut err = Error::new(message).with_help(help);
    for line in missing {
        err = err.with_detail(line);
    }
    err
}

fn missing_line(name: &str, var: &Variable, default: Option<&toml::Value>) -> String {
    let what = var.prompt.clone().unwrap_or_else(|| name.to_string());
    let default = match default {
        Some(d) => format!("default: {}", display(d)),
        None => "no default".to_string(),
    };
    format!(
        "--set {name}=VALUE: {what} ({}; {default})",
        expectation(var)
    )
}

/// What an answer must look like, for help texts.
pub(crate) fn expectation(var: &Variable) -> String {
    match var.kind {
        VarType::String => match &var.pattern {
            Some(p) => format!("a string matching {}", p.get_ref()),
            None => "a string".to_string(),
        },
        VarType::Bool => "true or false".to_string(),
        VarType::Integer => match (var.min, var.max) {
            (Some(a), Some(b)) => format!("a whole number from {a} to {b}"),
            (Some(a), None) => format!("a whole number, at least {a}"),
            (None, Some(b)) => format!("a whole number, at most {b}"),
            (None, None) => "a whole number".to_string(),
        },
        VarType::Choice => format!("one of {}", var.choices.join(", ")),
    }
}

/// A value as the user would type it.
pub(crate) fn display(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The default of a variable, rendered over earlier answers and checked. A
/// bool without default is false, a choice without default its first choice.
pub(crate) fn default_value(
    name: &str,
    var: &Variable,
    r: &Renderer,
) -> Result<Option<toml::Value>> {
    let raw = match &var.default {
        Some(d) => d.get_ref().clone(),
        None => match var.kind {
            VarType::Bool => toml::Value::Boolean(false),
            VarType::Choice => toml::Value::String(var.choices[0].clone()),
            _ => return Ok(None),
        },
    };
    let raw = match raw {
        toml::Value::String(s) if s.contains("{{") => toml::Value::String(
            r.render_inline(&s)
                .map_err(|e| e.with_detail(format!("in the default of variable `{name}`")))?,
        ),
        other => other,
    };
    coerce(var, &raw).map(Some).map_err(|why| {
        Error::new(format!(
            "the default of `{name}` renders to `{}`, which is not valid: {why}",
            display(&raw)
        ))
        .with_help("fix the default in lab.toml (it is handlebars over earlier answers)")
    })
}

/// Converts an answer to the variable's type and validates it.
pub(crate) fn coerce(var: &Variable, v: &toml::Value) -> std::result::Result<toml::Value, String> {
    let value = match (var.kind, v) {
        (VarType::Bool, toml::Value::Boolean(b)) => toml::Value::Boolean(*b),
        (VarType::Bool, toml::Value::String(s)) => {
            toml::Value::Boolean(parse_bool(s).ok_or("expected true or false")?)
        }
        (VarType::Integer, toml::Value::Integer(i)) => toml::Value::Integer(*i),
        (VarType::Integer, toml::Value::String(s)) => toml::Value::Integer(
            s.trim()
                .parse()
                .map_err(|_| "expected a whole number".to_string())?,
        ),
        (VarType::String | VarType::Choice, toml::Value::String(s)) => {
            toml::Value::String(s.clone())
        }
        _ => return Err(format!("expected {}", expectation(var))),
    };
    validate(var, &value)?;
    Ok(value)
}

fn validate(var: &Variable, value: &toml::Value) -> std::result::Result<(), String> {
    match value {
        toml::Value::Integer(i)
            if var.min.is_some_and(|m| *i < m) || var.max.is_some_and(|m| *i > m) =>
        {
            return Err(format!("expected {}", expectation(var)));
        }
        toml::Value::String(s) if var.kind == VarType::Choice && !var.choices.contains(s) => {
            return Err(format!("expected one of {}", var.choices.join(", ")));
        }
        toml::Value::String(s) if var.kind == VarType::String => {
            if let Some(p) = &var.pattern {
                let vm =
                    PikeVM::new(&format!("^(?:{})$", p.get_ref())).map_err(|e| e.to_string())?;
                if !vm.is_match(&mut vm.create_cache(), s.as_str()) {
                    return Err(format!("it does not match {}", p.get_ref()));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "on" => Some(true),
        "false" | "no" | "n" | "0" | "off" => Some(false),
        _ => None,
    }
}
