//! A record's Markdown as HTML, through comrak with its safe defaults: raw
//! HTML is omitted and `javascript:`-style links are emptied; GFM tables,
//! task lists, autolinks and strikethrough are on. Links to other records
//! point at their pages; a `mermaid` block stays code, with a note.

use std::collections::BTreeMap;

use std::cell::RefCell;

use comrak::nodes::{Ast, AstNode, LineColumn, NodeCode, NodeValue};
use comrak::{Arena, Options, format_html, parse_document};

/// Shown above every ```` ```mermaid ```` block.
pub(crate) const MERMAID_NOTE: &str = "This is a Mermaid diagram, shown as its source: the site works \
offline and does not load mermaid.js. Paste it into any Mermaid viewer to draw it.";

/// The body of one record as HTML. `pages` maps record file names to their
/// page names; `assets` collects other relative link targets (images,
/// attachments) so the site can copy them beside the pages.
pub(crate) fn to_html(
    body: &str,
    pages: &BTreeMap<String, String>,
    assets: &mut Vec<String>,
) -> String {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.tasklist = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    let arena = Arena::new();
    let root = parse_document(&arena, body, &options);
    // The title is the page's own heading.
    if let Some(h1) = root
        .children()
        .find(|n| matches!(n.data.borrow().value, NodeValue::Heading(ref h) if h.level == 1))
    {
        h1.detach();
    }
    let mut external = Vec::new();
    for node in root.descendants() {
        let mut data = node.data.borrow_mut();
        match data.value {
            NodeValue::Link(ref mut link) | NodeValue::Image(ref mut link) => {
                if is_remote(&link.url) {
                    external.push((node, link.url.clone()));
                } else if let Some(url) = rewrite(&link.url, pages, assets) {
                    link.url = url;
                }
            }
            _ => {}
        }
    }
    for (node, url) in external {
        unlink(&arena, node, url);
    }
    let mut html = String::new();
    // Writing into a String cannot fail.
    let _ = format_html(root, &options, &mut html);
    html.replace(
        "<pre><code class=\"language-mermaid\">",
        &format!(
            "<p class=\"note mermaid-note\">{MERMAID_NOTE}</p>\n<pre><code class=\"language-mermaid\">"
        ),
    )
}

/// A URL that would make the browser reach the network.
fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//")
}

/// The site never points outside itself: a remote link (or image) becomes
/// its text followed by the address as code, so a copy on a USB stick is
/// self-contained, nothing is loaded from elsewhere, and the reader still
/// sees where the record points.
fn unlink<'a>(arena: &'a Arena<'a>, node: &'a AstNode<'a>, url: String) {
    let new = |value: NodeValue| -> &'a AstNode<'a> {
        arena.alloc(AstNode::new(RefCell::new(Ast::new(
            value,
            LineColumn { line: 0, column: 0 },
        ))))
    };
    let children: Vec<_> = node.children().collect();
    let text: String = children
        .iter()
        .filter_map(|c| c.data.borrow().value.text().map(|t| t.to_string()))
        .collect();
    let code = new(NodeValue::Code(NodeCode {
        num_backticks: 1,
        literal: url.clone(),
    }));
    if children.is_empty() || text == url {
        node.insert_before(code);
    } else {
        for c in children {
            node.insert_before(c);
        }
        node.insert_before(new(NodeValue::Text(" (".into())));
        node.insert_before(code);
        node.insert_before(new(NodeValue::Text(")".into())));
    }
    node.detach();
}

/// A relative link to a record becomes a link to its page; another relative
/// link that stays inside the records folder is kept and its target listed
/// as an asset. Absolute URLs and fragments are left alone.
fn rewrite(
    url: &str,
    pages: &BTreeMap<String, String>,
    assets: &mut Vec<String>,
) -> Option<String> {
    if url.is_empty() || url.starts_with('#') || url.starts_with('/') || url.contains("://") {
        return None;
    }
    if url
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains('/'))
    {
        return None; // mailto:, data:, … (comrak already emptied unsafe ones)
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.strip_prefix("./").unwrap_or(path);
    let decoded = percent_decode(path);
    if let Some(page) = pages.get(&decoded) {
        let mut out = crate::html::href_segment(page);
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        return Some(out);
    }
    if inside(&decoded) {
        assets.push(decoded);
    }
    None
}

/// A relative path without `..`, `.` or empty components.
fn inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.starts_with('.'))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        let pages = BTreeMap::from([("0002-b.md".to_string(), "0002-b.html".to_string())]);
        to_html(md, &pages, &mut Vec::new())
    }

    #[test]
    fn unsafe_html_and_links_are_dropped() {
        let html = render("<script>alert(1)</script>\n\n[x](javascript:alert(1))\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn record_links_point_at_pages() {
        assert_eq!(
            render("See [b](0002-b.md#ctx) and [c](./0002-b.md).\n"),
            "<p>See <a href=\"0002-b.html#ctx\">b</a> and <a href=\"0002-b.html\">c</a>.</p>\n"
        );
    }

    #[test]
    fn remote_links_become_text_and_address() {
        assert_eq!(
            render(
                "See [the article](https://example.com/a) and https://example.org ![i](//cdn/x.png)\n"
            ),
            "<p>See the article (<code>https://example.com/a</code>) and <code>https://example.org</code> i (<code>//cdn/x.png</code>)</p>\n"
        );
    }

    #[test]
    fn mermaid_is_code_with_a_note() {
        let html = render("```mermaid\ngraph TD\n  a-->b\n```\n");
        assert_eq!(
            html,
            format!(
                "<p class=\"note mermaid-note\">{MERMAID_NOTE}</p>\n<pre><code class=\"language-mermaid\">graph TD\n  a--&gt;b\n</code></pre>\n"
            )
        );
    }

    #[test]
    fn assets_inside_are_collected() {
        let mut assets = Vec::new();
        to_html(
            "![d](img/d%20x.png) [up](../secret.txt) [h](.hidden)\n",
            &BTreeMap::new(),
            &mut assets,
        );
        assert_eq!(assets, vec!["img/d x.png".to_string()]);
    }
}
