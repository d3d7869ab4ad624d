//! The one record parser: every command that reads a record (`list`, `toc`,
//! `graph`, `status`, `lint`, `new`, and the site generator) goes through
//! [`parse`], so they agree on a record's title, status and links.
//!
//! What it reads, in every generation of the two layouts:
//! - the title: the first level-1 heading, with or without a space after
//!   the `#` (`#46. Generalize EventBus`);
//! - the status: front matter `status:` (MADR 3/4), else a `## Status`
//!   section (Nygard; every non-empty line, so multi-line paragraphs are
//!   kept), else a `Status:` line or `- Status:` / `* Status:` bullet before
//!   the first section (MADR 2);
//! - links ONLY from that status area (the Status section, the front
//!   matter status text with `ADR-NNNN` references, the bullets before the
//!   first section): `Verb [text](0003-file.md)`, several per line, with
//!   trailing punctuation; a link with no verb of its own takes the one
//!   before it (`Supersedes [1](…), [2](…)`) or the line ending in `:` above;
//! - the date and the decision-makers from front matter or header lines.

use serde::Serialize;

use super::markdown;
use super::repo::record_number;

/// Which generation of which layout a record is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Flavor {
    /// Michael Nygard's layout (adr-tools): `## Status` section.
    Nygard,
    /// MADR 2: `* Status:` / `* Date:` bullets under the title.
    Madr2,
    /// MADR 3: front matter with `deciders`.
    Madr3,
    /// MADR 4: front matter (`decision-makers`, or none of the older keys).
    Madr4,
}

impl Flavor {
    /// True for every MADR generation.
    pub(crate) fn is_madr(self) -> bool {
        self != Flavor::Nygard
    }
}

/// What a link says about its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum LinkKind {
    /// `Supersedes` / adr-tools' `Supercedes`.
    Supersedes,
    /// `Superseded by` / adr-tools' `Superceded by`.
    SupersededBy,
    /// Any other verb (`Amends`, `Amended by`, `Overrides`, …).
    Other,
}

/// One link from a record's status area to another record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub(crate) kind: LinkKind,
    /// The verb as written, without punctuation: `Superseded by`, `Amends`.
    pub(crate) label: String,
    /// The link text (`2. Use PostgreSQL`), or `ADR-0070` for a front
    /// matter reference.
    pub(crate) text: String,
    /// The target as written: a file (`0002-use-postgresql.md`, maybe with
    /// a folder) or `ADR-0070`.
    pub(crate) target: String,
    /// 1-based line of the link.
    pub(crate) line: usize,
}

impl Link {
    /// The target's file name (no folder), when the target is a file.
    pub(crate) fn target_file(&self) -> Option<&str> {
        if self.target.starts_with("ADR-") {
            return None;
        }
        self.target.rsplit('/').next()
    }

    /// The number the target names: `ADR-0070` → 70, `0070-x.md` → 70.
    pub(crate) fn target_number(&self) -> Option<u32> {
        match self.target.strip_prefix("ADR-") {
            Some(n) => n.parse().ok(),
            None => record_number(self.target_file()?),
        }
    }

    /// adr-tools' notion of a forward link (drawn in the graph): the verb
    /// does not end in " by".
    pub(crate) fn is_forward(&self) -> bool {
        !self.label.to_lowercase().ends_with(" by")
    }
}

/// One section: a `##` heading (or a split-out `###`) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct SectionText {
    pub(crate) name: String,
    pub(crate) level: usize,
    /// 1-based line of the heading.
    pub(crate) line: usize,
    /// The body, lines joined with `\n`.
    pub(crate) body: String,
}

/// A parsed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Unique within a folder: the file name without `.md`.
    pub(crate) id: String,
    pub(crate) file_name: String,
    /// The leading number of the file name (`0009-x.md` → 9).
    pub(crate) number: Option<u32>,
    /// The file name starts with a date (`20200925-a.md`) rather than a
    /// sequence number.
    pub(crate) date_named: bool,
    /// The first heading's text as written, without the `#`.
    pub(crate) title: String,
    /// `N. Title`, as `list`-like outputs show it (the heading as written
    /// for Nygard records, the number put in front for MADR ones).
    pub(crate) display_title: String,
    /// The status as written: every line of the status area that is not
    /// empty or a comment, joined with `\n`.
    pub(crate) status_text: Option<String>,
    /// 1-based line where the status is written.
    pub(crate) status_line: Option<usize>,
    /// The status word, lower case: `accepted`, `superseded`, `on hold`, or
    /// the first word of an unknown status. A `Superseded by` link makes
    /// it `superseded` whatever else the status says.
    pub(crate) status: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) decision_makers: Vec<String>,
    pub(crate) format: Flavor,
    pub(crate) links: Vec<Link>,
    pub(crate) sections: Vec<SectionText>,
}

impl Record {
    pub(crate) fn section(&self, name: &str) -> Option<&SectionText> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// The record a link points at among `records` (one folder's log): by file
/// name, else (`ADR-0070`) by number when exactly one record has it.
pub(crate) fn resolve<'a>(records: &'a [Record], link: &Link) -> Option<&'a Record> {
    if let Some(file) = link.target_file() {
        return records.iter().find(|r| r.file_name == file);
    }
    let n = link.target_number()?;
    let mut hits = records.iter().filter(|r| r.number == Some(n));
    match (hits.next(), hits.next()) {
        (Some(r), None) => Some(r),
        _ => None,
    }
}

/// Statuses the parser recognises as words (longest first where one is a
/// prefix of another). Anything else is reported as its first word.
pub(crate) const KNOWN_STATUSES: &[&str] = &[
    "proposed",
    "proposal",
    "draft",
    "accepted",
    "approved",
    "agreed",
    "adopted",
    "implemented",
    "rejected",
    "declined",
    "withdrawn",
    "deprecated",
    "superseded",
    "obsolete",
    "retired",
    "on hold",
    "postponed",
    "deferred",
    "amended",
    "in progress",
    "under review",
];

/// `2020…`-style date prefix: 8 digits forming a plausible date.
pub(crate) fn is_date_named(file_name: &str) -> bool {
    let digits: String = file_name.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return false;
    }
    let y: u32 = digits[0..4].parse().unwrap_or(0);
    let m: u32 = digits[4..6].parse().unwrap_or(0);
    let d: u32 = digits[6..8].parse().unwrap_or(0);
    (1970..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// Parses one record. Never fails: what cannot be found is `None` or empty.
pub fn parse(file_name: &str, text: &str) -> Record {
    let doc = markdown::parse(text);
    let number = record_number(file_name);
    let date_named = is_date_named(file_name);
    let lines: Vec<&str> = text.lines().collect();

    let front = |k: &str| doc.front(k).map(|(v, l)| (v.to_string(), l));
    // Lines between the title and the first section: MADR 2 bullets,
    // `Date:` and `Status:` header lines.
    let header_start = doc.title.as_ref().map_or(0, |t| t.1);
    let header_end = doc.sections.first().map_or(lines.len(), |s| s.line - 1);
    let header: Vec<(usize, &str)> = (header_start..header_end)
        .filter(|i| *i < lines.len())
        .map(|i| (i + 1, lines[i]))
        .collect();
    let header_value = |key: &str| -> Option<(String, usize)> {
        header.iter().find_map(|(n, l)| {
            let (k, v) = header_field(l)?;
            k.eq_ignore_ascii_case(key).then(|| (v.to_string(), *n))
        })
    };

    let has_front = doc.front_matter.is_some();
    let format = if has_front {
        if doc.front("deciders").is_some() && doc.front("decision-makers").is_none() {
            Flavor::Madr3
        } else {
            Flavor::Madr4
        }
    } else if header_value("status").is_some() && doc.section("Status").is_none()
        || doc.section("Context and Problem Statement").is_some()
        || doc.section("Decision Outcome").is_some()
    {
        Flavor::Madr2
    } else {
        Flavor::Nygard
    };

    // The status area: (line number, text) pairs.
    let mut area: Vec<(usize, String)> = Vec::new();
    let mut from_front = false;
    if let Some((v, l)) = front("status") {
        area.push((l, v));
        from_front = true;
    } else if let Some(s) = doc.section("Status") {
        let mut in_comment = false;
        for (n, l) in &s.body {
            let visible = strip_comments(l, &mut in_comment);
            if !visible.trim().is_empty() {
                area.push((*n, visible.trim().to_string()));
            }
        }
    } else if let Some((v, l)) = header_value("status") {
        area.push((l, v));
    }
    // MADR 2: other header bullets with links (`* Superseded by [..](..)`).
    if !from_front && doc.section("Status").is_none() {
        for (n, l) in &header {
            let is_field = header_field(l).is_some_and(|(k, _)| {
                [
                    "status",
                    "date",
                    "deciders",
                    "decision-makers",
                    "technical story",
                ]
                .iter()
                .any(|f| k.eq_ignore_ascii_case(f))
            });
            if !is_field && l.contains("](") && list_body(l).is_some() {
                area.push((*n, list_body(l).unwrap_or(l).trim().to_string()));
            }
        }
    }

    let mut links = Vec::new();
    let mut carried = String::new();
    for (n, l) in &area {
        if from_front {
            links.extend(front_links(l, *n));
        }
        links.extend(line_links(l, *n, &mut carried));
    }

    let status_text = (!area.is_empty()).then(|| {
        area.iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    });
    let status_line = area.first().map(|(n, _)| *n);
    let status = status_word(area.iter().map(|(_, l)| l.as_str()), &links);

    let title = doc.title.as_ref().map(|t| t.0.clone()).unwrap_or_default();
    let display_title = match (format, number) {
        (Flavor::Nygard, _) | (_, None) => title.clone(),
        _ if date_named => title.clone(),
        (_, Some(n)) => {
            if title.starts_with(&format!("{n}. ")) {
                title.clone()
            } else {
                format!("{n}. {title}")
            }
        }
    };

    let date = front("date")
        .or_else(|| header_value("date"))
        .map(|(v, _)| v);
    let makers = front("decision-makers")
        .or_else(|| front("deciders"))
        .or_else(|| header_value("deciders"))
        .or_else(|| header_value("decision-makers"))
        .map(|(v, _)| v)
        .unwrap_or_default();
    let decision_makers = makers
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|s| s.trim().trim_matches('"').trim_matches('\'').to_string())
        .filter(|s| !s.is_empty())
        .collect();

    let sections = doc
        .sections
        .iter()
        .map(|s| SectionText {
            name: s.name.clone(),
            level: s.level,
            line: s.line,
            body: s
                .body
                .iter()
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();

    Record {
        id: file_name
            .strip_suffix(".md")
            .unwrap_or(file_name)
            .to_string(),
        file_name: file_name.to_string(),
        number,
        date_named,
        title,
        display_title,
        status_text,
        status_line,
        status,
        date,
        decision_makers,
        format,
        links,
        sections,
    }
}

/// `Status: x`, `- Status: x`, `* **Status**: x` → (`Status`, `x`).
fn header_field(line: &str) -> Option<(&str, &str)> {
    let body = list_body(line).unwrap_or(line).trim();
    let (k, v) = body.split_once(':')?;
    let k = k.trim().trim_matches(|c| c == '*' || c == '_').trim();
    if k.is_empty() || k.len() > 20 || k.contains(['[', '(']) {
        return None;
    }
    let v = v.trim().trim_start_matches(['*', '_']).trim();
    Some((k, v))
}

/// The text of a `- ` / `* ` / `+ ` list item.
fn list_body(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "+ "].iter().find_map(|m| t.strip_prefix(m))
}

/// Removes `<!-- … -->` comments, which may span lines.
fn strip_comments(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(e) => {
                    rest = &rest[e + 3..];
                    *in_comment = false;
                }
                None => return out,
            }
        } else {
            match rest.find("<!--") {
                Some(s) => {
                    out.push_str(&rest[..s]);
                    rest = &rest[s + 4..];
                    *in_comment = true;
                }
                None => {
                    out.push_str(rest);
                    return out;
                }
            }
        }
    }
}

fn kind_of(label: &str) -> LinkKind {
    let l = label.to_lowercase();
    if l.contains("superseded by") || l.contains("superceded by") {
        LinkKind::SupersededBy
    } else if l.contains("supersedes") || l.contains("supercedes") {
        LinkKind::Supersedes
    } else {
        LinkKind::Other
    }
}

/// Cleans the words before a link into a verb: list markers, `Status:`,
/// punctuation and joining words (`and`, `&`) go.
fn clean_label(raw: &str) -> String {
    let mut s = raw.trim();
    if let Some(b) = list_body(s) {
        s = b;
    }
    if let Some((k, v)) = s.split_once(':')
        && k.trim().trim_matches('*').eq_ignore_ascii_case("status")
    {
        s = v;
    }
    let mut s = s
        .trim_matches(|c: char| c.is_whitespace() || ",;:.*_()&".contains(c))
        .to_string();
    for joiner in ["and ", "or ", "also "] {
        if s.to_lowercase().starts_with(joiner) {
            s = s[joiner.len()..].trim().to_string();
        }
    }
    s
}

/// Every `[text](target.md)` on a line whose target is a local Markdown
/// file; the verb is the text since the previous link.
fn line_links(line: &str, n: usize, carried: &mut String) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest_start = 0;
    let mut last_label = String::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(open) = line[i..].find('[').map(|o| o + i) {
        let Some(close) = find_close(line, open) else {
            break;
        };
        if bytes.get(close + 1) != Some(&b'(') {
            i = close + 1;
            continue;
        }
        let Some(end) = line[close + 2..].find(')').map(|e| e + close + 2) else {
            break;
        };
        let text = &line[open + 1..close];
        let target = line[close + 2..end].trim();
        let target = target.split_whitespace().next().unwrap_or("");
        i = end + 1;
        if !is_local_md(target) {
            rest_start = i;
            continue;
        }
        let mut label = clean_label(&line[rest_start..open]);
        if label.is_empty() {
            label = if last_label.is_empty() {
                carried.clone()
            } else {
                last_label.clone()
            };
        }
        last_label = label.clone();
        out.push(Link {
            kind: kind_of(&label),
            label,
            text: text.to_string(),
            target: target.to_string(),
            line: n,
        });
        rest_start = i;
    }
    let trimmed = line.trim_end();
    if out.is_empty() && trimmed.ends_with(':') {
        *carried = clean_label(trimmed);
    } else if !out.is_empty() {
        carried.clear();
    }
    out
}

/// The `]` closing the `[` at `open` (nesting allowed).
fn find_close(line: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in line[open..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A relative link to a Markdown file (no scheme, no bare anchor).
pub(crate) fn is_local_md(target: &str) -> bool {
    let path = target.split('#').next().unwrap_or("");
    !target.contains("://")
        && !target.starts_with("mailto:")
        && !path.is_empty()
        && path.to_ascii_lowercase().ends_with(".md")
}

/// Front matter status references: `superseded by ADR-0070; accepted;
/// supersedes ADR-0045`.
fn front_links(value: &str, n: usize) -> Vec<Link> {
    let mut out = Vec::new();
    for part in value.split([';', ',']) {
        let lower = part.to_lowercase();
        let Some(at) = lower.find("adr-").or_else(|| lower.find("adr ")) else {
            continue;
        };
        let digits: String = part[at + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let Ok(num) = digits.parse::<u32>() else {
            continue;
        };
        let label = clean_label(&part[..at]);
        if part[..at].contains('[') {
            continue; // a Markdown link, read by `line_links`
        }
        out.push(Link {
            kind: kind_of(&label),
            label,
            text: format!("ADR-{digits}"),
            target: format!("ADR-{num:04}"),
            line: n,
        });
    }
    out
}

/// The status word of a status area (see [`Record::status`]).
fn status_word<'a>(lines: impl Iterator<Item = &'a str>, links: &[Link]) -> Option<String> {
    if links.iter().any(|l| l.kind == LinkKind::SupersededBy) {
        return Some("superseded".into());
    }
    let mut first_unknown = None;
    for line in lines {
        for part in line.split(';') {
            match known_status(part) {
                Some(s) => return Some(s),
                None if first_unknown.is_none() && !part.contains("](") => {
                    first_unknown = first_word(part);
                }
                None => {}
            }
        }
    }
    first_unknown
}

/// Lower case, without list markers, `Status:`, emphasis and brackets.
pub(crate) fn normalise(text: &str) -> String {
    let mut s = text.trim();
    if let Some(b) = list_body(s) {
        s = b;
    }
    if let Some((k, v)) = s.split_once(':')
        && k.trim().trim_matches('*').eq_ignore_ascii_case("status")
    {
        s = v;
    }
    s.trim_matches(|c: char| c.is_whitespace() || "*_`\"'[{(".contains(c))
        .to_lowercase()
        .replace("superceded", "superseded")
}

/// The known status `text` starts with, at a word boundary.
pub(crate) fn known_status(text: &str) -> Option<String> {
    let n = normalise(text);
    KNOWN_STATUSES
        .iter()
        .find(|k| starts_word(&n, k))
        .map(|k| k.to_string())
}

/// True when `text` starts with `word` followed by a non-letter or the end.
pub(crate) fn starts_word(text: &str, word: &str) -> bool {
    text.starts_with(word)
        && !text[word.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic)
}

fn first_word(text: &str) -> Option<String> {
    let n = normalise(text);
    let w: String = n
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    (!w.is_empty()).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_from_the_status_area_with_punctuation_and_many_per_line() {
        let text = "# 5. X\n\nDate: 2020-01-01\n\n## Status\n\nAccepted (lazy consensus) & implemented\n\nOverrides [ADR-48 Old](0048-old.md).\nSupersedes [1. A](0001-a.md), [2. B](0002-b.md) and amends [3. C](0003-c.md);\n\n## Context\n\nSee [0029-x.md](0029-x.md) and the sentence [here](0030-y.md).\n";
        let r = parse("0005-x.md", text);
        let got: Vec<(&str, &str, LinkKind)> = r
            .links
            .iter()
            .map(|l| (l.label.as_str(), l.target.as_str(), l.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("Overrides", "0048-old.md", LinkKind::Other),
                ("Supersedes", "0001-a.md", LinkKind::Supersedes),
                ("Supersedes", "0002-b.md", LinkKind::Supersedes),
                ("amends", "0003-c.md", LinkKind::Other),
            ]
        );
        assert_eq!(r.status.as_deref(), Some("accepted"));
        assert_eq!(
            r.status_text.as_deref(),
            Some(
                "Accepted (lazy consensus) & implemented\nOverrides [ADR-48 Old](0048-old.md).\nSupersedes [1. A](0001-a.md), [2. B](0002-b.md) and amends [3. C](0003-c.md);"
            )
        );
    }

    #[test]
    fn madr2_bullets_and_heading_without_space() {
        let text = "#46. Generalize EventBus\n\n* Status: accepted\n* Deciders: Ann, Bo\n* Date: 2019-05-01\n\n## Context and Problem Statement\n\nx\n";
        let r = parse("0046-generalize.md", text);
        assert_eq!(r.format, Flavor::Madr2);
        assert_eq!(r.title, "46. Generalize EventBus");
        assert_eq!(r.display_title, "46. Generalize EventBus");
        assert_eq!(r.status.as_deref(), Some("accepted"));
        assert_eq!(r.date.as_deref(), Some("2019-05-01"));
        assert_eq!(r.decision_makers, ["Ann", "Bo"]);
    }

    #[test]
    fn front_matter_relations() {
        let text = "---\nstatus: \"superseded by ADR-0070; accepted; supersedes ADR-0045\"\ndate: 2024-01-01\ndecision-makers: [Ann]\n---\n\n# Use X\n";
        let r = parse("0050-use-x.md", text);
        assert_eq!(r.format, Flavor::Madr4);
        assert_eq!(r.status.as_deref(), Some("superseded"));
        assert_eq!(r.display_title, "50. Use X");
        let t: Vec<(LinkKind, Option<u32>)> = r
            .links
            .iter()
            .map(|l| (l.kind, l.target_number()))
            .collect();
        assert_eq!(
            t,
            [
                (LinkKind::SupersededBy, Some(70)),
                (LinkKind::Supersedes, Some(45))
            ]
        );
        let log = [
            r.clone(),
            parse("0070-y.md", "# 70. Y\n"),
            parse("0045-a.md", "# 45. A\n"),
            parse("0045-b.md", "# 45. B\n"),
        ];
        assert_eq!(
            resolve(&log, &r.links[0]).map(|x| x.id.as_str()),
            Some("0070-y")
        );
        assert_eq!(resolve(&log, &r.links[1]), None, "45 is ambiguous");
    }

    #[test]
    fn unknown_and_multi_word_statuses() {
        let r = parse("0001-a.md", "# 1. A\n\n## Status\n\nOn hold until Q3.\n");
        assert_eq!(r.status.as_deref(), Some("on hold"));
        let r = parse("0001-a.md", "# 1. A\n\n## Status\n\n**Acepted**\n");
        assert_eq!(r.status.as_deref(), Some("acepted"));
        let r = parse(
            "0001-a.md",
            "# 1. A\n\n## Status\n\nAccepted\n\nSuperceded by [2. B](0002-b.md)\n",
        );
        assert_eq!(r.status.as_deref(), Some("superseded"));
        assert!(is_date_named("20200925-a.md"));
        assert!(!is_date_named("0009-a.md"));
    }
}
