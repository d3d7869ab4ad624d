//! The decision graph as hand-laid SVG that doubles as the timeline: one row
//! per record in number (or date) order on a dotted spine, a status-coloured
//! node inside `<a href>` to the record's page with a `<title>` for screen
//! readers, and every relation drawn as a labelled arc to the left of the
//! spine, each arc in the leftmost lane free over its rows. No layout engine,
//! no randomness: the same records give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{SiteRecord, status_class, verb_label};
use crate::html::{escape, href_segment};

const ROW: usize = 30;
const TOP: usize = 20;
const LANE: usize = 18;
const WIDTH: usize = 960;

/// One arc: from row `from` to row `to`, with its label and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arc {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) label: String,
    pub(crate) kind: &'static str,
}

/// The relations worth drawing: every link, except a reverse link (`… by`)
/// whose forward twin is written in the other record (one arc per relation).
pub(crate) fn arcs(records: &[SiteRecord]) -> Vec<Arc> {
    let index: BTreeMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.file_name.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        for l in &r.links {
            let Some(&j) = index.get(l.target_file.as_str()) else {
                continue;
            };
            if i == j {
                continue;
            }
            let reverse = l.verb.to_lowercase().ends_with(" by");
            if reverse
                && records[j]
                    .links
                    .iter()
                    .any(|b| b.target_file == r.file_name)
            {
                continue;
            }
            out.push(Arc {
                from: i,
                to: j,
                label: verb_label(&l.verb),
                kind: kind_of(&l.verb),
            });
        }
    }
    out
}

fn kind_of(verb: &str) -> &'static str {
    let v = verb.to_lowercase();
    if v.starts_with("superse") || v.starts_with("superce") {
        "supersede"
    } else if v.starts_with("amend") {
        "amend"
    } else {
        "link"
    }
}

/// Lanes: the shortest arcs nearest the spine; an arc takes the first lane
/// not used by an arc whose rows overlap its own.
fn lanes(arcs: &[Arc]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..arcs.len()).collect();
    let span = |a: &Arc| (a.from.min(a.to), a.from.max(a.to));
    order.sort_by_key(|&i| {
        let (lo, hi) = span(&arcs[i]);
        (hi - lo, lo, i)
    });
    let mut used: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut lane_of = vec![0; arcs.len()];
    for i in order {
        let (lo, hi) = span(&arcs[i]);
        let lane = (0..)
            .find(|&k| {
                used.get(k)
                    .is_none_or(|spans| spans.iter().all(|&(a, b)| hi < a || lo > b))
            })
            .unwrap_or(0);
        if used.len() <= lane {
            used.resize(lane + 1, Vec::new());
        }
        used[lane].push((lo, hi));
        lane_of[i] = lane;
    }
    lane_of
}

/// Titles longer than this are cut in the drawing (the `<title>` keeps all).
const TITLE_CHARS: usize = 72;

pub(crate) fn svg(records: &[SiteRecord]) -> String {
    let arcs = arcs(records);
    let lane_of = lanes(&arcs);
    let lanes = lane_of.iter().map(|l| l + 1).max().unwrap_or(0);
    let spine = 24 + lanes * LANE + 12;
    let height = TOP * 2 + records.len().max(1) * ROW;
    let y = |i: usize| TOP + i * ROW + ROW / 2;
    let mut s = String::with_capacity(records.len() * 400 + 1024);
    let _ = writeln!(
        s,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" role=\"group\" aria-label=\"Decision graph: {} records, {} relations\">",
        records.len(),
        arcs.len()
    );
    s.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L8,4 L0,8 z\" \
         class=\"arrowhead\"/></marker></defs>\n",
    );
    if records.len() > 1 {
        let _ = writeln!(
            s,
            "<line class=\"spine\" x1=\"{spine}\" y1=\"{}\" x2=\"{spine}\" y2=\"{}\"/>",
            y(0),
            y(records.len() - 1)
        );
    }
    for (a, lane) in arcs.iter().zip(&lane_of) {
        let x = spine - 12 - (lane + 1) * LANE + 6;
        let (y1, y2) = (y(a.from), y(a.to));
        let r = 6.min(y1.abs_diff(y2) / 2);
        let (d1, d2): (isize, isize) = if y2 > y1 { (1, -1) } else { (-1, 1) };
        let mid = (y1 + y2) / 2;
        let _ = writeln!(
            s,
            "<g class=\"arc {kind}\"><title>{from} {label} {to}</title>\
             <path d=\"M{sx},{y1} H{xr} Q{x},{y1} {x},{ya} V{yb} Q{x},{y2} {xr},{y2} H{ex}\" marker-end=\"url(#arrow)\"/>\
             <text x=\"{tx}\" y=\"{mid}\" transform=\"rotate(-90 {tx} {mid})\" text-anchor=\"middle\">{label}</text></g>",
            kind = a.kind,
            from = escape(&records[a.from].title),
            to = escape(&records[a.to].title),
            label = escape(&a.label),
            sx = spine - 8,
            ex = spine - 9,
            xr = x + r,
            ya = (y1 as isize + d1 * r as isize),
            yb = (y2 as isize + d2 * r as isize),
            tx = x - 4,
        );
    }
    for (i, r) in records.iter().enumerate() {
        let cy = y(i);
        let title: String = if r.title.chars().count() > TITLE_CHARS {
            let cut: String = r.title.chars().take(TITLE_CHARS - 1).collect();
            format!("{cut}…")
        } else {
            r.title.clone()
        };
        let status = if r.status_text.is_empty() {
            "no status".to_string()
        } else {
            r.status.clone()
        };
        let _ = writeln!(
            s,
            "<a href=\"{href}\" class=\"node st-{class}\" data-i=\"{i}\"><title>{full}, {status}{date}</title>\
             <circle cx=\"{spine}\" cy=\"{cy}\" r=\"7\"/><text x=\"{tx}\" y=\"{ty}\">{title}</text>{date_text}</a>",
            href = href_segment(&r.page),
            class = status_class(&r.status),
            full = escape(&r.title),
            status = escape(&status),
            date = r
                .date
                .as_deref()
                .map(|d| format!(", {}", escape(d)))
                .unwrap_or_default(),
            tx = spine + 16,
            ty = cy + 5,
            title = escape(&title),
            date_text = r
                .date
                .as_deref()
                .map(|d| format!(
                    "<text class=\"date\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                    WIDTH - 8,
                    cy + 5,
                    escape(d)
                ))
                .unwrap_or_default(),
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The graph's style: node colours by status, arcs by kind; colours come
/// from the page theme, so the graph follows light and dark.
pub(crate) const CSS: &str = r#".graph-wrap { overflow-x: auto; border: 1px solid var(--line); background: var(--panel); }
.graph { display: block; font-size: 13px; }
.graph text { fill: var(--fg); }
.graph .date { fill: var(--muted); font-variant-numeric: tabular-nums; }
.graph .spine { stroke: var(--muted); stroke-dasharray: 2 4; }
.graph circle { stroke: var(--bg); stroke-width: 2; fill: var(--st-other-node); }
.graph .st-accepted circle { fill: var(--st-accepted-node); }
.graph .st-proposed circle { fill: var(--st-proposed-node); }
.graph .st-superseded circle { fill: var(--st-superseded-node); }
.graph .st-deprecated circle, .graph .st-rejected circle { fill: var(--st-deprecated-node); }
.graph a:hover text, .graph a:focus text { text-decoration: underline; }
.graph a.dim { opacity: 0.3; }
.graph .arc path { fill: none; stroke: var(--muted); stroke-width: 1.5; }
.graph .arc.supersede path { stroke: var(--st-deprecated-node); }
.graph .arc.amend path { stroke: var(--st-proposed-node); }
.graph .arc text { font-size: 10px; fill: var(--muted); }
.graph .arrowhead { fill: var(--muted); }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adr::site::model::Relation;

    fn rec(n: u32, links: &[(&str, u32)]) -> SiteRecord {
        SiteRecord {
            id: format!("{n:04}"),
            number: n,
            file_name: format!("{n:04}-r.md"),
            page: format!("{n:04}-r.html"),
            title: format!("{n}. R"),
            status_text: "Accepted".into(),
            status: "accepted".into(),
            date: None,
            deciders: None,
            links: links
                .iter()
                .map(|(v, t)| Relation {
                    verb: v.to_string(),
                    target_file: format!("{t:04}-r.md"),
                })
                .collect(),
            body: String::new(),
        }
    }

    #[test]
    fn one_arc_per_relation_and_no_self_loops() {
        let rs = vec![
            rec(1, &[]),
            rec(2, &[("Superceded by", 3)]),
            rec(3, &[("Supercedes", 2), ("Amends", 3)]),
        ];
        assert_eq!(
            arcs(&rs),
            vec![Arc {
                from: 2,
                to: 1,
                label: "Supersedes".into(),
                kind: "supersede"
            }]
        );
    }

    #[test]
    fn overlapping_arcs_take_other_lanes() {
        let a = |from, to| Arc {
            from,
            to,
            label: String::new(),
            kind: "link",
        };
        assert_eq!(lanes(&[a(0, 3), a(1, 2), a(4, 5)]), vec![1, 0, 0]);
    }
}
