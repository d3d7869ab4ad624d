//! Status changes with allowed transitions (proposed → accepted | rejected;
//! accepted → deprecated | superseded), `upgrade-repository` and `renumber`.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::fsx;

use super::Format;
use super::create::read_record;
use super::record;
use super::repo::{Repo, find_in};

const ALLOWED: &[(&str, &[&str])] = &[
    ("proposed", &["accepted", "rejected"]),
    ("accepted", &["deprecated", "superseded"]),
    ("rejected", &[]),
    ("deprecated", &[]),
    ("superseded", &[]),
];

/// `status N` prints the status; `status N NEW [by M]` changes it.
pub(crate) fn set(repo: &Repo, reference: &str, new: &str, by: Option<&str>) -> Result<PathBuf> {
    let records = repo.records_or_missing()?;
    let r = find_in(&records, reference, &repo.dir)?;
    let text = read_record(repo, &r)?;
    let current = super::parse::parse(&r.file_name, &text)
        .status
        .unwrap_or_default();
    let new = new.to_lowercase();
    let Some((_, next)) = ALLOWED.iter().find(|(k, _)| *k == current) else {
        return Err(Error::new(format!(
            "`{}` has no status this tool knows (`{current}`)",
            r.path.display()
        ))
        .with_help(
            "write one of proposed, accepted, rejected, deprecated, superseded into its status",
        ));
    };
    if !next.contains(&new.as_str()) {
        let allowed = if next.is_empty() {
            format!("a {current} record is final; write a new record with `adr new`")
        } else {
            format!("from {current} a record can become: {}", next.join(", "))
        };
        return Err(Error::new(format!(
            "cannot change the status of `{}` from {current} to {new}",
            r.path.display()
        ))
        .with_help(allowed));
    }
    let format = record::format_of(&text);
    if new == "superseded" {
        let by = by.ok_or_else(|| {
            Error::new("`superseded` needs the record that supersedes it")
                .with_help(format!("write `adr status {reference} superseded by M`, or create it with `adr new -s {reference} TITLE`"))
        })?;
        let m = find_in(&records, by, &repo.dir)?;
        let m_text = read_record(repo, &m)?;
        let m_title = record::display_title(&m_text, &m.file_name);
        let title = record::display_title(&text, &r.file_name);
        let spelling = |madr: bool| {
            if madr {
                ("Superseded by", "Supersedes")
            } else {
                ("Superceded by", "Supercedes")
            }
        };
        let (back, _) = spelling(super::parse::parse(&r.file_name, &text).format.is_madr());
        let (_, fwd) = spelling(super::parse::parse(&m.file_name, &m_text).format.is_madr());
        let updated = record::add_relation(
            &record::remove_status(&text, "Accepted"),
            back,
            &m_title,
            &m.file_name,
            m.number,
        );
        fsx::write_atomic(&repo.abs(&r.path), updated)?;
        fsx::write_atomic(
            &repo.abs(&m.path),
            record::add_relation(&m_text, fwd, &title, &r.file_name, r.number),
        )?;
        return Ok(r.path);
    }
    let value = match format {
        Format::Nygard => capitalise(&new),
        Format::Madr => new.clone(),
    };
    fsx::write_atomic(&repo.abs(&r.path), record::set_status(&text, &value))?;
    Ok(r.path)
}

/// The current status of a record, as written (every line of its status
/// area: a multi-line paragraph and the link lines below it).
pub(crate) fn get(repo: &Repo, reference: &str) -> Result<String> {
    let r = repo.find(reference)?;
    let text = read_record(repo, &r)?;
    super::parse::parse(&r.file_name, &text)
        .status_text
        .ok_or_else(|| {
            Error::new("the record has no status")
                .in_file(&r.path)
                .with_help("add a `## Status` section (Nygard) or `status:` front matter (MADR)")
        })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// adr-tools' `upgrade-repository`: `Date: DD/MM/YYYY` → `Date: YYYY-MM-DD`.
pub(crate) fn upgrade(repo: &Repo) -> Result<()> {
    let re = regex::Regex::new(r"Date: ([0-9]{2})/([0-9]{2})/([0-9]{4})").expect("valid regex");
    for r in repo.records_or_missing()? {
        let text = read_record(repo, &r)?;
        let new = re.replace_all(&text, "Date: $3-$2-$1");
        if new != text {
            fsx::write_atomic(&repo.abs(&r.path), new.as_bytes())?;
        }
    }
    Ok(())
}

/// `text` with the `ADR-NNNN` references to record `old` in its front
/// matter (`status: superseded by ADR-0007`) written as `ADR-{new:04}`;
/// the body is left alone (its references are Markdown links).
fn front_matter_refs(text: &str, old: u32, new: u32) -> String {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text.to_string();
    };
    let Some(end) = rest.find("\n---") else {
        return text.to_string();
    };
    let re = regex::Regex::new(&format!(r"(?i)\b(adr)([- ])0*{old}\b"))
        .expect("a number makes a valid regex");
    let front = re.replace_all(&rest[..end], |c: &regex::Captures| {
        format!("{}{}{new:04}", &c[1], &c[2])
    });
    format!("---\n{front}{}", &rest[end..])
}

/// `renumber REF [NEW]`: gives a record a new number (default: the next
/// free one), renames it and rewrites every link to it.
pub(crate) fn renumber(repo: &Repo, reference: &str, new: Option<u32>) -> Result<PathBuf> {
    let records = repo.records_or_missing()?;
    let r = find_in(&records, reference, &repo.dir)?;
    let new = match new {
        Some(n) => n,
        None => records.iter().map(|r| r.number).max().unwrap_or(0) + 1,
    };
    if let Some(taken) = records.iter().find(|o| o.number == new) {
        return Err(Error::new(format!(
            "the number {new} is taken by `{}`",
            taken.path.display()
        ))
        .with_help("choose a free number, or leave it out to take the next free one"));
    }
    let text = read_record(repo, &r)?;
    let old_title = record::display_title(&text, &r.file_name);
    let slug_part = &r.file_name[r.file_name.find('-').unwrap_or(0)..];
    let new_name = format!("{new:04}{slug_part}");
    let new_path = repo.dir.join(&new_name);
    let renumbered = match record::format_of(&text) {
        Format::Nygard => {
            let old_head = format!("# {}. ", r.number);
            match text.strip_prefix(&old_head) {
                Some(rest) => format!("# {new}. {rest}"),
                None => text.clone(),
            }
        }
        Format::Madr => text.clone(),
    };
    let new_title = record::display_title(&renumbered, &new_name);
    // Rewrite inbound links first: a crash leaves links to a file that still exists.
    for o in &records {
        if o.path == r.path {
            continue;
        }
        let o_text = read_record(repo, o)?;
        let old_target = format!("]({})", r.file_name);
        let updated = o_text
            .replace(
                &format!("[{old_title}]({})", r.file_name),
                &format!("[{new_title}]({new_name})"),
            )
            .replace(&old_target, &format!("]({new_name})"));
        let updated = front_matter_refs(&updated, r.number, new);
        if updated != o_text {
            fsx::write_atomic(&repo.abs(&o.path), updated)?;
        }
    }
    fsx::write_atomic(&repo.abs(&new_path), renumbered)?;
    fsx::remove_file(&repo.abs(&r.path))?;
    Ok(new_path)
}
