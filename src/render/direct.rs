//! Rendering a piece (module `split`) without handlebars' parser, for the
//! few forms lab templates use on nearly every line that holds a mustache:
//! `{{name}}`, `{{lab.title}}`, `{{date}}`, `{{year}}`, and `{{#if …}}` /
//! `{{#unless …}}` blocks
//! with an optional `{{else}}`, whose condition is a name or
//! `(eq name "text")`.
//!
//! Why: handlebars parses with pest, which costs about 30 µs for a
//! one-line `{{#if (eq track "rust")}}…{{/if}}` skeleton (and reads
//! `/proc/self/maps` for its stack guard the first time), while a built-in
//! lab renders in well under a millisecond otherwise (issue 14: `new` at
//! most 2x `cp -r`).
//!
//! The semantics are handlebars' own, step for step, and the differential
//! tests in `split` hold this path to handlebars on thousands of random
//! templates:
//! - a name is looked up in the context (`a.b` walks objects); a name that
//!   is a helper, a missing value (an error in strict mode), or a value that
//!   is not a string, number or boolean gives `None`: the caller compiles
//!   the piece with handlebars instead, which renders it or reports the
//!   error with its line and column;
//! - `if` is true for `true`, a non-empty string, a number other than 0
//!   (handlebars' `is_truthy` without `includeZero`); `unless` is the
//!   opposite; `eq` compares JSON values;
//! - a block tag (`{{#if}}`, `{{else}}`, `{{/if}}`) is *standalone* when the
//!   text before it on its line and after it up to the line end is only
//!   spaces and tabs (or it ends the template): then the spaces before it
//!   and the rest of its line, line end included, are dropped
//!   (`Template::process_standalone_statement` and `raw_string` in
//!   handlebars). A piece always starts at a line start (`split`), so the
//!   test reads the same on the piece as on the whole template;
//! - anything else (`\r`, whitespace control, other helpers, `else if`,
//!   partials, literals other than a double-quoted string without escapes)
//!   gives `None`.

use serde_json::Value;

use super::helpers;

/// Names handlebars resolves as helpers before looking at the context:
/// its own (`Registry::new` in handlebars 6, without the `string_helpers`
/// feature); labforge's are `helpers::NAMES`. Never read as values.
const HANDLEBARS_HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// Words handlebars' grammar reads as something else than a name: literals,
/// `this`, and `as` (block parameters). Never read as values either; nor is
/// a name that starts with `else` (`{{elsewhere}}` is `{{else where}}`).
const KEYWORDS: &[&str] = &["this", "true", "false", "null", "as"];

/// Renders `piece` over `ctx` onto `out`, or returns `None` (with `out`
/// as it was) when the piece holds anything this path does not take.
pub(super) fn render(piece: &str, ctx: &Value, out: &mut String) -> Option<()> {
    if piece.contains('\r') {
        return None;
    }
    let tokens = tokens(piece)?;
    let nodes = tree(piece, tokens)?;
    let start = out.len();
    if emit(&nodes, ctx, out).is_none() {
        out.truncate(start);
        return None;
    }
    Some(())
}

/// A condition: a name, or `(eq name "text")`.
#[derive(Debug, Clone, PartialEq)]
enum Cond<'a> {
    Name(&'a str),
    Eq(&'a str, &'a str),
}

#[derive(Debug, Clone, PartialEq)]
enum Tag<'a> {
    Expr(&'a str),
    /// `{{date}}` or `{{year}}`: labforge's helpers without a parameter.
    Helper(&'a str),
    Open {
        unless: bool,
        cond: Cond<'a>,
    },
    Else,
    Close {
        unless: bool,
    },
}

/// A mustache with its byte range in the piece.
struct Token<'a> {
    start: usize,
    end: usize,
    tag: Tag<'a>,
}

/// The mustaches of `piece`, in order, or `None` for any it does not take.
fn tokens(piece: &str) -> Option<Vec<Token<'_>>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = piece[at..].find("{{") {
        let start = at + found;
        if start > 0 && piece.as_bytes()[start - 1] == b'\\' {
            return None;
        }
        let inner_start = start + 2;
        let len = piece[inner_start..].find("}}")?;
        let inner = &piece[inner_start..inner_start + len];
        let end = inner_start + len + 2;
        out.push(Token {
            start,
            end,
            tag: tag(inner)?,
        });
        at = end;
    }
    Some(out)
}

/// Reads the inside of one mustache.
fn tag(inner: &str) -> Option<Tag<'_>> {
    if inner.contains(['{', '}', '~', '\\', '\n', '\r', '\t', '\'', '=', '@']) {
        return None;
    }
    // Block tags exactly as labs write them (`{{#if x}}`, `{{else}}`,
    // `{{/if}}`); an expression may have spaces inside (`{{ name }}`).
    if let Some(rest) = inner.strip_prefix('#') {
        let (name, cond) = rest.split_once(' ')?;
        let unless = match name {
            "if" => false,
            "unless" => true,
            _ => return None,
        };
        return Some(Tag::Open {
            unless,
            cond: condition(cond.trim_matches(' '))?,
        });
    }
    if let Some(rest) = inner.strip_prefix('/') {
        return match rest {
            "if" => Some(Tag::Close { unless: false }),
            "unless" => Some(Tag::Close { unless: true }),
            _ => None,
        };
    }
    if inner == "else" {
        return Some(Tag::Else);
    }
    match inner.trim_matches(' ') {
        name @ ("date" | "year") => Some(Tag::Helper(name)),
        name => Some(Tag::Expr(path(name)?)),
    }
}

/// `name` or `(eq name "text")`.
fn condition(s: &str) -> Option<Cond<'_>> {
    let Some(inner) = s.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return Some(Cond::Name(path(s)?));
    };
    let rest = inner
        .trim_matches(' ')
        .strip_prefix("eq ")?
        .trim_start_matches(' ');
    let (name, lit) = rest.split_once(' ')?;
    let lit = lit.trim_matches(' ');
    let text = lit.strip_prefix('"')?.strip_suffix('"')?;
    // serde_json reads handlebars' string literals: no control characters.
    if text.contains(|c: char| c == '"' || c < ' ') {
        return None;
    }
    Some(Cond::Eq(path(name)?, text))
}

/// A plain dotted name (`project_name`, `lab.title`) that is not a helper.
fn path(s: &str) -> Option<&str> {
    let plain = |seg: &str| {
        let mut chars = seg.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let taken = HANDLEBARS_HELPERS.contains(&s)
        || helpers::NAMES.contains(&s)
        || KEYWORDS.contains(&s)
        || s.starts_with("else");
    if taken || !s.split('.').all(plain) {
        return None;
    }
    Some(s)
}

/// What a piece renders: text, values and blocks.
#[derive(Debug)]
enum Node<'a> {
    Text(&'a str),
    Value(&'a str),
    Helper(&'a str),
    Block {
        unless: bool,
        cond: Cond<'a>,
        then: Vec<Node<'a>>,
        otherwise: Vec<Node<'a>>,
    },
}

/// A block being read: its condition, its then-branch once `{{else}}` is
/// seen, and the branch being filled.
struct Open<'a> {
    unless: bool,
    cond: Cond<'a>,
    then: Option<Vec<Node<'a>>>,
    nodes: Vec<Node<'a>>,
}

/// The branch that text and values go into: the innermost open block's,
/// or the top level.
fn current<'s, 'a>(stack: &'s mut [Open<'a>], top: &'s mut Vec<Node<'a>>) -> &'s mut Vec<Node<'a>> {
    match stack.last_mut() {
        Some(open) => &mut open.nodes,
        None => top,
    }
}

/// Builds the blocks of `piece` from its `tokens`, dropping what standalone
/// block tags drop.
fn tree<'a>(piece: &'a str, tokens: Vec<Token<'a>>) -> Option<Vec<Node<'a>>> {
    let mut stack: Vec<Open<'a>> = Vec::new();
    let mut nodes: Vec<Node<'a>> = Vec::new();
    // Whether the text after the previous tag loses its leading white
    // space and first line end (that tag was standalone).
    let mut trim_next = false;
    let mut at = 0;
    for token in tokens {
        // Handlebars trims the text right before and after a standalone
        // tag; the flag waits for the next text (none is empty there).
        let mut text = &piece[at..token.start];
        if trim_next && !text.is_empty() {
            text = strip_line_start(text);
            trim_next = false;
        }
        let is_block_tag = !matches!(token.tag, Tag::Expr(_) | Tag::Helper(_));
        let standalone = is_block_tag && standalone(piece, token.start, token.end);
        if standalone {
            text = text.trim_end_matches([' ', '\t']);
        }
        let branch = current(&mut stack, &mut nodes);
        if !text.is_empty() {
            branch.push(Node::Text(text));
        }
        if is_block_tag {
            trim_next = standalone;
        }
        match token.tag {
            Tag::Expr(name) => branch.push(Node::Value(name)),
            Tag::Helper(name) => branch.push(Node::Helper(name)),
            Tag::Open { unless, cond } => stack.push(Open {
                unless,
                cond,
                then: None,
                nodes: Vec::new(),
            }),
            Tag::Else => {
                let open = stack.last_mut()?;
                if open.then.is_some() {
                    return None;
                }
                open.then = Some(std::mem::take(&mut open.nodes));
            }
            Tag::Close { unless } => {
                let open = stack.pop()?;
                if open.unless != unless {
                    return None;
                }
                let (then, otherwise) = match open.then {
                    Some(then) => (then, open.nodes),
                    None => (open.nodes, Vec::new()),
                };
                let block = Node::Block {
                    unless,
                    cond: open.cond,
                    then,
                    otherwise,
                };
                current(&mut stack, &mut nodes).push(block);
            }
        }
        at = token.end;
    }
    if !stack.is_empty() {
        return None;
    }
    let mut text = &piece[at..];
    if trim_next {
        text = strip_line_start(text);
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    Some(nodes)
}

/// Whether the block tag at `start..end` of `piece` stands alone on its
/// line (handlebars' `process_standalone_statement`, for a whole template,
/// on a piece that starts at a line start).
fn standalone(piece: &str, start: usize, end: usize) -> bool {
    let after = &piece[end..];
    let trailing = after.is_empty() || after.trim_start_matches([' ', '\t']).starts_with('\n');
    let before = piece[..start].trim_end_matches([' ', '\t']);
    trailing && (before.is_empty() || before.ends_with('\n'))
}

/// The text after a standalone tag: without its leading spaces and tabs
/// and its first line end (handlebars' `raw_string` with
/// `trim_start_line`).
fn strip_line_start(text: &str) -> &str {
    let text = text.trim_start_matches([' ', '\t']);
    text.strip_prefix('\n').unwrap_or(text)
}

/// Renders `nodes`, or `None` at the first value it cannot show.
fn emit(nodes: &[Node<'_>], ctx: &Value, out: &mut String) -> Option<()> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Value(name) => match lookup(ctx, name)? {
                Value::String(s) => out.push_str(s),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Number(n) => out.push_str(&n.to_string()),
                _ => return None,
            },
            // The helpers' own code, so the text is theirs.
            Node::Helper("date") => out.push_str(&helpers::date_text(helpers::DATE_FORMAT).ok()?),
            Node::Helper(_) => out.push_str(&helpers::year_text()),
            Node::Block {
                unless,
                cond,
                then,
                otherwise,
            } => {
                let truth = match cond {
                    Cond::Name(name) => match lookup(ctx, name)? {
                        Value::Null => return None,
                        v => truthy(v),
                    },
                    Cond::Eq(name, text) => {
                        matches!(lookup(ctx, name)?, Value::String(s) if s == text)
                    }
                };
                let branch = if truth != *unless { then } else { otherwise };
                emit(branch, ctx, out)?;
            }
        }
    }
    Some(())
}

/// `ctx.a.b` for `a.b`: `None` when missing (an error in strict mode).
fn lookup<'v>(ctx: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(ctx, |v, seg| v.as_object()?.get(seg))
}

/// Handlebars' `is_truthy` without `includeZero`.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(f64::is_normal),
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    fn direct(text: &str) -> Option<String> {
        let ctx = json!({"track": "rust", "name": "Ann", "n": 0, "lab": {"title": "T"}});
        let mut out = String::from("kept:");
        let r = render(text, &ctx, &mut out).map(|()| out.clone());
        if r.is_none() {
            assert_eq!(out, "kept:", "a refused piece leaves the output as it was");
        }
        r
    }

    #[test]
    fn the_forms_labs_use_render_without_the_parser() {
        let block = "{{#if (eq track \"rust\")}}\nRust line\n{{else}}\nPython line\n{{/if}}\n";
        assert_eq!(direct(block).unwrap(), "kept:Rust line\n");
        let inline = "Run {{#if (eq track \"python\")}}pytest{{else}}cargo test{{/if}} now\n";
        assert_eq!(direct(inline).unwrap(), "kept:Run cargo test now\n");
        assert_eq!(direct("{{ lab.title }}").unwrap(), "kept:T");
        assert_eq!(
            direct("  {{#unless n}}  \nzero\n  {{/unless}}\n").unwrap(),
            "kept:zero\n"
        );
    }

    #[test]
    fn anything_else_goes_to_handlebars() {
        for text in [
            "{{date \"[year]\"}}",
            "{{snake name}}",
            "{{missing}}",
            "{{lab}}",
            "{{#if (eq missing \"x\")}}a{{/if}}",
            "{{#if t}}a{{else if f}}b{{/if}}",
            "{{#each list}}x{{/each}}",
            "{{#if (eq name 'Ann')}}a{{/if}}",
            "{{#if (eq name \"A\\\"nn\")}}a{{/if}}",
            "{{~name}}",
            "\\{{name}}",
            "{{#if n}}a\r\n{{/if}}",
            "{{#if n}}a{{/unless}}",
            "{{#if n}}a",
            "{{> partial}}",
            "{{! comment }}",
            "{{#if t}}{{elsewhere}}{{/if}}",
            "{{else_note}}",
            "{{#if as}}a{{/if}}",
            "{{#if (eq as \"x\")}}a{{/if}}",
            "{{#if (eq name \"a\u{b}b\")}}a{{/if}}",
        ] {
            assert_eq!(direct(text), None, "{text:?}");
        }
    }

    /// Each listed handlebars name is a helper in handlebars' registry (so
    /// `{{name}}` never shows a value of that name), and so is each of
    /// labforge's; no keyword is in either list.
    #[test]
    fn listed_helpers_are_helpers() {
        let mut hb = handlebars::Handlebars::new();
        super::super::helpers::register(&mut hb);
        for name in super::HANDLEBARS_HELPERS
            .iter()
            .chain(super::super::helpers::NAMES.iter())
        {
            assert!(!super::KEYWORDS.contains(name), "`{name}`");
            let ctx = json!({ *name: "VALUE" });
            let out = hb.render_template(&format!("{{{{{name}}}}}"), &ctx);
            assert_ne!(
                out.ok().as_deref(),
                Some("VALUE"),
                "`{name}` is not a helper"
            );
        }
    }
}
