//! Checks across records: duplicate numbers (two branches each adding the
//! same next number), links to records that do not exist, and links whose
//! target does not link back.

use std::collections::{BTreeMap, HashMap};

use super::lint::Finding;
use super::parse;
use super::repo::RecordFile;

/// `records` with their texts (`None` when unreadable: skipped here).
pub(crate) fn check(records: &[(RecordFile, Option<String>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut by_number: BTreeMap<u32, Vec<&RecordFile>> = BTreeMap::new();
    for (r, _) in records {
        by_number.entry(r.number).or_default().push(r);
    }
    for (n, rs) in &by_number {
        if rs.len() > 1 {
            let names: Vec<_> = rs.iter().map(|r| r.file_name.as_str()).collect();
            for r in &rs[1..] {
                out.push(Finding {
                    file: r.path.clone(),
                    section: None,
                    code: "duplicate-number",
                    message: format!(
                        "{} records have the number {n}: {}",
                        rs.len(),
                        names.join(", ")
                    ),
                    hint: format!(
                        "give this record a free number with `adr renumber {}`",
                        r.file_name
                    ),
                    line: None,
                });
            }
        }
    }
    let names: HashMap<&str, &RecordFile> = records
        .iter()
        .map(|(r, _)| (r.file_name.as_str(), r))
        .collect();
    let links: HashMap<&str, Vec<parse::Link>> = records
        .iter()
        .filter_map(|(r, t)| {
            Some((
                r.file_name.as_str(),
                parse::parse(&r.file_name, t.as_ref()?).links,
            ))
        })
        .collect();
    for (r, text) in records {
        if text.is_none() {
            continue;
        }
        for l in &links[r.file_name.as_str()] {
            let Some(target) = l.target_file() else {
                continue;
            };
            if !names.contains_key(target) {
                out.push(Finding {
                    file: r.path.clone(),
                    section: Some("Status".into()),
                    code: "missing-link-target",
                    message: format!("\"{} [{}]\" links to `{}`, which does not exist", l.label, l.text, l.target),
                    hint: "fix the file name in the link (`adr list` shows the records), or remove the line".into(),
                    line: Some(l.line),
                });
                continue;
            }
            let back = links.get(target).is_none_or(|ls| {
                ls.iter()
                    .any(|b| b.target_file() == Some(r.file_name.as_str()))
            });
            if !back {
                out.push(Finding {
                    file: r.path.clone(),
                    section: Some("Status".into()),
                    code: "link-not-reciprocal",
                    message: format!("\"{} [{}]\" has no link back from `{target}`", l.label, l.text),
                    hint: format!("create links in pairs with `adr link SOURCE LINK TARGET REVERSE-LINK`, or add the reverse line to `{target}`"),
                    line: Some(l.line),
                });
            }
        }
    }
    out
}
