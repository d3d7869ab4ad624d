//! `kind = "adr"`: the named ADR is filled in (sections present with enough
//! words, options listed, an allowed status), judged by the ADR lint.

use super::{Job, Outcome};
use crate::adr::lint::{check_options, lint_file};
use crate::check::Context;
use crate::error::Result;
use crate::manifest::{CheckKind, Exercise};

/// What the `adr` checks of `ex` still find: (check id, findings text) for
/// each one that does not pass. Reading ADRs runs nothing, so `hint` shows
/// it without trust; only an ADR inside the lab, reached through no link,
/// is read.
pub(crate) fn open_findings(cx: &Context, ex: &Exercise) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, check) in ex.checks().enumerate() {
        if *check.kind.get_ref() != CheckKind::Adr {
            continue;
        }
        let rel = cx.expand(check.path.as_deref().unwrap_or_default());
        if crate::pathgate::resolve(&cx.root, &rel, crate::pathgate::Last::NoLink).is_err() {
            continue;
        }
        let id = check.id_or(i);
        let job = Job {
            exercise: ex,
            check,
            id: &id,
            timeout: super::default_timeout(CheckKind::Adr),
            services: &[],
        };
        if let Ok(o) = run(cx, &job)
            && let Some(m) = o.message
        {
            out.push((id, m));
        }
    }
    out
}

pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
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
