//! `generate toc`, `generate graph` (Graphviz DOT, adr-tools' layout) and
//! the Mermaid graph. Each reads every record once: linear in their number.

use std::collections::HashMap;
use std::fmt::Write;

use crate::error::Result;
use crate::fsx;

use super::repo::Repo;

/// Options of `generate toc`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TocOptions {
    /// A Markdown file printed before the list (`-i`).
    pub(crate) intro: Option<String>,
    /// A Markdown file printed after the list (`-o`).
    pub(crate) outro: Option<String>,
    /// Put in front of each link (`-p`).
    pub(crate) prefix: String,
}

pub(crate) fn toc(repo: &Repo, opts: &TocOptions) -> Result<String> {
    let records = repo.parsed()?;
    let mut out = String::from("# Architecture Decision Records\n\n");
    if let Some(intro) = &opts.intro {
        out.push_str(&fsx::read_to_string(
            &repo.abs(std::path::Path::new(intro)),
        )?);
        out.push('\n');
    }
    for (r, parsed) in records {
        let rec = parsed?;
        let _ = writeln!(
            out,
            "* [{}]({}{})",
            rec.display_title,
            opts.prefix,
            url_encode(&r.file_name)
        );
    }
    if let Some(outro) = &opts.outro {
        out.push('\n');
        out.push_str(&fsx::read_to_string(
            &repo.abs(std::path::Path::new(outro)),
        )?);
    }
    Ok(out)
}

/// Percent-encodes what would end or break a Markdown link target (`#`,
/// spaces, parentheses, `%`, …); other characters stay as typed, so the
/// links of ordinary file names are adr-tools' byte for byte.
pub(crate) fn url_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || " #%()<>?[]`|^{}\"\\".contains(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Options of `generate graph`.
#[derive(Debug, Clone)]
pub(crate) struct GraphOptions {
    pub(crate) prefix: String,
    pub(crate) extension: String,
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
    number: Option<u32>,
    /// The DOT/Mermaid node id: adr-tools' `_N`, or `_` and the file name
    /// when two records share a number (so each keeps its own node).
    id: String,
    title: String,
    stem: String,
    /// Forward links only (verbs not ending in " by"), as (target node
    /// index, verb). Links to the record itself are dropped.
    links: Vec<(usize, String)>,
}

fn node_id(stem: &str) -> String {
    let mut id = String::from("_");
    for c in stem.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '_' });
    }
    id
}

fn nodes(repo: &Repo) -> Result<Vec<Node>> {
    let mut recs = Vec::new();
    for (_, parsed) in repo.parsed()? {
        recs.push(parsed?);
    }
    let mut count: HashMap<u32, usize> = HashMap::new();
    for r in &recs {
        if let Some(n) = r.number {
            *count.entry(n).or_default() += 1;
        }
    }
    let by_file: HashMap<&str, usize> = recs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.file_name.as_str(), i))
        .collect();
    let by_number: HashMap<u32, usize> = recs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.number?, i)))
        .filter(|(n, _)| count[n] == 1)
        .collect();
    let mut out = Vec::with_capacity(recs.len());
    for (i, r) in recs.iter().enumerate() {
        let links = r
            .links
            .iter()
            .filter(|l| l.is_forward())
            .filter_map(|l| {
                let t = match l.target_file() {
                    Some(f) => by_file.get(f).copied(),
                    None => by_number.get(&l.target_number()?).copied(),
                }?;
                (t != i).then(|| (t, l.label.clone()))
            })
            .collect();
        let unique = r.number.is_some_and(|n| count[&n] == 1);
        out.push(Node {
            number: r.number,
            id: match r.number {
                Some(n) if unique => format!("_{n}"),
                _ => node_id(&r.id),
            },
            title: r.display_title.clone(),
            stem: r.id.clone(),
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
pub(crate) fn graph(repo: &Repo, opts: &GraphOptions) -> Result<String> {
    let nodes = nodes(repo)?;
    let mut out = String::from("digraph {\n  node [shape=plaintext];\n  subgraph {\n");
    let mut prev: Option<&str> = None;
    for n in &nodes {
        let url = format!("{}{}{}", opts.prefix, n.stem, opts.extension);
        let _ = writeln!(
            out,
            "    {} [label=\"{}\"; URL=\"{}\"];",
            n.id,
            dot_escape(&n.title),
            dot_escape(&url)
        );
        if let Some(p) = prev.filter(|_| n.number != Some(1)) {
            let _ = writeln!(out, "    {p} -> {} [style=\"dotted\", weight=1];", n.id);
        }
        prev = Some(&n.id);
    }
    out.push_str("  }\n");
    for n in &nodes {
        for (target, verb) in &n.links {
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{}\", weight=0]",
                n.id,
                nodes[*target].id,
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

/// The links as a Mermaid flowchart, which GitHub renders in Markdown: one
/// node per record (with a `click` line carrying its URL) and one labelled
/// arrow per forward link.
pub(crate) fn mermaid(repo: &Repo, opts: &GraphOptions) -> Result<String> {
    let nodes = nodes(repo)?;
    let mut out = String::from("graph TD\n");
    for n in &nodes {
        let _ = writeln!(out, "  {}[\"{}\"]", n.id, mermaid_escape(&n.title));
        let url = format!("{}{}{}", opts.prefix, n.stem, opts.extension);
        let _ = writeln!(out, "  click {} \"{}\"", n.id, url.replace('"', "%22"));
    }
    for n in &nodes {
        for (target, verb) in &n.links {
            let _ = writeln!(
                out,
                "  {} -->|\"{}\"| {}",
                n.id,
                mermaid_escape(verb),
                nodes[*target].id
            );
        }
    }
    Ok(out)
}
