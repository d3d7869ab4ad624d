//! `kind = "adr"`: the named ADR is filled in (sections present with enough
//! words, options listed, an allowed status), judged by the ADR lint.

use super::{Job, Outcome};
use crate::adr::lint::{LintOptions, lint_file};
use crate::check::Context;
use crate::error::Result;

pub fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    let c = job.check;
    let rel = cx.expand(c.path.as_deref().unwrap_or_default());
    let path = cx.root.join(&rel);
    if !path.is_file() {
        return Ok(Outcome::fail(format!(
            "`{rel}` does not exist: write the ADR there (`labforge adr new` creates one)"
        )));
    }
    let mut opts = LintOptions {
        sections: c.sections.clone(),
        ..LintOptions::default()
    };
    if c.min_words.is_some() {
        opts.min_words = c.min_words;
    }
    if c.min_options.is_some() {
        opts.min_options = c.min_options;
    }
    if !c.status.is_empty() {
        opts.status = c.status.iter().map(|s| s.to_lowercase()).collect();
    }
    let findings = lint_file(&path, &opts)?;
    if findings.is_empty() {
        return Ok(Outcome::pass());
    }
    let mut msg = format!("`{rel}` is not finished ({} to do):", findings.len());
    for f in &findings {
        let place = f.line.map_or(rel.clone(), |l| format!("{rel}:{l}"));
        let section = f
            .section
            .as_deref()
            .map_or(String::new(), |s| format!(" [{s}]"));
        msg.push_str(&format!("\n{place}{section}: {} ({})", f.message, f.hint));
    }
    Ok(Outcome::fail(msg))
}
