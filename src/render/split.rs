//! The fast path of rendering: splitting a template into literal runs,
//! copied as they are, and *pieces*, each rendered by handlebars alone: an
//! expression outside blocks (`{{name}}`, `{{snake name}}`) is a piece by
//! itself, and a block is a piece of whole lines (every line it touches).
//!
//! Why: most of a template is literal text, and handlebars' parser is slow
//! on it: pest walks it one character at a time, and every element's
//! line and column are found by rescanning the template from its start
//! (`pest::Position::line_col`), which is quadratic in the template's size.
//! A file without `{{` is one literal run: it renders to itself.
//!
//! The split is only made where it cannot change a byte of the output, and
//! the caller renders the whole template with handlebars instead when
//! [`plan`] gives `None` or any piece fails (so errors, with their line and
//! column, always come from the full template):
//! - a block is whole in one piece, with the whole lines it touches, since
//!   handlebars looks at the rest of a block tag's line (standalone tags);
//!   a plain expression has no such effect, so it can be a piece alone;
//! - anything whose effect can cross a line end, or that this scanner does
//!   not read exactly, gives no plan: whitespace control (`~`), escapes
//!   (`\{{`), raw blocks and triple mustaches (`{{{`), comments (`{{!`),
//!   partials and decorators (`{{>`, `{{#>`, `{{*`, `{{#*`), inverse
//!   sections (`{{^`), braces, backslashes or an unclosed quote inside a
//!   mustache, a `{{` that is never closed, and unbalanced blocks;
//! - a standalone block tag (alone on its line) drops the white space
//!   before it and the rest of its line, line end included: all inside its
//!   piece, since a block's piece is whole lines.
//!
//! Errors: on any error in a piece the caller renders the whole template
//! with handlebars, so the error (its message, line and column) is exactly
//! the one of the full path.

use std::ops::Range;

/// A part of a template, by byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    /// Text without any mustache: it renders to itself.
    Literal(Range<usize>),
    /// Whole lines for handlebars. `literals` are runs of whole lines
    /// inside a block that hold no mustache (each without its last line
    /// end): handlebars gets a placeholder in their place (see
    /// [`Segment::source`]), so its parser does not walk them.
    Piece {
        range: Range<usize>,
        literals: Vec<Range<usize>>,
    },
}

/// The name of the placeholder of a block's `n`th literal run.
pub(super) fn placeholder(n: usize) -> String {
    format!("__lf{n}")
}

impl Segment {
    /// A piece's text for handlebars, with each literal run replaced by
    /// `{{__lfN}}`, and the runs' texts in order. Once compiled, each
    /// placeholder's expression is replaced by its run as raw text (module
    /// `render`). This keeps every byte of the output: a run is whole lines
    /// without a mustache, its last line end stays in the text, and
    /// handlebars decides whether a block tag stands alone from the tag's
    /// own line and the line end before and after it, which are untouched;
    /// an expression (unlike a block tag) never changes the text around it.
    pub(super) fn source<'t>(
        text: &'t str,
        range: &Range<usize>,
        literals: &[Range<usize>],
    ) -> (String, Vec<&'t str>) {
        let mut source = String::with_capacity(range.len());
        let mut runs = Vec::with_capacity(literals.len());
        let mut at = range.start;
        for (n, lit) in literals.iter().enumerate() {
            source.push_str(&text[at..lit.start]);
            source.push_str("{{");
            source.push_str(&placeholder(n));
            source.push_str("}}");
            runs.push(&text[lit.clone()]);
            at = lit.end;
        }
        source.push_str(&text[at..range.end]);
        (source, runs)
    }
}

/// Splits `text` into literal runs and pieces, or `None` when the template
/// must go to handlebars whole. A template without `{{` is one literal run.
pub(super) fn plan(text: &str) -> Option<Vec<Segment>> {
    let bytes = text.as_bytes();
    // Pieces in order: (start, end, whether it is a block's whole lines).
    let mut pieces: Vec<(usize, usize, bool)> = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = find_pair(&text[at..], b'{') {
        let open = at + found;
        let (close, change) = mustache(text, open)?;
        at = close;
        match (depth, change) {
            (0, Depth::Same) => {
                // An expression outside blocks: alone, unless a block's
                // lines already hold it.
                if !matches!(pieces.last(), Some(&(_, end, true)) if open < end) {
                    pieces.push((open, close, false));
                }
            }
            (0, Depth::Open) => {
                // A block: its whole lines, with the pieces already on them.
                let mut start = line_start(bytes, open);
                while let Some(&(s, end, _)) = pieces.last()
                    && end > start
                {
                    start = start.min(s);
                    pieces.pop();
                }
                pieces.push((start, line_end(bytes, close), true));
                depth = 1;
            }
            (0, Depth::Close) => return None,
            (_, change) => {
                let last = pieces.last_mut().expect("a block is open");
                last.1 = last.1.max(line_end(bytes, close));
                depth = match change {
                    Depth::Open => depth + 1,
                    Depth::Close => depth - 1,
                    Depth::Same => depth,
                };
            }
        }
    }
    if depth != 0 {
        return None;
    }
    let mut segments = Vec::with_capacity(pieces.len() * 2 + 1);
    let mut planned = 0;
    for (start, end, block) in pieces {
        if start > planned {
            segments.push(Segment::Literal(planned..start));
        }
        let literals = if block {
            literal_runs(text, start..end)
        } else {
            Vec::new()
        };
        segments.push(Segment::Piece {
            range: start..end,
            literals,
        });
        planned = end;
    }
    if planned < text.len() {
        segments.push(Segment::Literal(planned..text.len()));
    }
    Some(segments)
}

/// The stretches of the block piece `range` that handlebars can be given
/// as placeholders (absolute ranges); none when the piece already holds a
/// placeholder's name. Pieces that differ only in these stretches (an
/// `{{#if (eq track "rust")}}…{{else}}…{{/if}}` on many lines) then give
/// handlebars the same text, compiled once (module `render`).
///
/// Between two mustaches (or a mustache and the piece's start or end),
/// the text is cut at its first and last line end, which stay:
/// - the whole lines between them (the *middle*) are one run;
/// - the text before the first line end (the rest of a mustache's line),
///   the text after the last one (the start of the next mustache's line),
///   and a stretch without any line end, are a run when they hold some
///   character other than a space or a tab (and no `\r`).
///
/// Handlebars decides whether a block tag stands alone by whether the rest
/// of its line before and after it is only spaces and tabs; a run either
/// is not on a tag's line, or holds something else than white space, as
/// its placeholder does: every decision, and so every byte, stays the same.
fn literal_runs(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let piece = &text[range.clone()];
    if piece.contains("__lf") {
        return Vec::new();
    }
    let mut runs: Vec<Range<usize>> = Vec::new();
    let inline = |r: Range<usize>, runs: &mut Vec<Range<usize>>| {
        let s = &piece[r.clone()];
        if !s.contains('\r') && s.contains(|c| c != ' ' && c != '\t') {
            runs.push(r);
        }
    };
    let stretch = |r: Range<usize>, runs: &mut Vec<Range<usize>>| {
        let s = &piece[r.clone()];
        match (s.find('\n'), s.rfind('\n')) {
            (Some(first), Some(last)) => {
                inline(r.start..r.start + first, runs);
                if last > first + 1 {
                    runs.push(r.start + first + 1..r.start + last);
                }
                inline(r.start + last + 1..r.end, runs);
            }
            _ => inline(r, runs),
        }
    };
    // The mustaches of the piece (`plan` has read each one already).
    let mut at = 0;
    while let Some(found) = find_pair(&piece[at..], b'{') {
        let open = at + found;
        let Some(len) = find_pair(&piece[open + 2..], b'}') else {
            return Vec::new();
        };
        stretch(at..open, &mut runs);
        at = open + 2 + len + 2;
    }
    stretch(at..piece.len(), &mut runs);
    runs.iter()
        .map(|r| range.start + r.start..range.start + r.end)
        .collect()
}

/// Where `s` first holds `b` twice in a row (`{{`, `}}`): a search for the
/// byte, then a look at the next one (`str::find`'s two-way search for the
/// pair was a fifth of rendering a built-in lab). A `char` search uses
/// core's memchr, which, unlike the memchr crate, does not probe the CPU
/// (a `cpuid` costs about 10 µs in a VM).
fn find_pair(s: &str, b: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut at = 0;
    while let Some(i) = s[at..].find(char::from(b)) {
        let i = at + i;
        if bytes.get(i + 1) == Some(&b) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// What a mustache does to the block depth.
enum Depth {
    Open,
    Close,
    Same,
}

/// Reads the mustache that opens at `open` (`{{`): the byte after its
/// closing `}}` and its effect on the depth, or `None` for anything the
/// fast path does not take (see the module documentation).
fn mustache(text: &str, open: usize) -> Option<(usize, Depth)> {
    if open > 0 && text.as_bytes()[open - 1] == b'\\' {
        return None; // an escape: `\{{`, `\\{{`
    }
    let rest = &text[open + 2..];
    let inner = &rest[..find_pair(rest, b'}')?];
    if inner.contains(['{', '}', '~', '\\']) || inside_quotes(inner) {
        return None;
    }
    let close = open + 2 + inner.len() + 2;
    // The grammar allows whitespace between `{{` and `#`, `/`, `>`...
    let ws: &[char] = &[' ', '\t', '\n', '\r'];
    let body = inner.trim_start_matches(ws);
    let change = match body.bytes().next()? {
        b'#' => match body[1..].trim_start_matches(ws).bytes().next()? {
            b'*' | b'>' => return None,
            _ => Depth::Open,
        },
        b'/' => Depth::Close,
        b'!' | b'>' | b'*' | b'&' | b'^' => return None,
        _ => Depth::Same,
    };
    Some((close, change))
}

/// Whether the end of `inner` is inside a quoted string (so its `}}` is
/// part of a string, not the end of the mustache).
fn inside_quotes(inner: &str) -> bool {
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    quote.is_some()
}

/// The start of the line holding byte `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// The start of the line after the one holding byte `at` (or the end).
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i + 1)
}

#[cfg(test)]
mod tests {
    use super::{Segment, plan};
    use crate::render::Renderer;
    use serde_json::json;

    fn renderer() -> Renderer {
        let ctx = json!({
            "name": "My API client",
            "t": true,
            "f": false,
            "n": 3,
            "list": ["a", "b"],
            "obj": { "k": "v" },
            "lab": { "id": "demo" },
        });
        Renderer::with_context(ctx, "labs/demo".into()).unwrap()
    }

    /// What `render` gives, as a comparable value: the text, or the
    /// error's message and line:col.
    fn shown(r: &crate::error::Result<String>) -> String {
        match r {
            Ok(text) => format!("ok {text:?}"),
            Err(e) => {
                let at = e.location.as_ref().map(|l| (l.line, l.column));
                format!("error {:?} at {at:?}", e.message)
            }
        }
    }

    /// The fast path against handlebars on the whole template: the same
    /// output byte for byte, or the same error. Returns whether the fast
    /// path rendered it (so tests can insist that it did).
    fn same_as_handlebars(r: &Renderer, text: &str) -> bool {
        let whole = r.render_whole(text).map_err(|e| r.error("t.hbs", e));
        let fast = r.render("t.hbs", text);
        assert_eq!(shown(&fast), shown(&whole), "template {text:?}");
        let plan = plan(text);
        let taken = plan.as_ref().and_then(|p| r.render_plan(text, p));
        if let Some(out) = &taken {
            assert_eq!(Ok(out), whole.as_ref().map_err(|_| ()), "template {text:?}");
        }
        taken.is_some()
    }

    #[test]
    fn a_file_without_braces_renders_to_itself_without_the_parser() {
        let r = renderer();
        for text in [
            "",
            "plain\n",
            "  leading and trailing  \n\n",
            "a } b }} c { d \\ e \\\\ f ${ not.rendered }\r\nlast line without end",
            "\\{ \\} \\\\\n",
            "\n\n\t\n",
        ] {
            let segments = plan(text).unwrap();
            assert!(
                segments.iter().all(|s| matches!(s, Segment::Literal(_))),
                "{text:?}: {segments:?}"
            );
            assert!(same_as_handlebars(&r, text), "{text:?}");
            assert_eq!(r.render("t.hbs", text).unwrap(), text);
        }
    }

    #[test]
    fn escaped_braces_render_as_handlebars_does() {
        let r = renderer();
        let cases = [
            ("a \\{{name}} b\n", "a {{name}} b\n"),
            ("prose\n\\\\{{name}}\n", "prose\n\\My API client\n"),
            ("x\n\\{{{{raw}}}} y\n", "x\n{{{{raw}}}} y\n"),
        ];
        for (text, want) in cases {
            assert!(
                plan(text).is_none(),
                "escapes go to handlebars whole: {text:?}"
            );
            same_as_handlebars(&r, text);
            assert_eq!(r.render("t.hbs", text).unwrap(), want, "{text:?}");
        }
    }

    #[test]
    fn braces_inside_a_raw_block_render_as_handlebars_does() {
        let r = renderer();
        let text =
            "# {{name}}\n\nprose\n{{{{raw}}}}\n{{name}} and {{#if t}}\n{{{{/raw}}}}\nend {{n}}\n";
        assert!(plan(text).is_none());
        same_as_handlebars(&r, text);
        assert_eq!(
            r.render("t.hbs", text).unwrap(),
            "# My API client\n\nprose\n{{name}} and {{#if t}}\nend 3\n"
        );
    }

    #[test]
    fn literal_text_skips_the_parser_and_blocks_stay_whole_lines() {
        let r = renderer();
        let text = "# {{name}}\n\nprose line\nmore prose\n{{#if t}}\n  yes {{n}}\n\nplain inside, long enough\nand more\n{{else}}\nno\n{{/if}}\ntail {{snake name}}\na {{n}} {{#if f}}x{{/if}} {{n}}\nend\n";
        let segments = plan(text).unwrap();
        let kinds: Vec<_> = segments
            .iter()
            .map(|s| match s {
                Segment::Literal(r) => format!("literal {:?}", &text[r.clone()]),
                Segment::Piece { range, literals } => format!(
                    "piece {:?}{}",
                    &text[range.clone()],
                    literals
                        .iter()
                        .map(|l| format!(" with literal {:?}", &text[l.clone()]))
                        .collect::<String>()
                ),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "literal \"# \"",
                "piece \"{{name}}\"",
                "literal \"\\n\\nprose line\\nmore prose\\n\"",
                "piece \"{{#if t}}\\n  yes {{n}}\\n\\nplain inside, long enough\\nand more\\n{{else}}\\nno\\n{{/if}}\\n\" with literal \"  yes \" with literal \"\\nplain inside, long enough\\nand more\" with literal \"no\"",
                "literal \"tail \"",
                "piece \"{{snake name}}\"",
                "literal \"\\n\"",
                "piece \"a {{n}} {{#if f}}x{{/if}} {{n}}\\n\" with literal \"a \" with literal \"x\"",
                "literal \"end\\n\"",
            ]
        );
        assert!(same_as_handlebars(&r, text));
        assert_eq!(
            r.render("t.hbs", text).unwrap(),
            "# My API client\n\nprose line\nmore prose\n  yes 3\n\nplain inside, long enough\nand more\ntail my_api_client\na 3  3\nend\n"
        );
    }

    #[test]
    fn strict_errors_keep_the_line_and_column_of_the_template() {
        let r = renderer();
        let text = "# {{name}}\n\nprose\n\nsee {{missing}} here\n";
        assert!(same_as_handlebars(&r, "# {{name}}\n\nprose\n"));
        let e = r.render("t.hbs", text).unwrap_err();
        assert_eq!(
            e.message,
            "could not render `t.hbs`: `missing` is not defined"
        );
        let l = e.location.unwrap();
        assert_eq!(
            (l.file, l.line, l.column),
            ("labs/demo/t.hbs".into(), Some(5), Some(5))
        );
        // A syntax error in a later piece, after a strict error: handlebars
        // parses first, so the syntax error is the one reported.
        let text = "{{missing}}\nprose\n{{#if t}}\nx\n";
        let e = r.render("t.hbs", text).unwrap_err();
        assert!(e.message.contains("does not parse"), "{}", e.message);
        same_as_handlebars(&r, text);
        let text = "ok\nprose\n  {{name}} {{upper missing}}\n";
        let e = r.render("t.hbs", text).unwrap_err();
        let l = e.location.unwrap();
        assert_eq!((l.line, l.column), (Some(3), Some(12)), "{}", e.message);
        same_as_handlebars(&r, text);
    }

    /// A small xorshift generator: the random tests are reproducible.
    fn rng(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    /// Templates built at random from fragments chosen to hit every rule
    /// the split depends on (standalone tags, line ends, `\r\n`, escapes,
    /// raw blocks, comments, `~`, quotes, unbalanced blocks, strict errors):
    /// the fast path must agree with handlebars on each.
    #[test]
    fn random_fragments_render_as_handlebars_does() {
        const FRAGMENTS: &[&str] = &[
            "{{name}}",
            "{{obj.k}}",
            "{{n}}",
            "{{#if t}}",
            "{{#if f}}",
            "{{#unless t}}",
            "{{else}}",
            "{{/if}}",
            "{{/unless}}",
            "{{#each list}}",
            "{{this}}",
            "{{@index}}",
            "{{/each}}",
            "{{#with obj}}",
            "{{k}}",
            "{{/with}}",
            "{{snake name}}",
            "{{ upper  name }}",
            "{{ #if t }}",
            "{{ /if }}",
            "{{lab.id}}",
            "\n",
            "\n",
            "\n",
            "\r\n",
            "\r",
            "  ",
            "\t",
            " text ",
            "prose.",
            "\\{{name}}",
            "\\\\{{name}}",
            "{{{{raw}}}}",
            "{{{{/raw}}}}",
            "{{!-- c {{x}} --}}",
            "{{! c }}",
            "{{~name~}}",
            "{{~#if t}}",
            "{{/if~}}",
            "}}",
            "{",
            "}",
            "\\",
            "{{missing}}",
            "{{upper \"x}}y\"}}",
            "{{upper \"a\"}}",
            "{{upper 'it\"s'}}",
            "{{date \"[year]\"}}",
            "'",
            "\"",
            "{{",
            "{{> p}}",
            "{{#*inline \"p\"}}",
            "{{/inline}}",
            "{{^}}",
            "{{&name}}",
            "{{{name}}}",
            "{{else if f}}",
            "{{#if (eq name \"My API client\")}}",
            "{{#unless (eq lab.id \"x\")}}",
            "{{#if (eq n \"3\")}}",
            "{{#if (eq name \"a}}b\")}}",
            "{{#if (eq name 'x')}}",
            "{{#if (eq missing \"x\")}}",
            "{{#if missing}}",
            "{{ name }}",
            "{{t}}",
            "{{obj}}",
            "{{date}}",
            "{{year}}",
            "a longer line of prose, no mustache\n",
            " some longer inline text, no line end ",
            "  \t  \t  \t  \t  \t  ",
            "{{upper\n  name}}",
            "__lf0",
        ];
        let r = renderer();
        let mut next = rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let text: String = (0..next(24))
                .map(|_| FRAGMENTS[next(FRAGMENTS.len())])
                .collect();
            same_as_handlebars(&r, &text);
        }
    }

    /// Well-formed templates built at random (nested blocks, standalone and
    /// inline tags, blank lines, `\r\n`, strict errors): most take the fast
    /// path, and each agrees with handlebars.
    #[test]
    fn random_templates_render_as_handlebars_does() {
        const LEAVES: &[&str] = &[
            "{{name}}",
            "{{n}}",
            " text ",
            "\n",
            "\n",
            "prose line\n",
            "a longer line of prose, in a block\n",
            "a longer line of prose, \\r\\n ended\r\n",
            "  ",
            "\t",
            "\r\n",
            "{{snake name}}",
            "{{ upper  name }}",
            "{{#with obj}}{{k}}{{/with}}",
            "{{lab.id}}",
            "{{#each list}}{{@index}}={{this}}\n{{/each}}\n",
            "{{missing}}",
            "}} {",
            "{{date \"[year]\"}}",
            "x \\ y",
            "{{upper\n  name}}\n",
            " some longer inline text, no line end ",
            "                    ",
            "{{ name }}",
            "{{t}}",
            "{{obj}}",
            "{{date}}",
            "{{ year }}",
        ];
        const OPEN: &[&str] = &[
            "{{#if t}}",
            "{{#if f}}",
            "{{#if t}}\n",
            "  {{#if f}}  \n",
            "{{#unless f}}\r\n",
            "\t{{#if t}}\n",
            "{{#if (eq name \"My API client\")}}\n",
            "{{#if (eq name \"other\")}}",
            "  {{#if (eq lab.id \"demo\")}}\n",
            "{{#if (eq n \"3\")}}\n",
            "{{#if n}}",
            "{{#if list}}\n",
        ];
        const ELSE: &[&str] = &[
            "",
            "",
            "{{else}}",
            "{{else}}\n",
            "  {{else}}\n",
            "{{else if t}}\n",
        ];
        const CLOSE: &[&str] = &["{{/if}}", "{{/if}}\n", "  {{/if}}  \n", "{{/if}}\r\n"];
        fn grow(next: &mut dyn FnMut(usize) -> usize, depth: usize, out: &mut String) {
            for _ in 0..next(6) + 1 {
                if depth < 3 && next(4) == 0 {
                    let unless = next(5) == 0;
                    out.push_str(if unless {
                        "{{#unless f}}"
                    } else {
                        OPEN[next(OPEN.len())]
                    });
                    grow(next, depth + 1, out);
                    if !unless {
                        let e = ELSE[next(ELSE.len())];
                        if !e.is_empty() {
                            out.push_str(e);
                            grow(next, depth + 1, out);
                        }
                    }
                    let close = CLOSE[next(CLOSE.len())];
                    if unless {
                        out.push_str(&close.replace("/if", "/unless"));
                    } else {
                        out.push_str(close);
                    }
                } else {
                    out.push_str(LEAVES[next(LEAVES.len())]);
                }
            }
        }
        let r = renderer();
        let mut next = rng(0x2545_f491_4f6c_dd1d);
        let (mut fast, mut valid, mut with_literals, total) = (0, 0, 0, 3000);
        let (mut pieces, mut direct) = (0, 0);
        for _ in 0..total {
            let mut text = String::new();
            grow(&mut next, 0, &mut text);
            valid += usize::from(r.render_whole(&text).is_ok());
            fast += usize::from(same_as_handlebars(&r, &text));
            with_literals += usize::from(plan(&text).is_some_and(|p| {
                p.iter()
                    .any(|s| matches!(s, Segment::Piece { literals, .. } if !literals.is_empty()))
            }));
            for segment in plan(&text).unwrap_or_default() {
                if let Segment::Piece { range, .. } = segment {
                    pieces += 1;
                    let mut out = String::new();
                    direct += usize::from(
                        crate::render::direct::render(&text[range], &r.ctx, &mut out).is_some(),
                    );
                }
            }
        }
        // The direct path (no parser) takes a fair share of the pieces; the
        // rest hold helpers, `{{#each}}`, `\r\n` or `{{missing}}`.
        assert!(
            direct * 5 > pieces,
            "direct path took {direct} of {pieces} pieces"
        );
        // Literal runs inside blocks (placeholders for the parser) are common.
        assert!(
            with_literals * 10 > total,
            "only {with_literals} with literal runs"
        );
        // Nearly every template handlebars renders takes the fast path (the
        // others fail on `{{missing}}`; a rare `{` before a mustache makes a
        // `{{{` that goes to handlebars whole), and they are not a handful.
        assert!(fast * 50 >= valid * 49, "fast path taken {fast} of {valid}");
        assert!(valid * 4 > total, "only {valid} of {total} render");
    }
}
