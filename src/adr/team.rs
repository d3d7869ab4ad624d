//! `adr lint --profile team`: only what is wrong in a finished decision log,
//! never what a learner still has to write. Rules (docs/adr-toolkit.md):
//!
//! | rule | what it reports |
//! |---|---|
//! | `unreciprocated-supersede` | A supersedes B, but B does not say it is superseded by A (or the reverse) |
//! | `duplicate-number` | two records share a number, in a numbered (not date-named) log |
//! | `marker-left` | `TODO`, `TBD`, `TBC` or `XXX` left in a section's text |
//! | `unknown-status` | a status word no log uses, after lower-casing and dropping trailing text |
//! | `missing-section` | no Context or no Decision section (every format requires both) |
//! | `broken-link` | a link to a record file (or `ADR-NNNN`) that does not exist |
//!
//! `<adr-dir>/.adr-lint.toml` turns rules off (`disable = ["marker-left"]`)
//! and allows more statuses (`allow-status = ["experimental"]`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

use super::lint::Finding;
use super::parse::{self, KNOWN_STATUSES, LinkKind, Record};

/// The rules of the team profile, in the order the docs list them.
pub(crate) const TEAM_RULES: &[&str] = &[
    "unreciprocated-supersede",
    "duplicate-number",
    "marker-left",
    "unknown-status",
    "missing-section",
    "broken-link",
];

/// `<adr-dir>/.adr-lint.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LintConfig {
    /// Rules (codes) that are not reported.
    #[serde(default)]
    pub(crate) disable: Vec<String>,
    /// Statuses allowed besides the built-in ones (lower case; a status
    /// "starts with" one of them at a word boundary).
    #[serde(default)]
    pub(crate) allow_status: Vec<String>,
}

pub(crate) const CONFIG_FILE: &str = ".adr-lint.toml";

impl LintConfig {
    /// Reads `dir/.adr-lint.toml` (the default when it is absent). Unknown
    /// keys and unknown rule names are errors naming the file and line.
    pub(crate) fn load(dir: &Path, shown: &Path) -> Result<LintConfig> {
        let path = dir.join(CONFIG_FILE);
        let shown = shown.join(CONFIG_FILE);
        if !path.is_file() {
            return Ok(LintConfig::default());
        }
        let text = crate::fsx::read_to_string(&path)?;
        let cfg: LintConfig = toml::from_str(&text).map_err(|e| {
            let err = Error::new(format!("bad {CONFIG_FILE}: {}", e.message().trim_end()))
                .with_help("write `disable = [\"RULE\", …]` and `allow-status = [\"STATUS\", …]`; docs/adr-toolkit.md lists the rules");
            match e.span() {
                Some(s) => err.at_offset(&shown, &text, s.start),
                None => err.in_file(&shown),
            }
        })?;
        let mut known: Vec<&str> = TEAM_RULES.to_vec();
        for r in super::lint::LEARNER_RULES {
            if !known.contains(r) {
                known.push(r);
            }
        }
        for rule in &cfg.disable {
            if !known.contains(&rule.as_str()) {
                let at = text.find(&format!("\"{rule}\"")).unwrap_or(0);
                return Err(
                    Error::new(format!("{CONFIG_FILE} disables an unknown rule `{rule}`"))
                        .at_offset(&shown, &text, at)
                        .with_help(format!("the rules are: {}", known.join(", "))),
                );
            }
        }
        Ok(cfg)
    }

    pub(crate) fn enabled(&self, rule: &str) -> bool {
        !self.disable.iter().any(|d| d == rule)
    }

    /// True when `status` (a status word or text) is allowed.
    pub(crate) fn status_allowed(&self, word: &str, text: &str) -> bool {
        let norm = parse::normalise(text.lines().next().unwrap_or(""));
        KNOWN_STATUSES.contains(&word)
            || self
                .allow_status
                .iter()
                .map(|a| a.to_lowercase())
                .any(|a| a == word || parse::starts_word(&norm, &a))
    }
}

/// One parsed record with the path findings name.
pub(crate) struct Entry<'a> {
    pub(crate) path: &'a Path,
    pub(crate) record: &'a Record,
}

fn finding(
    path: &Path,
    section: Option<&str>,
    code: &'static str,
    message: String,
    hint: String,
    line: Option<usize>,
) -> Finding {
    Finding {
        file: path.to_path_buf(),
        section: section.map(str::to_string),
        code,
        message,
        hint,
        line,
    }
}

/// The team rules over a whole log (or, with `only`, the findings in those
/// files; cross-record rules still look at every record).
pub(crate) fn lint(
    entries: &[Entry<'_>],
    cfg: &LintConfig,
    only: Option<&HashSet<PathBuf>>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let wanted = |p: &Path| only.is_none_or(|o| o.contains(p));
    let by_file: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.record.file_name.as_str(), i))
        .collect();
    let mut by_number: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(n) = e.record.number {
            by_number.entry(n).or_default().push(i);
        }
    }
    let date_named = entries.iter().filter(|e| e.record.date_named).count() * 2 > entries.len();

    // The record a link points at, when it exists.
    let resolve = |l: &parse::Link| -> Option<usize> {
        match l.target_file() {
            Some(f) => by_file.get(f).copied(),
            None => {
                let hits = by_number.get(&l.target_number()?)?;
                (hits.len() == 1).then(|| hits[0])
            }
        }
    };

    for (i, e) in entries.iter().enumerate() {
        let r = e.record;
        if !wanted(e.path) {
            continue;
        }
        // duplicate-number
        if cfg.enabled("duplicate-number")
            && !date_named
            && let Some(n) = r.number
            && let Some(same) = by_number.get(&n)
            && same.len() > 1
            && same[0] != i
        {
            let names: Vec<&str> = same
                .iter()
                .map(|j| entries[*j].record.file_name.as_str())
                .collect();
            out.push(finding(
                e.path,
                None,
                "duplicate-number",
                format!(
                    "{} records have the number {n}: {}",
                    same.len(),
                    names.join(", ")
                ),
                format!(
                    "give this record a free number with `adr renumber {}`",
                    r.file_name
                ),
                None,
            ));
        }
        // unknown-status
        if cfg.enabled("unknown-status")
            && let (Some(word), Some(text)) = (&r.status, &r.status_text)
            && !cfg.status_allowed(word, text)
        {
            let first = text.lines().next().unwrap_or("");
            out.push(finding(
                e.path,
                Some("Status"),
                "unknown-status",
                format!("unknown status \"{first}\" (`{word}` is no status word)"),
                format!("write a known status (accepted, proposed, rejected, deprecated, superseded, …), or allow it with `allow-status = [\"{word}\"]` in {CONFIG_FILE}"),
                r.status_line,
            ));
        }
        // missing-section
        if cfg.enabled("missing-section") {
            let names: Vec<String> = r.sections.iter().map(|s| s.name.to_lowercase()).collect();
            let has_context = names.iter().any(|n| {
                n.starts_with("context")
                    || n.contains("problem statement")
                    || n.starts_with("background")
            });
            let has_decision = names.iter().any(|n| {
                (n.starts_with("decision") || n.starts_with("the decision"))
                    && !n.starts_with("decision drivers")
                    && !n.starts_with("decision makers")
                    && !n.starts_with("decision-makers")
            });
            let title_line = Some(1);
            if !has_context {
                out.push(finding(e.path, None, "missing-section", "the record has no Context section".into(), "add a `## Context` (Nygard) or `## Context and Problem Statement` (MADR) section".into(), title_line));
            }
            if !has_decision {
                out.push(finding(
                    e.path,
                    None,
                    "missing-section",
                    "the record has no Decision section".into(),
                    "add a `## Decision` (Nygard) or `## Decision Outcome` (MADR) section".into(),
                    title_line,
                ));
            }
        }
        // marker-left
        if cfg.enabled("marker-left") {
            for s in &r.sections {
                let mut fence = false;
                let mut comment = false;
                for (k, line) in s.body.lines().enumerate() {
                    if super::markdown::is_fence(line) {
                        fence = !fence;
                        continue;
                    }
                    if fence {
                        continue;
                    }
                    let visible = strip_code(&strip_comment(line, &mut comment));
                    if let Some(m) = marker(&visible) {
                        out.push(finding(
                            e.path,
                            Some(&s.name),
                            "marker-left",
                            format!("section \"{}\" still says {m}", s.name),
                            format!("finish the text (or say what is still open in words) and remove the {m}"),
                            Some(s.line + 1 + k),
                        ));
                    }
                }
            }
        }
        for l in &r.links {
            let target = resolve(l);
            // broken-link
            if target.is_none() {
                if cfg.enabled("broken-link") {
                    out.push(finding(
                        e.path,
                        Some("Status"),
                        "broken-link",
                        format!(
                            "\"{} [{}]\" links to `{}`, which does not exist",
                            l.label, l.text, l.target
                        ),
                        "fix the link (`adr list` shows the records), or remove it".into(),
                        Some(l.line),
                    ));
                }
                continue;
            }
            // unreciprocated-supersede
            let Some(t) = target else { continue };
            let back = match l.kind {
                LinkKind::Supersedes => LinkKind::SupersededBy,
                LinkKind::SupersededBy => LinkKind::Supersedes,
                LinkKind::Other => continue,
            };
            if t == i || !cfg.enabled("unreciprocated-supersede") {
                continue;
            }
            let has_back = entries[t]
                .record
                .links
                .iter()
                .any(|b| b.kind == back && resolve(b) == Some(i));
            if !has_back {
                let other = &entries[t].record.file_name;
                let (says, missing) = match l.kind {
                    LinkKind::Supersedes => ("supersedes", "Superseded by"),
                    _ => ("is superseded by", "Supersedes"),
                };
                out.push(finding(
                    e.path,
                    Some("Status"),
                    "unreciprocated-supersede",
                    format!("this record {says} `{other}`, which has no \"{missing}\" link back"),
                    format!("add `{missing} [{}]({})` to the status of `{other}` (`adr link` writes both sides)", r.display_title, r.file_name),
                    Some(l.line),
                ));
            }
        }
        // Record-like links elsewhere in the text (References, prose).
        if cfg.enabled("broken-link") {
            for s in &r.sections {
                if s.name.eq_ignore_ascii_case("status") {
                    continue;
                }
                for (k, line) in s.body.lines().enumerate() {
                    for target in record_targets(line) {
                        if !by_file.contains_key(target) {
                            out.push(finding(
                                e.path,
                                Some(&s.name),
                                "broken-link",
                                format!("a link in section \"{}\" points at `{target}`, which does not exist", s.name),
                                "fix the link (`adr list` shows the records), or remove it".into(),
                                Some(s.line + 1 + k),
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Targets of `](NNNN-x.md)` links on a line that name a record file in the
/// same folder.
fn record_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        let target = target.strip_prefix("./").unwrap_or(target);
        if !target.contains('/') && super::repo::record_number(target).is_some() {
            out.push(target);
        }
        rest = &rest[end..];
    }
    out
}

fn strip_comment(line: &str, in_comment: &mut bool) -> String {
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

fn strip_code(line: &str) -> String {
    line.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `TODO`, `TBD`, `TBC` or `XXX` as a whole upper-case word.
fn marker(text: &str) -> Option<&'static str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(|w| ["TODO", "TBD", "TBC", "XXX"].into_iter().find(|m| *m == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_whole_upper_case_words() {
        assert_eq!(marker("Costs: TBC."), Some("TBC"));
        assert_eq!(marker("a todo list, XXXL sizes"), None);
        assert_eq!(strip_code("run `TODO` now"), "run   now");
    }
}
