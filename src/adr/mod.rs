//! The ADR toolkit: adr-tools 3.0.0 compatible Nygard records, MADR 4.0
//! records, and `lint`, which tells a learner what is still a stub.
//!
//! The command line is clap's, in `commands::adr`; `repo` finds the
//! records; `parse` reads one record (title, status, links, sections);
//! `record` edits one record's text; `create` writes new records;
//! `generate` makes the table of contents and the graphs; `integrity`
//! checks links and numbers across records; `lint` checks what is filled in
//! (the learner profile); `team` checks a finished log (the team profile);
//! `complete` is the `_adr_autocomplete` helper.
//! Every write goes through `fsx::write_atomic`.

pub mod complete;
pub(crate) mod create;
pub(crate) mod generate;
pub(crate) mod integrity;
pub mod lint;
pub mod markdown;
pub mod parse;
pub mod record;
pub(crate) mod repo;
pub(crate) mod site;
pub(crate) mod slug;
pub(crate) mod status;
pub(crate) mod team;

use crate::template::SHARED_TEMPLATES;

/// The two record layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Michael Nygard's layout, as adr-tools writes it.
    Nygard,
    /// MADR 4.0 (front matter, considered options, pros and cons).
    Madr,
}

impl Format {
    pub(crate) fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "nygard" | "adr-tools" => Some(Format::Nygard),
            "madr" | "madr4" => Some(Format::Madr),
            _ => None,
        }
    }
}

/// A built-in template from `templates/adr/`.
pub(crate) fn builtin_template(name: &str) -> &'static str {
    SHARED_TEMPLATES
        .get_file(format!("adr/{name}"))
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("templates/adr/{name} is embedded in the binary"))
}

/// Today's date as `YYYY-MM-DD`, or `ADR_DATE` verbatim when set.
pub(crate) fn today() -> String {
    if let Some(d) = std::env::var_os("ADR_DATE").filter(|d| !d.is_empty()) {
        return d.to_string_lossy().into_owned();
    }
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let d = now.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Fills a template the way adr-tools' `sed` does (the first `NUMBER`,
/// `TITLE`, `DATE` and `STATUS` of each line), but in one pass over the
/// template, so `&`, `|`, `\` or the word `DATE` in a title stay as typed.
pub(crate) fn fill(template: &str, number: u32, title: &str, date: &str, status: &str) -> String {
    let number = number.to_string();
    let subs: [(&str, &str); 4] = [
        ("NUMBER", &number),
        ("TITLE", title),
        ("DATE", date),
        ("STATUS", status),
    ];
    let mut out = String::with_capacity(template.len() + title.len() + 16);
    for line in template.split_inclusive('\n') {
        let mut hits: Vec<(usize, &str, &str)> = subs
            .iter()
            .filter_map(|(k, v)| line.find(k).map(|i| (i, *k, *v)))
            .collect();
        hits.sort();
        let mut pos = 0;
        for (i, k, v) in hits {
            if i < pos {
                continue;
            }
            out.push_str(&line[pos..i]);
            out.push_str(v);
            pos = i + k.len();
        }
        out.push_str(&line[pos..]);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fill_is_literal() {
        let t = super::fill(
            "# NUMBER. TITLE\nDate: DATE\n",
            3,
            "A & B | C \\ DATE",
            "2024-01-01",
            "Accepted",
        );
        assert_eq!(t, "# 3. A & B | C \\ DATE\nDate: 2024-01-01\n");
    }
}
