//! `kind = "file"` (a file exists, or not, and matches / does not match
//! regexes) and `kind = "no_placeholders"` (the exercise's markers such as
//! `TODO(lab)` are gone from the learner's files).

use regex::Regex;

use super::{Job, Outcome};
use crate::check::{Context, files};
use crate::error::{Error, Result};

/// Markers looked for when a `no_placeholders` check lists none.
pub(crate) const DEFAULT_MARKERS: &[&str] = &[
    "TODO(lab)",
    "todo!()",
    "unimplemented!()",
    "NotImplementedError",
];

/// At most this many placeholder places are listed.
const MAX_LISTED: usize = 10;

fn patterns(cx: &Context, job: &Job) -> Vec<String> {
    job.check
        .path
        .iter()
        .chain(&job.check.paths)
        .map(|p| cx.expand(p))
        .collect()
}

pub(crate) fn run_file(cx: &Context, job: &Job) -> Result<Outcome> {
    let want_exists = job.check.exists.unwrap_or(true);
    let mut problems = Vec::new();
    for pattern in patterns(cx, job) {
        let found = files::glob(&cx.root, &pattern)?;
        match (want_exists, found.is_empty()) {
            (true, true) => problems.push(format!("`{pattern}` does not exist")),
            (false, false) => problems.push(format!(
                "`{}` exists, but it should not",
                found.join("`, `")
            )),
            (false, true) => {}
            (true, false) => {
                for rel in found {
                    problems.extend(content_problems(cx, job, &rel)?);
                }
            }
        }
    }
    Ok(if problems.is_empty() {
        Outcome::pass()
    } else {
        Outcome::fail(problems.join("\n"))
    })
}

fn content_problems(cx: &Context, job: &Job, rel: &str) -> Result<Vec<String>> {
    let c = job.check;
    if c.matches.is_empty() && c.not_matches.is_empty() {
        return Ok(Vec::new());
    }
    let text = String::from_utf8_lossy(&crate::fsx::read(&cx.root.join(rel))?).into_owned();
    let mut out = Vec::new();
    // A regex is read by its author; a learner reads what it means (`means`).
    for re in &c.matches {
        if !regex(re)?.is_match(&text) {
            out.push(match c.means.get(re) {
                Some(words) => format!("`{rel}` has no {words}"),
                None => format!("`{rel}` has nothing matching `{re}`"),
            });
        }
    }
    for re in &c.not_matches {
        if let Some(m) = regex(re)?.find(&text) {
            let (line, _) = crate::error::line_col(&text, m.start());
            let shown = text.lines().nth(line - 1).unwrap_or("").trim();
            out.push(match c.means.get(re) {
                Some(words) => {
                    format!("`{rel}` line {line} has {words}, which it must not: {shown}")
                }
                None => format!("`{rel}` line {line} matches `{re}`, which it must not: {shown}"),
            });
        }
    }
    Ok(out)
}

fn regex(re: &str) -> Result<Regex> {
    Regex::new(re).map_err(|e| {
        Error::new(format!("`{re}` is not a valid regex: {e}"))
            .with_help("fix the regex in lab.toml")
    })
}

pub(crate) fn run_no_placeholders(cx: &Context, job: &Job) -> Result<Outcome> {
    let mut pats = patterns(cx, job);
    if pats.is_empty() {
        pats = job.exercise.edit.iter().map(|p| cx.expand(p)).collect();
    }
    let markers: Vec<String> = if job.check.markers.is_empty() {
        DEFAULT_MARKERS.iter().map(|s| s.to_string()).collect()
    } else {
        job.check.markers.clone()
    };
    let mut found_any = false;
    let mut places = Vec::new();
    for pattern in &pats {
        for rel in files::glob(&cx.root, pattern)? {
            found_any = true;
            let bytes = crate::fsx::read(&cx.root.join(&rel))?;
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                if markers.iter().any(|m| line.contains(m.as_str())) {
                    places.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    if !found_any {
        return Ok(Outcome::fail(format!(
            "no file matches `{}`",
            pats.join("`, `")
        )));
    }
    if places.is_empty() {
        return Ok(Outcome::pass());
    }
    let total = places.len();
    let mut msg = format!(
        "{total} placeholder{} left (replace each with your code):",
        if total == 1 { " is" } else { "s are" }
    );
    for p in places.iter().take(MAX_LISTED) {
        msg.push_str(&format!("\n{p}"));
    }
    if total > MAX_LISTED {
        msg.push_str(&format!("\n… and {} more", total - MAX_LISTED));
    }
    Ok(Outcome::fail(msg))
}
