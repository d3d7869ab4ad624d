//! `generate toc`, `generate graph` (Graphviz DOT, adr-tools' layout) and
//! the Mermaid graph. Each reads every record once: linear in their number.

use std::fmt::Write;

use crate::error::Result;
use crate::fsx;

use super::create::read_record;
use super::record;
use super::repo::Repo;

/// Options of `generate toc`.
#[derive(Debug, Clone, Default)]
pub struct TocOptions {
    /// A Markdown file printed before the list (`-i`).
    pub intro: Option<String>,
    /// A Markdown file printed after the list (`-o`).
    pub outro: Option<String>,
    /// Put in front of each link (`-p`).
    pub prefix: String,
}

pub fn toc(repo: &Repo, opts: &TocOptions) -> Result<String> {
    let records = repo.records_or_missing()?;
    let mut out = String::from("# Architecture Decision Records\n\n");
    if let Some(intro) = &opts.intro {
        out.push_str(&fsx::read_to_string(
            &repo.abs(std::path::Path::new(intro)),
        )?);
        out.push('\n');
    }
    for r in &records {
        let text = read_record(repo, r)?;
        let title = record::display_title(&text, r.number);
        let _ = writeln!(out, "* [{title}]({}{})", opts.prefix, r.file_name);
    }
    if let Some(outro) = &opts.outro {
        out.push('\n');
        out.push_str(&fsx::read_to_string(
            &repo.abs(std::path::Path::new(outro)),
        )?);
    }
    Ok(out)
}

/// Options of `generate graph`.
#[derive(Debug, Clone)]
pub struct GraphOptions {
    pub prefix: String,
    pub extension: String,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            prefix: String::new(),
            extension: ".html".into(),
        }
    }
}

struct Node {
    number: u32,
    title: String,
    stem: String,
    /// Forward links only (verbs not ending in " by"), as (target, verb).
    links: Vec<(u32, String)>,
}

fn nodes(repo: &Repo) -> Result<Vec<Node>> {
    let records = repo.records_or_missing()?;
    let mut out = Vec::with_capacity(records.len());
    for r in &records {
        let text = read_record(repo, r)?;
        let links = record::links(&text)
            .into_iter()
            .filter(|l| !l.verb.ends_with(" by"))
            .filter_map(|l| {
                let name = l.target.rsplit('/').next()?;
                Some((super::repo::record_number(name)?, l.verb))
            })
            .collect();
        out.push(Node {
            number: r.number,
            title: record::display_title(&text, r.number),
            stem: r.file_name.trim_end_matches(".md").to_string(),
            links,
        });
    }
    Ok(out)
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// adr-tools' DOT: one node per record with a URL, dotted edges between
/// consecutive records, and an edge per forward link.
pub fn graph(repo: &Repo, opts: &GraphOptions) -> Result<String> {
    let nodes = nodes(repo)?;
    let mut out = String::from("digraph {\n  node [shape=plaintext];\n  subgraph {\n");
    let mut prev: Option<u32> = None;
    for n in &nodes {
        let url = format!("{}{}{}", opts.prefix, n.stem, opts.extension);
        let _ = writeln!(
            out,
            "    _{} [label=\"{}\"; URL=\"{}\"];",
            n.number,
            dot_escape(&n.title),
            dot_escape(&url)
        );
        if let Some(p) = prev.filter(|_| n.number > 1) {
            let _ = writeln!(
                out,
                "    _{p} -> _{} [style=\"dotted\", weight=1];",
                n.number
            );
        }
        prev = Some(n.number);
    }
    out.push_str("  }\n");
    for n in &nodes {
        for (target, verb) in &n.links {
            let _ = writeln!(
                out,
                "  _{} -> _{target} [label=\"{}\", weight=0]",
                n.number,
                dot_escape(verb)
            );
        }
    }
    out.push_str("}\n");
    Ok(out)
}

fn mermaid_escape(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('|', "#124;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// The same graph as a Mermaid flowchart, which GitHub renders in Markdown.
pub fn mermaid(repo: &Repo, opts: &GraphOptions) -> Result<String> {
    let nodes = nodes(repo)?;
    let mut out = String::from("graph TD\n");
    let mut prev: Option<u32> = None;
    for n in &nodes {
        let _ = writeln!(out, "  _{}[\"{}\"]", n.number, mermaid_escape(&n.title));
        let url = format!("{}{}{}", opts.prefix, n.stem, opts.extension);
        let _ = writeln!(out, "  click _{} \"{}\"", n.number, url.replace('"', "%22"));
        if let Some(p) = prev.filter(|_| n.number > 1) {
            let _ = writeln!(out, "  _{p} -.-> _{}", n.number);
        }
        prev = Some(n.number);
    }
    for n in &nodes {
        for (target, verb) in &n.links {
            let _ = writeln!(
                out,
                "  _{} -->|\"{}\"| _{target}",
                n.number,
                mermaid_escape(verb)
            );
        }
    }
    Ok(out)
}
