//! What the site shows of one record, read once through the ADR toolkit's
//! record parser: id, title, status (text and the normalised word that the
//! filters use), date, decision-makers, relations to other records, and the
//! Markdown body without front matter.

use crate::adr::parse;
use crate::adr::repo::{RecordFile, Repo};
use crate::adr::{Format, create::read_record};
use crate::error::Result;

/// One record as the site sees it.
#[derive(Debug, Clone)]
pub(crate) struct SiteRecord {
    /// The number or date prefix of the file name, as written (`0003`,
    /// `20240101`): the id shown in lists, unique with `file_name`.
    pub(crate) id: String,
    pub(crate) number: u32,
    pub(crate) file_name: String,
    /// `0003-a-better-idea.html`
    pub(crate) page: String,
    /// `3. A better idea`
    pub(crate) title: String,
    /// The status as written (first line), or empty.
    pub(crate) status_text: String,
    /// `accepted`, `proposed`, `superseded`, `deprecated`, `rejected`, or
    /// the first word of the status in lower case; `unknown` when none.
    pub(crate) status: String,
    pub(crate) date: Option<String>,
    pub(crate) deciders: Option<String>,
    /// Links written in the record (verb as written, target file name).
    pub(crate) links: Vec<Relation>,
    /// The Markdown after the front matter.
    pub(crate) body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    pub(crate) verb: String,
    pub(crate) target_file: String,
}

/// Every record of the repository, in number order (file name breaks ties),
/// read once through the toolkit's record parser (`adr::parse`).
pub(crate) fn load(repo: &Repo) -> Result<Vec<SiteRecord>> {
    let mut texts = Vec::new();
    for f in repo.records()? {
        let text = read_record(repo, &f)?;
        texts.push((f, text));
    }
    let parsed: Vec<parse::Record> = texts
        .iter()
        .map(|(f, text)| parse::parse(&f.file_name, text))
        .collect();
    let mut out: Vec<SiteRecord> = texts
        .iter()
        .zip(&parsed)
        .map(|((f, text), rec)| from_parsed(f, text, rec, &parsed))
        .collect();
    out.sort_by(|a, b| a.number.cmp(&b.number).then(a.file_name.cmp(&b.file_name)));
    Ok(out)
}

/// The site's view of one parsed record; `all` resolves its links
/// (file names, or `ADR-NNNN` in front matter).
fn from_parsed(
    f: &RecordFile,
    text: &str,
    rec: &parse::Record,
    all: &[parse::Record],
) -> SiteRecord {
    let format = if rec.format.is_madr() {
        Format::Madr
    } else {
        Format::Nygard
    };
    let status_text = rec
        .status_text
        .as_deref()
        .and_then(|s| s.lines().next())
        .unwrap_or("")
        .trim()
        .to_string();
    let status = match &rec.status {
        Some(s) => status_word(s),
        None => status_word(&status_text),
    };
    let links = rec
        .links
        .iter()
        .filter_map(|l| {
            parse::resolve(all, l).map(|t| Relation {
                verb: l.label.trim().to_string(),
                target_file: t.file_name.clone(),
            })
        })
        .collect();
    let id: String = f
        .file_name
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let stem = f.file_name.strip_suffix(".md").unwrap_or(&f.file_name);
    SiteRecord {
        id,
        number: f.number,
        file_name: f.file_name.clone(),
        page: format!("{stem}.html"),
        title: rec.display_title.clone(),
        status,
        status_text,
        date: rec.date.clone().filter(|d| !d.is_empty()),
        deciders: Some(rec.decision_makers.join(", ")).filter(|d| !d.is_empty()),
        links,
        body: without_date_line(strip_front_matter(text), format),
    }
}

/// The Nygard `Date:` line is shown with the page's facts, not twice.
fn without_date_line(body: &str, format: Format) -> String {
    if format != Format::Nygard {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut dropped = false;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if !dropped && i < 8 && line.starts_with("Date:") {
            dropped = true;
            continue;
        }
        out.push_str(line);
    }
    out
}

fn strip_front_matter(text: &str) -> &str {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return &rest[offset..];
        }
    }
    text
}

/// The status word the filters use: the first word of the status as the
/// record parser normalises it (lower case, no list marker, `Status:` or
/// emphasis; adr-tools' `Superceded` spelling is `superseded`), without
/// punctuation, with synonyms folded into the five filters.
pub(crate) fn status_word(status: &str) -> String {
    let phrase = crate::adr::parse::normalise(status)
        .split([';', ',', '(', '[', '.', '&', ':'])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let first = phrase.split(' ').next().unwrap_or("");
    match first {
        "" => "unknown".into(),
        "superseded" => "superseded".into(),
        "accept" | "accepted" | "approved" => "accepted".into(),
        "propose" | "proposed" | "draft" => "proposed".into(),
        "deprecate" | "deprecated" => "deprecated".into(),
        "reject" | "rejected" | "declined" => "rejected".into(),
        _ => phrase,
    }
}

/// The CSS class suffix of a status word (the five known ones, else `other`).
pub(crate) fn status_class(word: &str) -> &'static str {
    match word {
        "accepted" => "accepted",
        "proposed" => "proposed",
        "superseded" => "superseded",
        "deprecated" => "deprecated",
        "rejected" => "rejected",
        _ => "other",
    }
}

/// adr-tools' spellings shown as words: `Supercedes` → `Supersedes`,
/// `Superceded by` → `Superseded by`.
pub(crate) fn verb_label(verb: &str) -> String {
    let lower = verb.to_lowercase();
    if lower == "supercedes" {
        "Supersedes".into()
    } else if lower == "superceded by" {
        "Superseded by".into()
    } else {
        verb.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words() {
        assert_eq!(status_word("Accepted (lazy consensus)."), "accepted");
        assert_eq!(
            status_word("Superceded by [3. A better idea](0003-a.md)"),
            "superseded"
        );
        assert_eq!(status_word("accepted; supersedes ADR-0045"), "accepted");
        assert_eq!(status_word("On hold"), "on hold");
        assert_eq!(status_word(""), "unknown");
        assert_eq!(status_word("* **Status:** Approved"), "accepted");
        assert_eq!(status_word("_Draft_"), "proposed");
    }

    #[test]
    fn front_matter_is_stripped() {
        assert_eq!(strip_front_matter("---\na: b\n---\n# T\n"), "# T\n");
        assert_eq!(strip_front_matter("# T\n"), "# T\n");
    }
}
