//! Offline HTML pages: escaping, relative hrefs, embedded JSON, and the one
//! page shell (inline CSS with light and dark themes, no external resource)
//! shared by `adr site` and the cohort report. Every page works from
//! `file://`: no `fetch`, no module scripts, no CDN, no web font.

/// Escapes text for an HTML text node or a double-quoted attribute.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes one path segment (a file name) for a relative `href`, so
/// that `#`, `?`, `%`, spaces and non-ASCII names still resolve to the file.
pub(crate) fn href_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `<script type="application/json" id=ID>` holding `json`, safe inside
/// HTML: `<`, `>` and `&` are written as JSON `\u` escapes, so neither
/// `</script>` nor `<!--` can end or change the element.
pub(crate) fn json_script(id: &str, json: &str) -> String {
    let mut safe = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            _ => safe.push(c),
        }
    }
    format!(
        "<script type=\"application/json\" id=\"{}\">{safe}</script>\n",
        escape(id)
    )
}

/// One whole page: `title` is plain text; `body` and `script` are HTML and
/// JavaScript written by labforge (never by the records' authors).
pub(crate) struct Page<'a> {
    pub(crate) title: &'a str,
    /// Extra CSS of the page kind, after the shared style.
    pub(crate) css: &'a str,
    pub(crate) body: &'a str,
    /// An inline classic script placed at the end of the body (may be empty).
    pub(crate) script: &'a str,
}

impl Page<'_> {
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + BASE_CSS.len() + 1024);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
        out.push_str("<meta name=\"generator\" content=\"labforge\">\n");
        out.push_str(&format!("<title>{}</title>\n", escape(self.title)));
        out.push_str("<style>\n");
        out.push_str(BASE_CSS);
        out.push_str(self.css);
        out.push_str("</style>\n</head>\n<body>\n");
        out.push_str(self.body);
        if !self.script.is_empty() {
            out.push_str("<script>\n");
            out.push_str(self.script);
            out.push_str("</script>\n");
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// The shared style. Colours are CSS variables so one `prefers-color-scheme`
/// block switches the theme; every text/background pair (status pills
/// included) has a contrast ratio of at least 4.5:1 (WCAG AA) in both themes.
pub(crate) const BASE_CSS: &str = r#":root {
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --link: #0a58ca; --focus: #8250df;
  --st-accepted-bg: #d1f0d9; --st-accepted-fg: #0f5132;
  --st-proposed-bg: #fff3cd; --st-proposed-fg: #5c4503;
  --st-superseded-bg: #e2e3e5; --st-superseded-fg: #383d41;
  --st-deprecated-bg: #f8d7da; --st-deprecated-fg: #842029;
  --st-rejected-bg: #f8d7da; --st-rejected-fg: #842029;
  --st-other-bg: #e0e7ff; --st-other-fg: #2c2f8f;
  --st-accepted-node: #1a7f37; --st-proposed-node: #9a6700; --st-superseded-node: #6e7781;
  --st-deprecated-node: #cf222e; --st-rejected-node: #cf222e; --st-other-node: #5a5fd6;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --panel: #161b22;
    --link: #6cb6ff; --focus: #d2a8ff;
    --st-accepted-bg: #0f3d22; --st-accepted-fg: #aff5c4;
    --st-proposed-bg: #3d2e00; --st-proposed-fg: #f8e3a1;
    --st-superseded-bg: #30363d; --st-superseded-fg: #d0d7de;
    --st-deprecated-bg: #4c1418; --st-deprecated-fg: #ffc1c0;
    --st-rejected-bg: #4c1418; --st-rejected-fg: #ffc1c0;
    --st-other-bg: #25265e; --st-other-fg: #d4d7ff;
    --st-accepted-node: #3fb950; --st-proposed-node: #d29922; --st-superseded-node: #8b949e;
    --st-deprecated-node: #f85149; --st-rejected-node: #f85149; --st-other-node: #a5a8ff;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem 1.25rem 4rem;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 0.75rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.muted { color: var(--muted); }
.crumbs { font-size: 0.95rem; margin-bottom: 0.5rem; }
.status { display: inline-block; border-radius: 999px; padding: 0 0.6rem; font-size: 0.85rem;
  font-weight: 600; white-space: nowrap;
  background: var(--st-other-bg); color: var(--st-other-fg); }
.status.st-accepted { background: var(--st-accepted-bg); color: var(--st-accepted-fg); }
.status.st-proposed { background: var(--st-proposed-bg); color: var(--st-proposed-fg); }
.status.st-superseded { background: var(--st-superseded-bg); color: var(--st-superseded-fg); }
.status.st-deprecated { background: var(--st-deprecated-bg); color: var(--st-deprecated-fg); }
.status.st-rejected { background: var(--st-rejected-bg); color: var(--st-rejected-fg); }
.note { border-left: 4px solid var(--line); padding: 0.25rem 0.75rem; background: var(--panel); }
[hidden] { display: none !important; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hrefs_keep_reserved_characters_out() {
        assert_eq!(href_segment("0001-a#b c.html"), "0001-a%23b%20c.html");
        assert_eq!(href_segment("é.html"), "%C3%A9.html");
    }

    /// `--name: #rrggbb` declarations of one theme block.
    fn theme(block: &str) -> std::collections::BTreeMap<String, [f64; 3]> {
        let mut out = std::collections::BTreeMap::new();
        for decl in block.split(';') {
            let decl = decl.rsplit('{').next().unwrap_or(decl);
            let Some((k, v)) = decl.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim(), v.trim());
            if let (Some(name), Some(hex)) = (k.strip_prefix("--"), v.strip_prefix('#'))
                && hex.len() == 6
            {
                let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
                out.insert(name.to_string(), [c(0), c(2), c(4)]);
            }
        }
        out
    }

    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let lum = |c: [f64; 3]| {
            let l = |v: f64| {
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * l(c[0]) + 0.7152 * l(c[1]) + 0.0722 * l(c[2])
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// WCAG AA in both themes: 4.5:1 for text (status pills included), 3:1
    /// for the graph's status nodes against the graph's panel.
    #[test]
    fn both_themes_meet_wcag_aa() {
        let light_end = BASE_CSS.find("@media").unwrap();
        let dark_start = BASE_CSS[light_end..].find(":root").unwrap() + light_end;
        let dark_end = BASE_CSS[dark_start..].find('}').unwrap() + dark_start;
        for (name, block) in [
            ("light", &BASE_CSS[..light_end]),
            ("dark", &BASE_CSS[dark_start..dark_end]),
        ] {
            let t = theme(block);
            let mut pairs = vec![
                ("fg", "bg", 4.5),
                ("fg", "panel", 4.5),
                ("muted", "bg", 4.5),
                ("muted", "panel", 4.5),
                ("link", "bg", 4.5),
            ];
            let st = [
                "accepted",
                "proposed",
                "superseded",
                "deprecated",
                "rejected",
                "other",
            ];
            let names: Vec<(String, String, String)> = st
                .iter()
                .map(|s| {
                    (
                        format!("st-{s}-fg"),
                        format!("st-{s}-bg"),
                        format!("st-{s}-node"),
                    )
                })
                .collect();
            for (fg, bg, node) in &names {
                pairs.push((fg.as_str(), bg.as_str(), 4.5));
                pairs.push((node.as_str(), "panel", 3.0));
            }
            for (a, b, min) in pairs {
                let r = contrast(t[a], t[b]);
                assert!(
                    r >= min,
                    "{name}: --{a} on --{b} is {r:.2}:1, below {min}:1"
                );
            }
        }
    }

    #[test]
    fn json_cannot_close_the_script() {
        let s = json_script("i", r#"{"t":"</script><script>alert(1)</script>"}"#);
        assert!(!s.contains("</script><script>"));
        assert!(s.ends_with("</script>\n"));
        assert_eq!(s.matches("</script>").count(), 1);
    }
}
