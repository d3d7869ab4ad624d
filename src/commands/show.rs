//! `labforge show LAB`: what a lab contains.

use clap::Args;

use crate::answers;
use crate::error::{Error, Result, Status};
use crate::labinfo;
use crate::source::{self, FetchOptions};
use crate::template::Lab;

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A built-in lab id, a lab template folder, a git or tarball URL, or CATALOG/LAB
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::lab_completer))]
    pub(crate) lab: String,
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
    /// Use only the cache for remote sources
    #[arg(long)]
    pub(crate) offline: bool,
}

pub(crate) fn run(args: ShowArgs) -> Result<Status> {
    let fetch = FetchOptions {
        offline: args.offline,
        ..FetchOptions::default()
    };
    let lab = source::load(&args.lab, &fetch)?;
    let text = if args.json {
        let mut t = serde_json::to_string_pretty(&labinfo::details(&lab))
            .map_err(|e| Error::new(format!("could not encode JSON: {e}")))?;
        t.push('\n');
        t
    } else {
        describe(&lab)
    };
    crate::out::print_bytes(text.as_bytes())?;
    Ok(Status::Success)
}

fn describe(lab: &Lab) -> String {
    let m = &lab.manifest;
    let mut o = format!("{} {}: {}\n", m.id(), m.version(), m.lab.title);
    if let Some(s) = &m.lab.summary {
        o.push_str(&format!("{s}\n"));
    }
    if let Some(min) = m.lab.minutes {
        o.push_str(&format!("About {min} minutes.\n"));
    }
    o.push_str(&format!("Source: {}\n", lab.origin.source_string()));
    if !m.lab.tracks.is_empty() {
        o.push_str("\nTracks:\n");
        for t in &m.lab.tracks {
            let tr = &m.track[t];
            o.push_str(&format!("  {t}\n"));
            if !tr.needs.is_empty() {
                o.push_str(&format!("    needs: {}\n", tr.needs.join(", ")));
            }
            for cmd in &tr.setup {
                o.push_str(&format!("    setup: {cmd}\n"));
            }
        }
    }
    if !m.variable.is_empty() {
        o.push_str("\nVariables:\n");
        for (name, v) in m.variable.iter() {
            let mut line = format!("  {name} ({}", labinfo::var_type(v.kind));
            if !v.choices.is_empty() {
                line.push_str(&format!(": {}", v.choices.join(" | ")));
            }
            if let Some(d) = &v.default {
                line.push_str(&format!(", default {}", answers::display(d.get_ref())));
            }
            if let Some(w) = &v.when {
                line.push_str(&format!(", asked when {w}"));
            }
            line.push(')');
            if let Some(p) = &v.prompt {
                line.push_str(&format!(": {p}"));
            }
            o.push_str(&line);
            o.push('\n');
        }
    }
    if !m.exercise.is_empty() {
        o.push_str("\nExercises:\n");
        for e in m.exercises() {
            let hints = match e.hints.len() {
                1 => "1 hint".to_string(),
                n => format!("{n} hints"),
            };
            let checks: Vec<String> = e
                .checks()
                .enumerate()
                .map(|(i, c)| format!("{} ({})", c.id_or(i), c.kind.get_ref().as_str()))
                .collect();
            o.push_str(&format!(
                "  {}  {}  [{hints}; checks: {}]\n",
                e.id(),
                e.title,
                checks.join(", ")
            ));
        }
    }
    let stubs = labinfo::adr_stubs(lab);
    if !stubs.is_empty() {
        let adr = m.adr_settings();
        o.push_str(&format!("\nADR stubs ({}, {}):\n", adr.dir, adr.format));
        for s in stubs {
            o.push_str(&format!("  {s}\n"));
        }
    }
    o
}
