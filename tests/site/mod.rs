//! Integration tests: `labforge adr site` (issue 15). The fixture is
//! adr-tools' graph transcript (records 1–5, `-s 2` and `-s 3`), a MADR 4
//! record with front matter, a date-named record, and a record full of
//! hostile Markdown. The pages are checked as files and in a real browser.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use regex::Regex;

use crate::support::browser;
use crate::support::{adr, labforge, tempdir, tree};
use snapbox::str;

const MADR: &str = "---
status: accepted
date: 2024-05-02
decision-makers: Ann Lee, Bo Chen
---

# Use SQLite for the cache

## Context and Problem Statement

We need a local cache that survives restarts.

## Decision Outcome

Chosen option: \"SQLite\", because it is one file.
";

const HOSTILE: &str = "# Hostile input

Date: 2024-01-01

## Status

Proposed

## Context

<script>alert(1)</script>

Click [x](javascript:alert(1)) or see [the end](0005-the-end.md).

```mermaid
graph TD
  a-->b
```

| option | cost |
|---|---|
| one | 1 |

- [x] written
- [ ] reviewed
";

/// The records of the fixture, built with the real `adr`.
fn fixture() -> tempfile::TempDir {
    let t = tempdir();
    let p = t.path();
    let adr_ok = |args: &[&str]| {
        adr(args)
            .dir(p)
            .env("ADR_DATE", "2024-03-01")
            .env("EDITOR", "true")
            .env("VISUAL", "true")
            .run()
            .code(0);
    };
    adr_ok(&["init"]);
    adr_ok(&[
        "new", "An", "idea", "that", "seems", "good", "at", "the", "time",
    ]);
    adr_ok(&["new", "-s", "2", "A", "better", "idea"]);
    adr_ok(&["new", "This", "will", "work"]);
    adr_ok(&["new", "-s", "3", "The", "end"]);
    fs::write(p.join("doc/adr/0006-use-sqlite-for-the-cache.md"), MADR).unwrap();
    fs::write(p.join("doc/adr/20240101-hostile-input.md"), HOSTILE).unwrap();
    t
}

fn build(dir: &Path, out: &str) {
    labforge(&["adr", "site", "--out", out])
        .dir(dir)
        .run()
        .code(0)
        .stdout_eq(format!("{out}/index.html\n"))
        .stderr_eq(format!(
            "adr site: 7 record(s) written to {out}; open {out}/index.html in a browser\n"
        ));
}

const PAGES: [&str; 7] = [
    "0001-record-architecture-decisions.html",
    "0002-an-idea-that-seems-good-at-the-time.html",
    "0003-a-better-idea.html",
    "0004-this-will-work.html",
    "0005-the-end.html",
    "0006-use-sqlite-for-the-cache.html",
    "20240101-hostile-input.html",
];

fn html_files(site: &Path) -> BTreeMap<String, String> {
    tree(site)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect()
}

/// Every relative `href`/`src` of every page, resolved to a file of the site
/// (fragment dropped, percent-decoded); absolute URLs are listed apart.
fn broken_links(site: &Path) -> Vec<String> {
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut broken = Vec::new();
    for (page, html) in html_files(site) {
        for c in attr.captures_iter(&html) {
            let url = &c[1];
            let path = url.split('#').next().unwrap();
            if path.is_empty() {
                continue; // a fragment of the page itself, or an emptied link
            }
            let decoded = path.replace("%20", " ").replace("%23", "#");
            if !site.join(&decoded).is_file() {
                broken.push(format!("{page}: {url}"));
            }
        }
    }
    broken
}

#[test]
fn issue_15_site_is_complete_offline_and_reproducible() {
    let t = fixture();
    build(t.path(), "site");
    let site = t.path().join("site");
    let mut expected: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    expected.push(".labforge-adr-site".into());
    expected.push("index.html".into());
    expected.sort();
    let files: Vec<String> = tree(&site).into_keys().collect();
    assert_eq!(files, expected);

    // Reproducible: a second build, elsewhere and in place, is byte-identical.
    let first = tree(&site);
    build(t.path(), "again");
    assert!(first == tree(&t.path().join("again")), "two builds differ");
    build(t.path(), "site");
    assert!(first == tree(&site), "a rebuild in place differs");

    // Offline: nothing is loaded from elsewhere, nothing needs a server.
    let remote = Regex::new(r#"(?:src|href)\s*=\s*"(?:https?:|//)"#).unwrap();
    for (page, html) in html_files(&site) {
        assert!(!remote.is_match(&html), "{page} loads a remote resource");
        assert!(!html.contains("fetch("), "{page} uses fetch");
        assert!(
            !html.contains("type=\"module\""),
            "{page} has a module script"
        );
        // The hostile record's script and javascript: link are gone.
        assert!(!html.contains("<script>alert"), "{page} kept a script");
        assert!(
            !html.contains("javascript:"),
            "{page} kept a javascript: link"
        );
    }

    // Every relative link of every page resolves, also after a copy.
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let copy = tempdir();
    let moved = copy.path().join("deep/under/a/path");
    fs::create_dir_all(&moved).unwrap();
    for (rel, bytes) in tree(&site) {
        fs::write(moved.join(rel), bytes).unwrap();
    }
    assert_eq!(broken_links(&moved), Vec::<String>::new());
}

#[test]
fn issue_15_pages_show_relations_front_matter_and_safe_markdown() {
    let t = fixture();
    build(t.path(), "site");
    let site = t.path().join("site");
    let page = |name: &str| fs::read_to_string(site.join(name)).unwrap();

    let two = page(PAGES[1]);
    assert!(two.contains(
        "<li><span class=\"verb\">Superseded by</span> <a href=\"0003-a-better-idea.html\">3. A better idea</a></li>"
    ), "{two}");
    assert!(two.contains("<p class=\"banner\">This decision was superseded by <a href=\"0003-a-better-idea.html\">3. A better idea</a>.</p>"));
    let three = page(PAGES[2]);
    assert!(three.contains(
        "<li><span class=\"verb\">Supersedes</span> <a href=\"0002-an-idea-that-seems-good-at-the-time.html\">2. An idea that seems good at the time</a></li>"
    ), "{three}");
    assert!(three.contains(
        "<li><span class=\"verb\">Superseded by</span> <a href=\"0005-the-end.html\">5. The end</a></li>"
    ));

    // prev/next walk the sequence in order, end to end.
    let next = Regex::new(r#"<a href="([^"]+)" rel="next">"#).unwrap();
    let prev = Regex::new(r#"<a href="([^"]+)" rel="prev">"#).unwrap();
    let mut walked = vec![PAGES[0].to_string()];
    while let Some(c) = next.captures(&page(walked.last().unwrap())) {
        walked.push(c[1].to_string());
    }
    assert_eq!(walked, PAGES);
    let mut back = vec![PAGES[6].to_string()];
    while let Some(c) = prev.captures(&page(back.last().unwrap())) {
        back.push(c[1].to_string());
    }
    back.reverse();
    assert_eq!(back, PAGES);

    // MADR front matter on the page and in the list.
    let madr = page(PAGES[5]);
    assert!(madr.contains("<li>Status: <span class=\"status st-accepted\" title=\"accepted\">accepted</span></li>\n<li>Date: <time>2024-05-02</time></li>\n<li>Decision-makers: Ann Lee, Bo Chen</li>"), "{madr}");
    let index = page("index.html");
    assert!(index.contains("<li data-status=\"accepted\"><span class=\"id\">0006</span><a href=\"0006-use-sqlite-for-the-cache.html\">6. Use SQLite for the cache</a><span class=\"status st-accepted\" title=\"accepted\">accepted</span><span class=\"date\">2024-05-02</span><span class=\"who\">Decision-makers: Ann Lee, Bo Chen</span></li>"), "{index}");
    // The date-named record keeps its own id.
    assert!(index.contains("<li data-status=\"proposed\"><span class=\"id\">20240101</span><a href=\"20240101-hostile-input.html\">Hostile input</a>"));

    // Safe Markdown: raw HTML omitted, javascript: emptied, GFM on, Mermaid as code.
    let hostile = page(PAGES[6]);
    assert!(hostile.contains("<!-- raw HTML omitted -->"));
    assert!(
        hostile.contains(
            "<p>Click <a href=\"\">x</a> or see <a href=\"0005-the-end.html\">the end</a>.</p>"
        ),
        "{hostile}"
    );
    assert!(hostile.contains("<p class=\"note mermaid-note\">This is a Mermaid diagram, shown as its source: the site works offline and does not load mermaid.js. Paste it into any Mermaid viewer to draw it.</p>\n<pre><code class=\"language-mermaid\">graph TD\n  a--&gt;b\n</code></pre>"));
    assert!(hostile.contains("<th>option</th>"));
    assert!(hostile.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" /> written"));
}

#[test]
fn issue_15_graph_has_one_link_per_record_and_labelled_supersede_arcs() {
    let t = fixture();
    build(t.path(), "site");
    let site = t.path().join("site");
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    let start = index.find("<svg class=\"graph\"").unwrap();
    let end = index[start..].find("</svg>").unwrap() + start;
    let svg = &index[start..end];
    let hrefs: Vec<String> = Regex::new(r#"<a href="([^"]+)""#)
        .unwrap()
        .captures_iter(svg)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(hrefs, PAGES);
    for h in &hrefs {
        assert!(site.join(h).is_file(), "{h}");
    }
    let titles = Regex::new(r"<title>([^<]+)</title>").unwrap();
    assert!(
        titles
            .captures_iter(svg)
            .any(|c| &c[1] == "2. An idea that seems good at the time, superseded, 2024-03-01")
    );
    let arcs: Vec<String> = Regex::new(r#"<g class="arc (\w+)">.*?<text [^>]*>([^<]+)</text></g>"#)
        .unwrap()
        .captures_iter(svg)
        .map(|c| format!("{} {}", &c[1], &c[2]))
        .collect();
    assert_eq!(arcs, ["supersede Supersedes", "supersede Supersedes"]);
}

/// Rows of the list in a dumped DOM: (title, shown).
fn rows(dom: &str) -> Vec<(String, bool)> {
    Regex::new(r#"<li data-status="[^"]*"( hidden="")?><span class="id">[^<]*</span><a href="[^"]*">([^<]*)</a>"#)
        .unwrap()
        .captures_iter(dom)
        .map(|c| (c[2].to_string(), c.get(1).is_none()))
        .collect()
}

fn shown(dom: &str) -> Vec<String> {
    rows(dom)
        .into_iter()
        .filter(|(_, s)| *s)
        .map(|(t, _)| t)
        .collect()
}

#[test]
fn issue_15_site_works_in_a_real_browser_from_file_urls() {
    if !browser::available() {
        return;
    }
    let t = fixture();
    build(t.path(), "site");
    let index = t.path().join("site/index.html");

    let all = browser::dump_dom(&browser::file_url(&index, ""));
    assert_eq!(rows(&all).len(), 7);
    assert_eq!(shown(&all).len(), 7);
    assert!(all.contains("<p id=\"count\" aria-live=\"polite\">7 of 7 records</p>"));
    for (title, status) in [
        ("1. Record architecture decisions", "accepted"),
        ("2. An idea that seems good at the time", "superseded"),
        ("3. A better idea", "superseded"),
        ("6. Use SQLite for the cache", "accepted"),
        ("Hostile input", "proposed"),
    ] {
        let row = Regex::new(&format!(
            r#"<a href="[^"]*">{}</a><span class="status st-{status}""#,
            regex::escape(title)
        ))
        .unwrap();
        assert!(row.is_match(&all), "{title} is not listed as {status}");
    }

    let superseded = browser::dump_dom(&browser::file_url(&index, "status=superseded"));
    assert_eq!(
        shown(&superseded),
        ["2. An idea that seems good at the time", "3. A better idea"]
    );
    assert!(superseded.contains("2 of 7 records"));
    let better = browser::dump_dom(&browser::file_url(&index, "q=better"));
    assert_eq!(shown(&better), ["3. A better idea"]);
    let both = browser::dump_dom(&browser::file_url(&index, "status=accepted&q=sqlite"));
    assert_eq!(shown(&both), ["6. Use SQLite for the cache"]);

    // A record page runs no script of the record's and follows its links.
    let two = browser::dump_dom(&browser::file_url(
        &t.path().join("site").join(PAGES[1]),
        "",
    ));
    assert!(two.contains("<a href=\"0003-a-better-idea.html\">3. A better idea</a>"));

    // Light and dark screenshots: not blank, and not the same picture.
    let light = t.path().join("light.png");
    let dark = t.path().join("dark.png");
    browser::screenshot(&browser::file_url(&index, ""), false, &light);
    browser::screenshot(&browser::file_url(&index, ""), true, &dark);
    let (lc, dc) = (browser::colours(&light), browser::colours(&dark));
    assert!(lc.len() > 1, "the light screenshot is blank");
    assert!(dc.len() > 1, "the dark screenshot is blank");
    assert_ne!(fs::read(&light).unwrap(), fs::read(&dark).unwrap());
    assert!(
        lc.contains(&[255, 255, 255, 255]),
        "light theme has a white page"
    );
    assert!(!dc.contains(&[255, 255, 255, 255]) || dc.len() > lc.len() / 4);
}

#[test]
fn issue_15_site_refuses_a_folder_it_did_not_write() {
    let t = fixture();
    fs::create_dir(t.path().join("notes")).unwrap();
    fs::write(t.path().join("notes/mine.txt"), "keep me").unwrap();
    labforge(&["adr", "site", "--out", "notes"])
        .dir(t.path())
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: `notes` holds files that labforge did not write, so `adr site` will not replace it
help: choose another folder with `--out DIR`, or remove it; a folder that `adr site` wrote is replaced on the next build

"#]]);
    assert_eq!(
        fs::read_to_string(t.path().join("notes/mine.txt")).unwrap(),
        "keep me"
    );
    let leftovers: Vec<_> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".adr-site"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn issue_15_site_copies_attachments_but_never_through_links() {
    let t = fixture();
    let dir = t.path().join("doc/adr");
    fs::create_dir_all(dir.join("img")).unwrap();
    fs::write(dir.join("img/flow.png"), b"\x89PNG fake").unwrap();
    let secret = t.path().join("secret.txt");
    fs::write(&secret, "top secret").unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("img/leak.txt")).unwrap();
    fs::write(
        dir.join("0007-attachments.md"),
        "# 7. Attachments\n\nDate: 2024-03-02\n\n## Status\n\nAccepted\n\n## Context\n\n![flow](img/flow.png) [leak](img/leak.txt) [up](../../secret.txt)\n",
    )
    .unwrap();
    labforge(&["adr", "site", "--out", "site"])
        .dir(t.path())
        .run()
        .code(0);
    let site = tree(&t.path().join("site"));
    assert_eq!(
        site.get("img/flow.png").map(Vec::as_slice),
        Some(&b"\x89PNG fake"[..])
    );
    assert!(!site.contains_key("img/leak.txt"));
    assert!(
        site.values()
            .all(|v| !String::from_utf8_lossy(v).contains("top secret"))
    );
}

#[test]
fn issue_15_mermaid_graph_has_one_node_per_record_and_one_edge_per_link() {
    let t = fixture();
    let out = adr(&["generate", "graph", "--format", "mermaid"])
        .dir(t.path())
        .run();
    out.code(0).stderr_eq(str![]);
    let nodes = Regex::new(r#"(?m)^  (_\d+)\["#).unwrap();
    let ids: Vec<String> = nodes
        .captures_iter(&out.stdout)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(ids, ["_1", "_2", "_3", "_4", "_5", "_6", "_20240101"]);
    let edges: Vec<&str> = out.stdout.lines().filter(|l| l.contains("-->|")).collect();
    assert_eq!(
        edges,
        // One edge per relation: the forward link (the `Superceded by`
        // line of the other record is the same relation).
        ["  _3 -->|\"Supercedes\"| _2", "  _5 -->|\"Supercedes\"| _3"]
    );
    // The DOT form of the same option stays adr-tools' graph.
    let dot = adr(&["generate", "graph", "--format", "dot"])
        .dir(t.path())
        .run();
    dot.code(0);
    assert!(
        dot.stdout
            .starts_with("digraph {\n  node [shape=plaintext];\n")
    );
    adr(&["generate", "graph", "--format", "svg"])
        .dir(t.path())
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: invalid value 'svg' for '--format <FORMAT>'
  [possible values: dot, mermaid]

For more information, try '--help'.

"#]]);
}
