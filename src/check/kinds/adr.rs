//! `kind = "adr"`: the named ADR is filled in (sections present with enough
//! words, options listed, an allowed status), judged by the ADR lint.

use super::{Job, Outcome};
use crate::adr::lint::{check_options, lint_file};
use crate::check::Context;
use crate::error::Result;

/// At most this many findings are listed.
const MAX_LISTED: usize = 10;

pub fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    let c = job.check;
    let rel = cx.expand(c.path.as_deref().unwrap_or_default());
    let path = cx.root.join(&rel);
    if !path.is_file() {
        return Ok(Outcome::fail(format!(
            "`{rel}` does not exist: write the ADR there (`labforge adr new` creates one)"
        )));
    }
    // The same options `labforge adr lint` uses for this record inside the
    // lab, so both agree on what is still a stub.
    let opts = check_options(c);
    let findings = lint_file(&path, &opts)?;
    if findings.is_empty() {
        return Ok(Outcome::pass());
    }
    // The hint names the command that shows the same findings.
    let name = std::path::Path::new(&rel)
        .file_name()
        .map_or(rel.clone(), |n| n.to_string_lossy().into_owned());
    let mut msg = format!(
        "`{rel}` is not finished ({} to do; `labforge adr lint {name}` shows the same):",
        findings.len()
    );
    for f in findings.iter().take(MAX_LISTED) {
        let place = f.line.map_or(rel.clone(), |l| format!("{rel}:{l}"));
        let section = f
            .section
            .as_deref()
            .map_or(String::new(), |s| format!(" [{s}]"));
        msg.push_str(&format!("\n{place}{section}: {} ({})", f.message, f.hint));
    }
    if findings.len() > MAX_LISTED {
        msg.push_str(&format!("\n… and {} more", findings.len() - MAX_LISTED));
    }

    Ok(Outcome::fail(msg))
}
