//! Typed check settings whose keys depend on the check's kind: `expect` of
//! `http` and `process` checks, and the `steps` of `process` checks.
//!
//! `lab.toml` reads them as tables that keep the position of every key and
//! value ([`Settings`]); here they become typed values. Every key must be one
//! the kind accepts and every value must have that key's type; anything else
//! is an error at the key's or the value's `lab.toml:LINE:COL` that lists
//! what the kind accepts (so `exit = "0"` or `within = 5` can never be
//! dropped silently). Validation runs these when a lab is loaded; the check
//! kinds run them again to get the values.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::types::Settings;

/// A bad key or value, with its place in lab.toml (a byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SettingError {
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: String,
}

/// `expect` of an `http` check.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct HttpExpect {
    pub(crate) status: Option<u16>,
    /// Header name (case-insensitive) → exact value.
    pub(crate) headers: BTreeMap<String, String>,
    /// A JSON value the body must contain (a subset).
    pub(crate) json: Option<toml::Value>,
    pub(crate) max_ms: Option<u64>,
    /// A regex the body must match.
    pub(crate) body_matches: Option<String>,
}

/// `expect` of a `process` check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ProcessExpect {
    pub(crate) exit: Option<i32>,
    /// The program must exit this soon after the last signal (or its start).
    pub(crate) within: Option<Duration>,
    pub(crate) background_status: Option<u16>,
    /// Every non-empty stdout line must parse as JSON.
    pub(crate) stdout_json_lines: bool,
}

/// One step of a `process` check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Http {
        method: String,
        path: String,
        background: bool,
        /// The status a foreground request must get.
        status: Option<u16>,
    },
    Wait(Duration),
    /// A signal name without `SIG` (`TERM`, `INT`, `HUP`).
    Signal(String),
}

const HTTP_EXPECT: &[(&str, &str)] = &[
    ("status", "an HTTP status such as 200"),
    ("headers", "a table of header name = value"),
    ("json", "a value the JSON body must contain"),
    ("max_ms", "a whole number of milliseconds"),
    ("body_matches", "a regex the body must match"),
];

const PROCESS_EXPECT: &[(&str, &str)] = &[
    ("exit", "the exit code, an integer such as 0"),
    ("within", "a duration such as \"5s\""),
    (
        "background_status",
        "the HTTP status background requests must get",
    ),
    ("stdout_json_lines", "true: every stdout line is JSON"),
];

const STEP: &[(&str, &str)] = &[
    ("http", "\"METHOD /path\""),
    ("background", "true: do not wait for the answer"),
    ("status", "the HTTP status a foreground request must get"),
    ("wait", "a duration such as \"100ms\""),
    ("signal", "a signal name such as \"TERM\""),
];

/// Reads one settings table against the keys it accepts.
struct Reader<'a> {
    table: &'a Settings,
    /// `expect` or `a step`, as named in messages.
    name: &'static str,
    kind: &'static str,
    accepts: &'static [(&'static str, &'static str)],
}

impl Reader<'_> {
    fn help(&self) -> String {
        let keys: Vec<String> = self
            .accepts
            .iter()
            .map(|(k, what)| format!("{k} ({what})"))
            .collect();
        format!(
            "{} of a `{}` check takes: {}",
            self.name,
            self.kind,
            keys.join(", ")
        )
    }

    fn check_keys(&self) -> Result<(), SettingError> {
        for (key, _) in &self.table.0 {
            if !self.accepts.iter().any(|(k, _)| k == key.get_ref()) {
                return Err(SettingError {
                    span: key.span(),
                    message: format!(
                        "`{}` is not a key of {} of a `{}` check",
                        key.get_ref(),
                        self.name,
                        self.kind
                    ),
                    help: self.help(),
                });
            }
        }
        Ok(())
    }

    fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.table
            .0
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.span())
    }

    /// The value of `key` as a `T`, or an error at the value.
    fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SettingError> {
        let Some(value) = self.table.get(key) else {
            return Ok(None);
        };
        let shown = value.get_ref().to_string();
        value
            .get_ref()
            .clone()
            .try_into::<T>()
            .map(Some)
            .map_err(|_| {
                let want = self
                    .accepts
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or("", |(_, w)| *w);
                SettingError {
                    span: value.span(),
                    message: format!(
                        "`{key}` in {} of a `{}` check must be {want}, not `{shown}`",
                        self.name, self.kind
                    ),
                    help: self.help(),
                }
            })
    }

    fn error(&self, key: &str, fallback: Range<usize>, message: String) -> SettingError {
        SettingError {
            span: self.span_of(key).unwrap_or(fallback),
            message,
            help: self.help(),
        }
    }

    fn duration(&self, key: &str) -> Result<Option<Duration>, SettingError> {
        let Some(text) = self.get::<String>(key)? else {
            return Ok(None);
        };
        super::parse_duration(&text).map(Some).map_err(|why| {
            self.error(
                key,
                0..0,
                format!(
                    "`{key} = \"{text}\"` in {} of a `{}` check is not a duration: {why}",
                    self.name, self.kind
                ),
            )
        })
    }
}

/// `expect` of an `http` check.
pub(crate) fn http_expect(t: &Settings) -> Result<HttpExpect, SettingError> {
    let r = Reader {
        table: t,
        name: "`expect`",
        kind: "http",
        accepts: HTTP_EXPECT,
    };
    r.check_keys()?;
    let out = HttpExpect {
        status: r.get("status")?,
        headers: r.get("headers")?.unwrap_or_default(),
        json: r.get("json")?,
        max_ms: r.get("max_ms")?,
        body_matches: r.get("body_matches")?,
    };
    if let Some(re) = &out.body_matches
        && let Some(e) = super::regex_problem(re)
    {
        return Err(r.error(
            "body_matches",
            0..0,
            format!("`body_matches` `{re}` is not a valid regex: {e}"),
        ));
    }
    Ok(out)
}

/// `expect` of a `process` check.
pub(crate) fn process_expect(t: &Settings) -> Result<ProcessExpect, SettingError> {
    let r = Reader {
        table: t,
        name: "`expect`",
        kind: "process",
        accepts: PROCESS_EXPECT,
    };
    r.check_keys()?;
    Ok(ProcessExpect {
        exit: r.get("exit")?,
        within: r.duration("within")?,
        background_status: r.get("background_status")?,
        stdout_json_lines: r.get("stdout_json_lines")?.unwrap_or(false),
    })
}

/// One step of a `process` check; `span` is the step's place (for a step
/// that says nothing to do).
pub(crate) fn step(t: &Settings, span: Range<usize>) -> Result<Step, SettingError> {
    let r = Reader {
        table: t,
        name: "a step",
        kind: "process",
        accepts: STEP,
    };
    r.check_keys()?;
    let http: Option<String> = r.get("http")?;
    let background: Option<bool> = r.get("background")?;
    let status: Option<u16> = r.get("status")?;
    let wait = r.duration("wait")?;
    let signal: Option<String> = r.get("signal")?;
    let actions = [http.is_some(), wait.is_some(), signal.is_some()];
    if actions.iter().filter(|a| **a).count() != 1 {
        return Err(SettingError {
            span,
            message: "a step does exactly one thing: `http`, `wait` or `signal`".into(),
            help: "write { http = \"GET /path\" }, { wait = \"100ms\" } or { signal = \"TERM\" }"
                .into(),
        });
    }
    if http.is_none() {
        for key in ["background", "status"] {
            if r.span_of(key).is_some() {
                return Err(r.error(key, span, format!("`{key}` belongs to an `http` step")));
            }
        }
    }
    if let Some(h) = http {
        let Some((method, path)) = h.split_once(' ') else {
            return Err(r.error(
                "http",
                span,
                format!("step `http = \"{h}\"` needs a method and a path"),
            ));
        };
        let background = background.unwrap_or(false);
        if background && status.is_some() {
            return Err(r.error(
                "status",
                span,
                format!("step `http = \"{h}\"` is in the background: check its status with `expect.background_status`"),
            ));
        }
        return Ok(Step::Http {
            method: method.to_string(),
            path: path.trim().to_string(),
            background,
            status,
        });
    }
    if let Some(d) = wait {
        return Ok(Step::Wait(d));
    }
    let s = signal.expect("one action is set");
    let name = s.trim_start_matches("SIG").to_string();
    if format!("SIG{name}")
        .parse::<nix::sys::signal::Signal>()
        .is_err()
    {
        return Err(r.error("signal", span, format!("`{s}` is not a signal name")));
    }
    Ok(Step::Signal(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Settings {
        #[derive(serde::Deserialize)]
        struct W {
            t: Settings,
        }
        toml::from_str::<W>(&format!("t = {text}")).unwrap().t
    }

    #[test]
    fn a_wrongly_typed_value_is_an_error_at_the_value() {
        let e = process_expect(&table("{ exit = \"0\" }")).unwrap_err();
        assert_eq!(
            e.message,
            "`exit` in `expect` of a `process` check must be the exit code, an integer such as 0, not `\"0\"`"
        );
        assert_eq!(e.span, 13..16);
        let e = process_expect(&table("{ within = 5 }")).unwrap_err();
        assert_eq!(
            e.message,
            "`within` in `expect` of a `process` check must be a duration such as \"5s\", not `5`"
        );
    }

    #[test]
    fn a_key_of_another_kind_is_an_error_at_the_key() {
        let e = process_expect(&table("{ status = 200 }")).unwrap_err();
        assert_eq!(
            e.message,
            "`status` is not a key of `expect` of a `process` check"
        );
        assert_eq!(e.span, 6..12);
        assert!(http_expect(&table("{ status = 200, max_ms = 5 }")).is_ok());
    }

    #[test]
    fn steps_are_typed() {
        assert_eq!(
            step(&table("{ http = \"GET /slow\", background = true }"), 0..0).unwrap(),
            Step::Http {
                method: "GET".into(),
                path: "/slow".into(),
                background: true,
                status: None
            }
        );
        assert_eq!(
            step(&table("{ signal = \"SIGTERM\" }"), 0..0).unwrap(),
            Step::Signal("TERM".into())
        );
        let bad = |t: &str| step(&table(t), 0..0).unwrap_err().message;
        assert_eq!(
            bad("{ http = \"GET /slow\", background = true, status = 200 }"),
            "step `http = \"GET /slow\"` is in the background: check its status with `expect.background_status`"
        );
        assert_eq!(
            bad("{ wait = \"1s\", backgroud = true }"),
            "`backgroud` is not a key of a step of a `process` check"
        );
        assert_eq!(bad("{ signal = \"NOPE\" }"), "`NOPE` is not a signal name");
        assert_eq!(
            bad("{ }"),
            "a step does exactly one thing: `http`, `wait` or `signal`"
        );
        assert_eq!(
            bad("{ wait = \"1s\", status = 200 }"),
            "`status` belongs to an `http` step"
        );
    }
}
