//! `labforge adr site`: the decision log as a static site that works from a
//! USB stick. `index.html` (filters and search whose state lives in the URL
//! fragment, the list, and the drawn decision graph) plus one page per
//! record, relative links only, CSS and JS inline, the search index embedded
//! as JSON: it opens from `file://`, served under any path, or copied
//! elsewhere. Two builds of the same records are byte-identical.
//!
//! `model` reads the records, `markdown` renders bodies (comrak, safe
//! defaults), `graph` draws the SVG, this module lays out the pages and
//! writes the folder (staged beside it, then swapped in).

pub(crate) mod graph;
pub(crate) mod markdown;
pub(crate) mod model;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::adr::repo::Repo;
use crate::error::{Error, Result};
use crate::fsx;
use crate::html::{Page, escape, href_segment, json_script};

use model::{SiteRecord, status_class, verb_label};

/// The file that marks a folder as a site written by labforge: only such a
/// folder (or an empty one) is replaced by a new build.
pub(crate) const MARKER: &str = ".labforge-adr-site";

/// The default output folder, relative to the current folder.
pub(crate) const DEFAULT_OUT: &str = "adr-site";

#[derive(Debug, Clone)]
pub(crate) struct Built {
    pub(crate) out: PathBuf,
    pub(crate) records: usize,
}

/// Builds the site of `repo`'s records into `out`.
pub(crate) fn build(repo: &Repo, out: &Path) -> Result<Built> {
    let records = model::load(repo)?;
    let (files, assets) = render(&records);
    let dir = repo.abs(&repo.dir);
    let mut copies = Vec::new();
    for a in assets {
        let src = dir.join(&a);
        if is_plain_file_inside(&dir, &a) {
            copies.push((a, src));
        }
    }
    write_site(out, &files, &copies)?;
    Ok(Built {
        out: out.to_path_buf(),
        records: records.len(),
    })
}

/// True when every component of `rel` under `dir` is a real folder or file,
/// never a symbolic link (so an attachment link cannot copy a file from
/// outside the records folder into the site).
fn is_plain_file_inside(dir: &Path, rel: &str) -> bool {
    let mut p = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, c) in parts.iter().enumerate() {
        p.push(c);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => return false,
            Ok(m) if i + 1 == parts.len() => return m.is_file(),
            Ok(m) if m.is_dir() => {}
            _ => return false,
        }
    }
    false
}

/// Every file of the site (name → bytes) and the attachments the records
/// link to, without touching the disk.
pub(crate) fn render(records: &[SiteRecord]) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let pages: BTreeMap<String, String> = records
        .iter()
        .map(|r| (r.file_name.clone(), r.page.clone()))
        .collect();
    let rels = relations(records);
    let indices: Vec<usize> = (0..records.len()).collect();
    // Markdown and page layout are the CPU-bound part: one page per item,
    // in parallel, results in order.
    let rendered: Vec<(String, Vec<String>)> = crate::parallel::map(&indices, |&i| {
        let mut assets = Vec::new();
        let body = markdown::to_html(&records[i].body, &pages, &mut assets);
        (record_page(records, i, &rels[i], &body), assets)
    });
    let mut files = BTreeMap::new();
    let mut all_assets = Vec::new();
    for (i, (page, assets)) in rendered.into_iter().enumerate() {
        files.insert(records[i].page.clone(), page.into_bytes());
        all_assets.extend(assets);
    }
    files.insert("index.html".into(), index_page(records).into_bytes());
    files.insert(
        MARKER.into(),
        b"This folder was written by `labforge adr site`; the next build replaces it.\n".to_vec(),
    );
    all_assets.sort();
    all_assets.dedup();
    all_assets.retain(|a| !files.contains_key(a));
    (files, all_assets)
}

fn status_pill(r: &SiteRecord) -> String {
    if r.status_text.is_empty() {
        return "<span class=\"status st-other\">no status</span>".into();
    }
    format!(
        "<span class=\"status st-{}\" title=\"{}\">{}</span>",
        status_class(&r.status),
        escape(&r.status_text),
        escape(&r.status)
    )
}

/// What each record's page says about its relations: the links it writes,
/// plus the reverse of a link another record writes to it when it does not
/// write that one itself (MADR records rarely write both sides). One pass
/// over all links, so a log of thousands of records stays linear.
fn relations(records: &[SiteRecord]) -> Vec<Vec<(String, usize)>> {
    let by_file: BTreeMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(k, r)| (r.file_name.as_str(), k))
        .collect();
    let mut out: Vec<Vec<(String, usize)>> = vec![Vec::new(); records.len()];
    let mut incoming: Vec<Vec<(String, usize)>> = vec![Vec::new(); records.len()];
    for (i, r) in records.iter().enumerate() {
        for l in &r.links {
            if let Some(&j) = by_file.get(l.target_file.as_str())
                && j != i
            {
                out[i].push((verb_label(&l.verb), j));
                if !l.verb.to_lowercase().ends_with(" by") {
                    incoming[j].push((inverse(&verb_label(&l.verb)), i));
                }
            }
        }
    }
    for (j, ins) in incoming.into_iter().enumerate() {
        for (verb, i) in ins {
            // Only when the record does not write a link back itself.
            if !out[j].iter().any(|(_, k)| *k == i) {
                out[j].push((verb, i));
            }
        }
    }
    out
}

/// `Supersedes` → `Superseded by`, `Amends` → `Amended by`.
fn inverse(verb: &str) -> String {
    match verb.strip_suffix('s') {
        Some(stem) if !stem.contains(' ') && !stem.is_empty() => {
            if stem.ends_with('e') {
                format!("{stem}d by")
            } else {
                format!("{stem}ed by")
            }
        }
        _ => format!("Linked from ({verb})"),
    }
}

const PAGE_CSS: &str = r#".meta { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.meta li { margin: 0; }
.relations { padding-left: 1.2rem; }
.banner { border: 2px solid var(--st-deprecated-node); padding: 0.5rem 0.8rem; margin: 0.5rem 0 1rem; }
nav.seq { display: flex; justify-content: space-between; gap: 1rem; margin-top: 2.5rem;
  border-top: 1px solid var(--line); padding-top: 0.8rem; }
kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 0.3rem; font-size: 0.85em; }
"#;

/// ← / → (or p / n) walk the sequence; the links carry rel=prev/next too.
const PAGE_JS: &str = r#"document.addEventListener('keydown', function (e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  var t = e.target && e.target.tagName;
  if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return;
  var rel = (e.key === 'ArrowLeft' || e.key === 'p') ? 'prev'
    : (e.key === 'ArrowRight' || e.key === 'n') ? 'next'
    : (e.key === 'u') ? 'up' : null;
  if (!rel) return;
  var a = document.querySelector('a[rel="' + rel + '"]');
  if (a) { e.preventDefault(); window.location.href = a.getAttribute('href'); }
});
"#;

fn record_page(records: &[SiteRecord], i: usize, rels: &[(String, usize)], body: &str) -> String {
    let r = &records[i];
    let mut b = String::with_capacity(body.len() + 2048);
    b.push_str(
        "<header>\n<p class=\"crumbs\"><a href=\"index.html\" rel=\"up\">Decision log</a></p>\n",
    );
    let _ = writeln!(b, "<h1>{}</h1>", escape(&r.title));
    b.push_str("<ul class=\"meta\">\n");
    let _ = writeln!(b, "<li>Status: {}</li>", status_pill(r));
    if let Some(d) = &r.date {
        let _ = writeln!(b, "<li>Date: <time>{}</time></li>", escape(d));
    }
    if let Some(d) = &r.deciders {
        let _ = writeln!(b, "<li>Decision-makers: {}</li>", escape(d));
    }
    let _ = writeln!(b, "<li class=\"muted\">{}</li>", escape(&r.file_name));
    b.push_str("</ul>\n");
    if let Some((_, j)) = rels
        .iter()
        .find(|(v, _)| v.eq_ignore_ascii_case("Superseded by"))
    {
        let _ = writeln!(
            b,
            "<p class=\"banner\">This decision was superseded by <a href=\"{}\">{}</a>.</p>",
            href_segment(&records[*j].page),
            escape(&records[*j].title)
        );
    }
    if !rels.is_empty() {
        b.push_str("<ul class=\"relations\" aria-label=\"Relations\">\n");
        for (verb, j) in rels {
            let _ = writeln!(
                b,
                "<li><span class=\"verb\">{}</span> <a href=\"{}\">{}</a></li>",
                escape(verb),
                href_segment(&records[*j].page),
                escape(&records[*j].title)
            );
        }
        b.push_str("</ul>\n");
    }
    b.push_str("</header>\n<main>\n");
    b.push_str(body);
    b.push_str("</main>\n<nav class=\"seq\" aria-label=\"Sequence\">\n");
    match i.checked_sub(1).map(|p| &records[p]) {
        Some(p) => {
            let _ = writeln!(
                b,
                "<a href=\"{}\" rel=\"prev\">← {}</a>",
                href_segment(&p.page),
                escape(&p.title)
            );
        }
        None => b.push_str("<span></span>\n"),
    }
    b.push_str("<span class=\"muted\"><kbd>←</kbd> <kbd>→</kbd> previous / next</span>\n");
    match records.get(i + 1) {
        Some(n) => {
            let _ = writeln!(
                b,
                "<a href=\"{}\" rel=\"next\">{} →</a>",
                href_segment(&n.page),
                escape(&n.title)
            );
        }
        None => b.push_str("<span></span>\n"),
    }
    b.push_str("</nav>\n");
    let css = PAGE_CSS;
    Page {
        title: &r.title,
        css,
        body: &b,
        script: PAGE_JS,
    }
    .render()
}

const INDEX_CSS: &str = r#".filters { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: end; margin: 1rem 0; }
.filters label { display: flex; flex-direction: column; font-size: 0.9rem; color: var(--muted); }
.filters input, .filters select { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--muted); border-radius: 4px; padding: 0.3rem 0.5rem; min-width: 12rem; }
#records { list-style: none; padding: 0; margin: 0; }
#records li { display: grid; grid-template-columns: 6.5rem 1fr auto auto; gap: 0.8rem; align-items: baseline;
  padding: 0.35rem 0.2rem; border-bottom: 1px solid var(--line); }
#records .id { font-variant-numeric: tabular-nums; color: var(--muted); }
#records .date { color: var(--muted); font-variant-numeric: tabular-nums; }
#records .who { grid-column: 2 / -1; font-size: 0.85rem; color: var(--muted); }
"#;

/// Reads the filter state from the fragment (`#status=superseded&q=cache`),
/// shows the matching rows (and dims the other graph nodes), and writes the
/// state back to the fragment when the controls change, so a filtered view
/// can be linked.
const INDEX_JS: &str = r#"(function () {
  var data = JSON.parse(document.getElementById('adr-index').textContent);
  var rows = document.querySelectorAll('#records > li');
  var nodes = document.querySelectorAll('svg.graph a.node');
  var status = document.getElementById('status');
  var q = document.getElementById('q');
  var count = document.getElementById('count');
  function read() {
    var state = { status: '', q: '' };
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var i = part.indexOf('=');
      if (i < 0) return;
      var k = decodeURIComponent(part.slice(0, i));
      var v = decodeURIComponent(part.slice(i + 1).replace(/\+/g, ' '));
      if (k === 'status' || k === 'q') state[k] = v;
    });
    return state;
  }
  function apply(state) {
    if (status.value !== state.status) {
      status.value = state.status;
      if (status.value !== state.status) {
        var o = document.createElement('option');
        o.value = state.status; o.textContent = state.status;
        status.appendChild(o); status.value = state.status;
      }
    }
    if (q.value !== state.q) q.value = state.q;
    var terms = state.q.toLowerCase().split(/\s+/).filter(function (t) { return t; });
    var shown = 0;
    for (var i = 0; i < data.length; i++) {
      var d = data[i];
      var ok = (!state.status || d.status === state.status) &&
        terms.every(function (t) { return d.text.indexOf(t) >= 0; });
      rows[i].hidden = !ok;
      if (nodes[i]) nodes[i].classList.toggle('dim', !ok);
      if (ok) shown++;
    }
    count.textContent = shown + ' of ' + data.length + ' records';
  }
  function write() {
    var parts = [];
    if (status.value) parts.push('status=' + encodeURIComponent(status.value));
    if (q.value) parts.push('q=' + encodeURIComponent(q.value));
    var h = parts.join('&');
    if (history.replaceState) {
      history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    } else {
      location.hash = h;
    }
    apply(read());
  }
  status.addEventListener('change', write);
  q.addEventListener('input', write);
  window.addEventListener('hashchange', function () { apply(read()); });
  apply(read());
})();
"#;

fn index_page(records: &[SiteRecord]) -> String {
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records {
        *statuses.entry(r.status.as_str()).or_default() += 1;
    }
    let mut b = String::with_capacity(records.len() * 600 + 4096);
    b.push_str("<header>\n<h1>Decision log</h1>\n");
    let _ = writeln!(
        b,
        "<p class=\"muted\">{} architecture decision records. Filter by status, search titles and \
         text; the address keeps the filter, so a view can be linked.</p>\n</header>",
        records.len()
    );
    b.push_str("<main>\n<form class=\"filters\" role=\"search\" onsubmit=\"return false\">\n");
    b.push_str(
        "<label for=\"status\">Status<select id=\"status\">\n<option value=\"\">all</option>\n",
    );
    for (s, n) in &statuses {
        let _ = writeln!(
            b,
            "<option value=\"{}\">{} ({n})</option>",
            escape(s),
            escape(s)
        );
    }
    b.push_str("</select></label>\n");
    b.push_str("<label for=\"q\">Search<input id=\"q\" type=\"search\" autocomplete=\"off\" placeholder=\"words in titles and text\"></label>\n");
    let _ = writeln!(
        b,
        "<p id=\"count\" aria-live=\"polite\">{n} of {n} records</p>\n</form>",
        n = records.len()
    );
    b.push_str("<ol id=\"records\">\n");
    for r in records {
        let _ = write!(
            b,
            "<li data-status=\"{}\"><span class=\"id\">{}</span><a href=\"{}\">{}</a>{}<span class=\"date\">{}</span>",
            escape(&r.status),
            escape(&r.id),
            href_segment(&r.page),
            escape(&r.title),
            status_pill(r),
            escape(r.date.as_deref().unwrap_or(""))
        );
        if let Some(d) = &r.deciders {
            let _ = write!(
                b,
                "<span class=\"who\">Decision-makers: {}</span>",
                escape(d)
            );
        }
        b.push_str("</li>\n");
    }
    b.push_str("</ol>\n<h2 id=\"graph\">Decision graph</h2>\n");
    b.push_str("<p class=\"muted\">One row per record in order, the newest at the bottom; arcs on the left are the links between records (supersedes, amends, …). Select a node to open its record.</p>\n");
    b.push_str("<div class=\"graph-wrap\">\n");
    b.push_str(&graph::svg(records));
    b.push_str("</div>\n</main>\n");
    b.push_str(&json_script("adr-index", &search_index(records)));
    let css = format!("{INDEX_CSS}{}", graph::CSS);
    Page {
        title: "Decision log",
        css: &css,
        body: &b,
        script: INDEX_JS,
    }
    .render()
}

/// The embedded search index, in list order: status word and the lower-case
/// text that search matches (title and body; the relation lines are left
/// out, so a search for a word of one title does not find every record
/// that links to it).
fn search_index(records: &[SiteRecord]) -> String {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        id: &'a str,
        page: &'a str,
        status: &'a str,
        text: String,
    }
    // Link targets and raw HTML are not words a reader searches for (and
    // must not reach the page even as data): keep link texts only.
    let link = regex::Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").expect("valid regex");
    let tag = regex::Regex::new(r"<[^>]*>").expect("valid regex");
    let entries: Vec<Entry<'_>> = records
        .iter()
        .map(|r| {
            let targets: Vec<String> = r
                .links
                .iter()
                .map(|l| format!("]({})", l.target_file))
                .collect();
            let mut text = r.title.to_lowercase();
            for line in r.body.lines() {
                if line.starts_with("# ") || targets.iter().any(|t| line.contains(t.as_str())) {
                    continue;
                }
                let line = link.replace_all(line.trim(), "$1");
                let line = tag.replace_all(&line, " ");
                let line = line.trim();
                if !line.is_empty() {
                    text.push(' ');
                    text.push_str(&line.to_lowercase());
                }
            }
            Entry {
                id: &r.id,
                page: &r.page,
                status: &r.status,
                text,
            }
        })
        .collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

/// Writes the site: staged in a hidden folder beside `out`, then swapped in.
/// An existing `out` is replaced only when it is empty or a site written by
/// labforge (it holds [`MARKER`]); anything else is refused untouched.
fn write_site(
    out: &Path,
    files: &BTreeMap<String, Vec<u8>>,
    copies: &[(String, PathBuf)],
) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let replace = match std::fs::symlink_metadata(out) {
        Err(_) => false,
        Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
            return Err(refuse(out, "is not a folder"));
        }
        Ok(_) => {
            if out.join(MARKER).is_file() || fsx::is_absent_or_empty_dir(out)? {
                true
            } else {
                return Err(refuse(out, "holds files that labforge did not write"));
            }
        }
    };
    fsx::create_dir_all(&parent)?;
    let stage = tempfile::Builder::new()
        .prefix(".adr-site-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a staging folder in", &parent, e))?;
    let items: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    for r in crate::parallel::map(&items, |(name, bytes)| {
        fsx::write(&stage.path().join(name), bytes)
    }) {
        r?;
    }
    for (rel, src) in copies {
        let dest = stage.path().join(rel);
        if let Some(p) = dest.parent() {
            fsx::create_dir_all(p)?;
        }
        fsx::copy(src, &dest)?;
    }
    let staged = stage.keep();
    if replace {
        let old = tempfile::Builder::new()
            .prefix(".adr-site-old-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io("create a staging folder in", &parent, e))?
            .keep();
        fsx::rename(out, &old.join("site"))?;
        fsx::rename(&staged, out)?;
        fsx::remove_dir_all(&old)?;
    } else {
        fsx::rename(&staged, out)?;
    }
    Ok(())
}

fn refuse(out: &Path, why: &str) -> Error {
    Error::new(format!("`{}` {why}, so `adr site` will not replace it", out.display()))
        .with_help("choose another folder with `--out DIR`, or remove it; a folder that `adr site` wrote is replaced on the next build")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_verbs() {
        assert_eq!(inverse("Supersedes"), "Superseded by");
        assert_eq!(inverse("Amends"), "Amended by");
        assert_eq!(inverse("Clarifies"), "Clarified by");
        assert_eq!(inverse("Relates to"), "Linked from (Relates to)");
    }
}
