//! The little Markdown an ADR needs: YAML-ish front matter, headings split
//! into sections (with 1-based line numbers), and the text cleaning that
//! `lint` uses to tell real words from template prompts and placeholders.

/// One `## Heading` (or a split-out `### Heading`) and the lines under it.
#[derive(Debug, Clone)]
pub(crate) struct Section<'a> {
    pub(crate) name: String,
    pub(crate) level: usize,
    /// 1-based line of the heading.
    pub(crate) line: usize,
    /// The lines of the body with their 1-based line numbers.
    pub(crate) body: Vec<(usize, &'a str)>,
}

/// A parsed ADR text: front matter keys, the first `# ` title and sections.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    pub(crate) front_matter: Option<Vec<(String, String, usize)>>,
    pub(crate) title: Option<(String, usize)>,
    pub(crate) sections: Vec<Section<'a>>,
}

impl Doc<'_> {
    pub(crate) fn section(&self, name: &str) -> Option<&Section<'_>> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
    pub(crate) fn front(&self, key: &str) -> Option<(&str, usize)> {
        self.front_matter
            .as_ref()?
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, l)| (v.as_str(), *l))
    }
}

/// H3 headings that are sections of their own in MADR (children of
/// "Decision Outcome"); any other H3 stays part of its parent section.
const SPLIT_H3: &[&str] = &["Consequences", "Confirmation"];

/// Splits `text` into front matter, title and sections. Headings inside
/// fenced code blocks are ignored.
pub fn parse(text: &str) -> Doc<'_> {
    let mut doc = Doc::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    if lines.first().is_some_and(|l| l.trim_end() == "---")
        && let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---")
    {
        let mut fm = Vec::new();
        for (n, l) in lines[1..=end].iter().enumerate() {
            if l.trim_start().starts_with('#') || l.starts_with(' ') {
                continue;
            }
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim().trim_matches('"').trim_matches('\'').to_string();
                fm.push((k.trim().to_string(), v, n + 2));
            }
        }
        doc.front_matter = Some(fm);
        i = end + 2;
    }
    let mut in_fence = false;
    let mut current: Option<Section<'_>> = None;
    while i < lines.len() {
        let line = lines[i];
        let n = i + 1;
        i += 1;
        if is_fence(line) {
            in_fence = !in_fence;
        }
        if !in_fence && let Some((level, name)) = heading(line) {
            let starts_section = level == 2
                || (level == 3 && SPLIT_H3.iter().any(|h| h.eq_ignore_ascii_case(&name)));
            if level == 1 && doc.title.is_none() {
                doc.title = Some((name, n));
                continue;
            }
            if starts_section {
                if let Some(s) = current.take() {
                    doc.sections.push(s);
                }
                current = Some(Section {
                    name,
                    level,
                    line: n,
                    body: Vec::new(),
                });
                continue;
            }
        }
        if let Some(s) = current.as_mut() {
            s.body.push((n, line));
        }
    }
    if let Some(s) = current.take() {
        doc.sections.push(s);
    }
    doc
}

pub(crate) fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// `## Name` → `(2, "Name")`.
pub(crate) fn heading(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    // `# Title`, and `#46. Title` (a heading written without the space).
    if !rest.starts_with(' ') && !rest.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    Some((level, rest.trim().to_string()))
}

/// What is left of a body once HTML comments are removed, and what they held.
pub(crate) struct Cleaned {
    /// The body with comments removed and `{placeholders}` (outside code)
    /// replaced by nothing; line structure kept.
    pub(crate) text: String,
    /// `<!-- prompt: … -->` questions, in order.
    pub(crate) prompts: Vec<String>,
    /// Placeholders found, with their 1-based line.
    pub(crate) placeholders: Vec<(String, usize)>,
    /// True when the body held anything at all (even only comments).
    pub(crate) had_anything: bool,
}

/// Removes HTML comments (collecting prompts) and placeholders (collecting
/// them) from a section body. Text in fenced code or `inline code` is kept.
pub(crate) fn clean(body: &[(usize, &str)]) -> Cleaned {
    let mut out = Cleaned {
        text: String::new(),
        prompts: Vec::new(),
        placeholders: Vec::new(),
        had_anything: body.iter().any(|(_, l)| !l.trim().is_empty()),
    };
    let mut in_comment = false;
    let mut comment = String::new();
    let mut in_fence = false;
    for (n, line) in body {
        if !in_comment && is_fence(line) {
            in_fence = !in_fence;
            out.text.push_str(line);
            out.text.push('\n');
            continue;
        }
        if in_fence {
            out.text.push_str(line);
            out.text.push('\n');
            continue;
        }
        let mut visible = String::new();
        let mut rest: &str = line;
        loop {
            if in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        comment.push_str(&rest[..end]);
                        collect_prompt(&comment, &mut out.prompts);
                        comment.clear();
                        in_comment = false;
                        rest = &rest[end + 3..];
                    }
                    None => {
                        comment.push_str(rest);
                        comment.push(' ');
                        break;
                    }
                }
            } else {
                match rest.find("<!--") {
                    Some(start) => {
                        visible.push_str(&rest[..start]);
                        rest = &rest[start + 4..];
                        in_comment = true;
                    }
                    None => {
                        visible.push_str(rest);
                        break;
                    }
                }
            }
        }
        let stripped = strip_placeholders(&visible, *n, &mut out.placeholders);
        out.text.push_str(&stripped);
        out.text.push('\n');
    }
    out
}

fn collect_prompt(comment: &str, prompts: &mut Vec<String>) {
    let c = comment.trim();
    if let Some(p) = c.strip_prefix("prompt:") {
        prompts.push(p.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}

/// Removes balanced `{…}` groups (nesting allowed) outside `inline code`.
fn strip_placeholders(line: &str, n: usize, found: &mut Vec<(String, usize)>) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut group = String::new();
    let mut in_code = false;
    for c in line.chars() {
        if depth == 0 {
            if c == '`' {
                in_code = !in_code;
            }
            if c == '{' && !in_code {
                depth = 1;
                group.clear();
                group.push(c);
            } else {
                out.push(c);
            }
            continue;
        }
        group.push(c);
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    found.push((group.clone(), n));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        // An unbalanced brace is text, not a placeholder.
        out.push_str(&group);
    }
    out
}

/// Words that contain a letter or a digit.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '/' || c == '|')
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_placeholders_and_code_are_handled() {
        let mut found = Vec::new();
        let s = strip_placeholders("a {x {y} z} b `{kept}` c {d", 3, &mut found);
        assert_eq!(s, "a  b `{kept}` c {d");
        assert_eq!(found, vec![("{x {y} z}".to_string(), 3)]);
    }

    #[test]
    fn sections_split_at_h2_and_known_h3() {
        let doc = parse(
            "---\nstatus: \"accepted\"\n---\n# T\n\n## A\nx\n### Consequences\ny\n### Other\nz\n",
        );
        assert_eq!(doc.front("status"), Some(("accepted", 2)));
        assert_eq!(doc.title, Some(("T".to_string(), 4)));
        let names: Vec<_> = doc.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "Consequences"]);
        assert_eq!(doc.sections[1].body.len(), 3);
    }
}
