//! `labforge list`: built-in and catalog labs.

use clap::Args;

use crate::error::{Error, Result, Status};
use crate::labinfo::{self, LabSummary};

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn run(args: ListArgs) -> Result<Status> {
    let labs = labinfo::listed_labs()?;
    let text = if args.json {
        let mut t = serde_json::to_string_pretty(&labs)
            .map_err(|e| Error::new(format!("could not encode JSON: {e}")))?;
        t.push('\n');
        t
    } else {
        table(&labs)
    };
    crate::out::print_bytes(text.as_bytes())?;
    if labs.is_empty() {
        crate::eoutln!("No labs found.");
    }
    Ok(Status::Success)
}

/// Aligned columns: id, version, tracks, exercises, minutes, title; the
/// summary on its own indented line.
fn table(labs: &[LabSummary]) -> String {
    let rows: Vec<[String; 6]> = labs
        .iter()
        .map(|l| {
            [
                l.id.clone(),
                l.version.clone(),
                if l.tracks.is_empty() {
                    "-".into()
                } else {
                    l.tracks.join(",")
                },
                l.exercises.to_string(),
                l.minutes.map_or("-".into(), |m| m.to_string()),
                l.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "VERSION", "TRACKS", "EXERCISES", "MINUTES", "TITLE"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String; 6]| {
        let mut out = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(c);
            } else {
                out.push_str(&format!("{c:<w$}  "));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header);
    for (r, l) in rows.iter().zip(labs) {
        out.push_str(&line(r));
        if let Some(s) = &l.summary {
            out.push_str(&format!("    {s}\n"));
        }
    }
    out
}
