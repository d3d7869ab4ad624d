//! `adr lint`: tells a learner, per record and section, what is still a stub.
//!
//! Conventions (documented in `docs/adr-toolkit.md`):
//! - HTML comments never count as words; `<!-- prompt: … -->` comments may be
//!   left in a finished record (they do not render).
//! - `{placeholder}` text outside code is template text, never words.
//! - A section whose only content is prompts, placeholders or template
//!   scaffolding ("Chosen option:", "Good, because") is "still a stub": one
//!   `stub` finding for it, and no further findings about that section.
//! - A section with nothing at all under its heading is `empty-section`.
//!
//! This API is used by the `adr` check kind of `labforge check`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::markdown::{self, Doc, Section};

/// What `lint` requires of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// Sections that must be present and filled. Empty means the required
    /// sections of the record's format: MADR "Context and Problem Statement",
    /// "Considered Options", "Decision Outcome", "Consequences",
    /// "Confirmation"; Nygard "Status", "Context", "Decision", "Consequences".
    pub(crate) sections: Vec<String>,
    /// Fewest real words in a prose section (all but option and driver
    /// lists and the status). `None`: no minimum.
    pub(crate) min_words: Option<u32>,
    /// Fewest real options under "Considered Options". `None`: no minimum.
    pub(crate) min_options: Option<u32>,
    /// Allowed statuses, lower case; `superseded` also accepts
    /// `superseded by …` and adr-tools' `Superceded by …`.
    pub(crate) status: Vec<String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            sections: Vec::new(),
            min_words: Some(5),
            min_options: Some(2),
            status: [
                "proposed",
                "accepted",
                "rejected",
                "deprecated",
                "superseded",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        }
    }
}

/// One thing still to do in one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub(crate) file: PathBuf,
    /// The section the finding is about; `None` for the whole record or its
    /// front matter.
    pub(crate) section: Option<String>,
    /// Stable identifier: `stub`, `empty-section`, `missing-section`,
    /// `placeholder-left`, `prompt-left`, `too-short`, `too-few-options`,
    /// `no-because`, `no-negative-consequence`, `no-confirmation`,
    /// `bad-status`, `no-status`.
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// What the learner should write.
    pub(crate) hint: String,
    /// 1-based line the finding points at.
    pub(crate) line: Option<usize>,
}

/// The rules of the learner profile (the codes of [`Finding`]).
pub(crate) const LEARNER_RULES: &[&str] = &[
    "stub",
    "empty-section",
    "missing-section",
    "placeholder-left",
    "prompt-left",
    "too-short",
    "too-few-options",
    "no-because",
    "no-negative-consequence",
    "no-confirmation",
    "bad-status",
    "no-status",
    "duplicate-number",
    "missing-link-target",
    "link-not-reciprocal",
    "unreadable",
];

/// Which findings `adr lint` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// What a learner still has to write: stubs, prompts, thin sections
    /// (the default inside a lab made by labforge).
    Learner,
    /// Only what is wrong in a finished log (the default elsewhere).
    Team,
}

/// The options of an `adr` check of lab.toml: `adr lint` inside the lab
/// uses the same ones for that record, so both agree on what is a stub.
pub(crate) fn check_options(c: &crate::manifest::CheckDef) -> LintOptions {
    let mut opts = LintOptions {
        sections: c.sections.clone(),
        ..LintOptions::default()
    };
    if c.min_words.is_some() {
        opts.min_words = c.min_words;
    }
    if c.min_options.is_some() {
        opts.min_options = c.min_options;
    }
    if !c.status.is_empty() {
        opts.status = c.status.iter().map(|s| s.to_lowercase()).collect();
    }
    opts
}

/// Lints the record at `path`. Fails only when the file cannot be read.
pub(crate) fn lint_file(path: &Path, opts: &LintOptions) -> crate::error::Result<Vec<Finding>> {
    let text = crate::fsx::read_to_string(path)?;
    Ok(lint_text(&text, path, opts))
}

/// adr-tools' prompt sentences (3.0.0 and the older short ones).
const NYGARD_PROMPTS: &[&str] = &[
    "The issue motivating this decision, and any context that influences or constrains the decision.",
    "The change that we're proposing or have agreed to implement.",
    "What becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.",
    "Context here...",
    "Decision here...",
    "Consequences here...",
];

const MADR_REQUIRED: &[&str] = &[
    "Context and Problem Statement",
    "Considered Options",
    "Decision Outcome",
    "Consequences",
    "Confirmation",
];
const NYGARD_REQUIRED: &[&str] = &["Status", "Context", "Decision", "Consequences"];

/// Sections that are lists, where `min_words` does not apply.
const LIST_SECTIONS: &[&str] = &["Considered Options", "Decision Drivers", "Status"];

/// Lints one record's text; `path` is only used to label the findings.
pub fn lint_text(text: &str, path: &Path, opts: &LintOptions) -> Vec<Finding> {
    let doc = markdown::parse(text);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rec = super::parse::parse(&name, text);
    let madr = is_madr(&doc) || rec.format.is_madr();
    let mut l = Linter {
        path,
        opts,
        out: Vec::new(),
    };
    l.status(&doc, &rec, madr);
    if rec.date.as_deref() == Some("DATE") {
        let line = text.lines().position(|l| {
            let t = l.trim_start_matches(['*', '-', ' ']).to_lowercase();
            t.starts_with("date:") && l.trim_end().ends_with("DATE")
        });
        l.push(
            None,
            "placeholder-left",
            "the date is still the template's placeholder DATE".into(),
            "write the date of the decision as YYYY-MM-DD".into(),
            line.map(|i| i + 1),
        );
    }
    for (key, value, line) in doc.front_matter.iter().flatten() {
        if key != "status" && value.contains('{') && value.contains('}') {
            let msg = format!("front matter `{key}` still holds the placeholder {value}");
            let hint = match key.as_str() {
                "date" => "write the date of the decision as YYYY-MM-DD".to_string(),
                _ => format!("write the names for `{key}`, or delete the line"),
            };
            l.push(None, "placeholder-left", msg, hint, Some(*line));
        }
    }
    let required: Vec<String> = if opts.sections.is_empty() {
        let r = if madr { MADR_REQUIRED } else { NYGARD_REQUIRED };
        r.iter().map(|s| s.to_string()).collect()
    } else {
        opts.sections.clone()
    };
    for name in &required {
        if doc.section(name).is_none() && !(name == "Status" && l.has_status_finding()) {
            let (code, message) = if name == "Confirmation" {
                (
                    "no-confirmation",
                    "the record has no \"Confirmation\" section".to_string(),
                )
            } else {
                (
                    "missing-section",
                    format!("the record has no \"{name}\" section"),
                )
            };
            let hint = match section_hint(name) {
                DEFAULT_HINT => {
                    format!("add a `## {name}` heading and write the section in your own words")
                }
                h => format!("add a `## {name}` heading, then {h}"),
            };
            l.push(None, code, message, hint, doc.title.as_ref().map(|t| t.1));
        }
    }
    for s in &doc.sections {
        if !(madr && s.name == "Status") {
            l.section(s, madr);
        }
    }
    l.out.sort_by_key(|f| f.line.unwrap_or(0));
    l.out
}

/// MADR records have front matter or MADR's own headings.
pub fn is_madr(doc: &Doc<'_>) -> bool {
    doc.front_matter.is_some()
        || doc.section("Context and Problem Statement").is_some()
        || doc.section("Decision Outcome").is_some()
}

struct Linter<'p> {
    path: &'p Path,
    opts: &'p LintOptions,
    out: Vec<Finding>,
}

impl Linter<'_> {
    fn push(
        &mut self,
        section: Option<&str>,
        code: &'static str,
        message: String,
        hint: String,
        line: Option<usize>,
    ) {
        self.out.push(Finding {
            file: self.path.to_path_buf(),
            section: section.map(str::to_string),
            code,
            message,
            hint,
            line,
        });
    }

    fn has_status_finding(&self) -> bool {
        self.out.iter().any(|f| f.code == "no-status")
    }

    fn status(&mut self, doc: &Doc<'_>, rec: &super::parse::Record, madr: bool) {
        let allowed = self.opts.status.join(", ");
        let (Some(text), Some(line)) = (&rec.status_text, rec.status_line) else {
            if let Some(s) = doc.section("Status") {
                self.push(
                    Some("Status"),
                    "no-status",
                    "the \"Status\" section names no status".into(),
                    format!("write one of: {allowed}"),
                    Some(s.line),
                );
                return;
            }
            let hint = if madr {
                format!("add `status: proposed` to the front matter (allowed: {allowed})")
            } else {
                format!("add a `## Status` section after the date, holding one of: {allowed}")
            };
            self.push(
                None,
                "no-status",
                "the record has no status".into(),
                hint,
                Some(1),
            );
            return;
        };
        let section = doc.section("Status").map(|_| "Status");
        let Some(word) = rec.status.clone() else {
            // Only link lines (`Amends [2. X](…)`): no status word.
            self.push(
                section,
                "no-status",
                "the status names no status, only links".into(),
                format!("write one of: {allowed}"),
                Some(line),
            );
            return;
        };
        if !self.opts.status.iter().any(|a| a.to_lowercase() == word) {
            let first = text.lines().next().unwrap_or("");
            let message = if text.contains('{') {
                "the status is still the template's placeholder".to_string()
            } else {
                format!("status \"{first}\" is not one of: {allowed}")
            };
            self.push(
                section,
                "bad-status",
                message,
                format!("set the status to one of: {allowed}"),
                Some(line),
            );
        }
    }

    /// True when `name` is a section the record must have: the options'
    /// `sections`, else the required ones of its format.
    fn required(&self, name: &str, madr: bool) -> bool {
        let eq = |r: &str| r.eq_ignore_ascii_case(name);
        if !self.opts.sections.is_empty() {
            return self.opts.sections.iter().any(|r| eq(r));
        }
        let format = if madr { MADR_REQUIRED } else { NYGARD_REQUIRED };
        format.iter().any(|r| eq(r))
    }

    fn section(&mut self, s: &Section<'_>, madr: bool) {
        let name = s.name.as_str();
        let c = markdown::clean(&s.body);
        let hint = section_hint(name);
        let prompt_hint = match c.prompts.first() {
            Some(p) => format!("{hint} (the prompt asks: {p})"),
            None => hint.to_string(),
        };
        if !c.had_anything {
            let msg = format!("section \"{name}\" is empty");
            self.push(Some(name), "empty-section", msg, prompt_hint, Some(s.line));
            return;
        }
        let mut text = c.text.clone();
        let mut prompts_left = Vec::new();
        for p in NYGARD_PROMPTS {
            if text.contains(p) {
                prompts_left.push(*p);
                text = text.replace(p, "");
            }
        }
        let real = real_words(&text);
        if real == 0 && name != "Status" {
            let msg = format!(
                "section \"{name}\" is still a stub: it holds only the template's prompts and placeholders"
            );
            self.push(Some(name), "stub", msg, prompt_hint, Some(s.line));
            return;
        }
        for p in prompts_left {
            let msg = format!("section \"{name}\" still holds the template's prompt \"{p}\"");
            self.push(
                Some(name),
                "prompt-left",
                msg,
                format!("delete the prompt sentence; {hint}"),
                Some(s.line),
            );
        }
        for (ph, line) in &c.placeholders {
            let msg = format!("section \"{name}\" still holds the placeholder {ph}");
            self.push(
                Some(name),
                "placeholder-left",
                msg,
                format!("replace {ph} with your own words"),
                Some(*line),
            );
        }
        // The minimum is for the sections a record must have: an optional
        // one ("More Information") that holds real words of the author's own
        // is kept as written, however short (issue 17, new-user trial).
        if let Some(min) = self.opts.min_words
            && !LIST_SECTIONS.iter().any(|l| l.eq_ignore_ascii_case(name))
            && self.required(name, madr)
            && real < min as usize
        {
            let msg = format!("section \"{name}\" has {real} real word(s), fewer than {min}");
            self.push(
                Some(name),
                "too-short",
                msg,
                prompt_hint.clone(),
                Some(s.line),
            );
        }
        if !madr {
            return;
        }
        match name {
            "Considered Options" => self.options(s, &c.text),
            "Decision Outcome" if !has_reason(&c.text, "because") => {
                let msg = "the decision outcome gives no reason (no \"because …\")".to_string();
                self.push(Some(name), "no-because", msg, "write `Chosen option: \"…\", because …` with the reason it beats the other options".into(), Some(s.line));
            }
            "Consequences" if !c.text.lines().any(is_bad_line) => {
                let msg = "the consequences name no negative consequence (no \"Bad, because …\")"
                    .to_string();
                self.push(
                    Some(name),
                    "no-negative-consequence",
                    msg,
                    "add a `* Bad, because …` line: every choice has a cost; name it".into(),
                    Some(s.line),
                );
            }
            _ => {}
        }
    }

    fn options(&mut self, s: &Section<'_>, text: &str) {
        let Some(min) = self.opts.min_options else {
            return;
        };
        let n = text
            .lines()
            .filter_map(list_item)
            .filter(|item| real_words(item) > 0)
            .count();
        if n < min as usize {
            let msg = format!("\"Considered Options\" lists {n} real option(s), fewer than {min}");
            self.push(Some(&s.name), "too-few-options", msg, format!("list at least {min} real alternatives you weighed, one per line (`* Option name`)"), Some(s.line));
        }
    }
}

fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for m in ["* ", "- ", "+ "] {
        if let Some(rest) = t.strip_prefix(m) {
            return Some(rest);
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return t[digits..].strip_prefix(". ");
    }
    None
}

/// MADR scaffolding that is template text, not the learner's words.
const SCAFFOLD: &[&str] = &[
    "chosen option",
    "good, because",
    "bad, because",
    "neutral, because",
];

/// Words left once template scaffolding is removed.
fn real_words(text: &str) -> usize {
    let mut t = text.to_lowercase();
    for s in SCAFFOLD {
        t = t.replace(s, " ");
    }
    markdown::words(&t)
        .filter(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) != "because")
        .count()
}

/// True when `word` is followed by at least one real word.
fn has_reason(text: &str, word: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .match_indices(word)
        .any(|(i, _)| real_words(&lower[i + word.len()..]) > 0)
}

fn is_bad_line(line: &str) -> bool {
    let l = line.to_lowercase();
    match l.find("bad, because") {
        Some(i) => markdown::words(&l[i + "bad, because".len()..]).count() > 0,
        None => false,
    }
}

const DEFAULT_HINT: &str = "replace the template text with your own words, or delete the section";

/// What to write in a section, by its name.
pub(crate) fn section_hint(name: &str) -> &'static str {
    match name.to_lowercase().as_str() {
        "context" | "context and problem statement" => {
            "describe the problem that forces a decision, who it affects and what goes wrong without one"
        }
        "decision drivers" => "list the forces that matter for this decision, one per line",
        "considered options" => "list at least two real alternatives you weighed, one per line",
        "decision" => "state the decision in full sentences, and why you chose it",
        "decision outcome" => {
            "write `Chosen option: \"…\", because …` and say why it beats the other options"
        }
        "consequences" => {
            "write what gets better and what gets worse: at least one `* Good, because …` and one `* Bad, because …` line"
        }
        "confirmation" => {
            "say how you will check that the decision is followed: a test, a review or a measurement"
        }
        "pros and cons of the options" => {
            "for each option write `* Good, because …` and `* Bad, because …` lines"
        }
        "more information" => {
            "add links or notes, or delete the section if there is nothing to add"
        }
        "status" => "write the status: proposed, accepted, rejected, deprecated or superseded",
        _ => DEFAULT_HINT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(Option<String>, &'static str)> {
        lint_text(text, Path::new("x.md"), &LintOptions::default())
            .into_iter()
            .map(|f| (f.section, f.code))
            .collect()
    }

    #[test]
    fn untouched_learner_stub_reports_every_section() {
        let stub = include_str!("../../templates/adr/madr4-learner.md");
        let stub = stub
            .replace("TITLE", "Pick a cache")
            .replace("DATE", "2024-01-01");
        let got = codes(&stub);
        let names: Vec<_> = got
            .iter()
            .map(|(s, c)| format!("{}:{c}", s.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            names,
            [
                ":placeholder-left",
                "Context and Problem Statement:stub",
                "Decision Drivers:stub",
                "Considered Options:stub",
                "Decision Outcome:stub",
                "Consequences:stub",
                "Confirmation:stub",
                "Pros and Cons of the Options:stub",
                "More Information:stub",
            ]
        );
    }

    #[test]
    fn nygard_prompt_sentence_left_beside_real_text() {
        let text = "# 1. X\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nThe issue motivating this decision, and any context that influences or constrains the decision.\n\nOur builds take forty minutes on every push.\n\n## Decision\n\nWe cache the dependencies between builds.\n\n## Consequences\n\nThe cache can go stale and must be cleared.\n";
        assert_eq!(codes(text), [(Some("Context".to_string()), "prompt-left")]);
    }

    #[test]
    fn comments_and_code_never_count_as_placeholders() {
        let text = "---\nstatus: accepted\n---\n\n# X\n\n## Context and Problem Statement\n\nWe render `{src}/main.rs` paths in five places. <!-- {not a placeholder} -->\n\n```\nfn f() { }\n```\n";
        let opts = LintOptions {
            sections: vec!["Context and Problem Statement".into()],
            ..LintOptions::default()
        };
        assert_eq!(lint_text(text, Path::new("x.md"), &opts), []);
    }

    #[test]
    fn a_status_of_only_links_names_no_status() {
        let text = "# 1. X\n\nDate: 2024-01-01\n\n## Status\n\nAmends [2. Y](0002-y.md)\n\n## Context\n\nWe need a thing that works well.\n\n## Decision\n\nWe use the thing because it works.\n\n## Consequences\n\nIt is harder to change later on.\n";
        assert_eq!(codes(text), [(Some("Status".to_string()), "no-status")]);
    }

    #[test]
    fn nygard_without_status_is_reported() {
        let text = "# 1. X\n\nDate: 2024-01-01\n\n## Context\n\nWe need a thing that works well.\n\n## Decision\n\nWe use the thing because it works.\n\n## Consequences\n\nIt is harder to change later on.\n";
        assert_eq!(codes(text), [(None, "no-status")]);
    }
}
