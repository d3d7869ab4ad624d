//! One record's text: its title, status, links (`Verb [N. Title](file.md)`),
//! and the edits adr-tools makes to it (add a link to the status, remove a
//! status, change the status), for both formats.

use super::Format;
use super::markdown;
use super::parse;

pub fn format_of(text: &str) -> Format {
    if text.starts_with("---\n") || text.starts_with("---\r\n") {
        Format::Madr
    } else {
        Format::Nygard
    }
}

/// The title as adr-tools shows it: `N. Title` (see [`parse::Record`]).
pub fn display_title(text: &str, file_name: &str) -> String {
    parse::parse(file_name, text).display_title
}

/// Records that `text`'s record `verb`s the record `file` (`title`,
/// number `number`), the way its layout keeps relations:
/// - front matter (MADR 3/4): the relation is added to the `status:` text,
///   keeping the old value (`superseded by ADR-0070; accepted`; forward
///   verbs go after it: `proposed; supersedes ADR-0045`), and a readable
///   link line goes to `## More Information`;
/// - MADR 2 header bullets: a `* Verb [title](file)` bullet after the
///   `Status:` bullet;
/// - otherwise (Nygard): adr-tools' link line at the end of `## Status`.
pub fn add_relation(text: &str, verb: &str, title: &str, file: &str, number: u32) -> String {
    let rec = parse::parse("0-x.md", text);
    if text.starts_with("---\n") || text.starts_with("---\r\n") {
        let relation = format!("{} ADR-{number:04}", verb.to_lowercase());
        let old = rec.status_text.clone().unwrap_or_default();
        let new = if old.is_empty() {
            relation
        } else if verb.to_lowercase().ends_with(" by") {
            format!("{relation}; {old}")
        } else {
            format!("{old}; {relation}")
        };
        return add_link(&set_front_status(text, &new), verb, title, file);
    }
    if rec.format == parse::Flavor::Madr2
        && rec.section("Status").is_none()
        && let Some(at) = rec.status_line
    {
        let mut out = String::with_capacity(text.len() + 64);
        for (i, line) in text.split_inclusive('\n').enumerate() {
            out.push_str(line);
            if i + 1 == at {
                if !line.ends_with('\n') {
                    out.push('\n');
                }
                let t = line.trim_start();
                let indent = &line[..line.len() - t.len()];
                let marker = if t.starts_with("- ") { "-" } else { "*" };
                out.push_str(&format!("{indent}{marker} {verb} [{title}]({file})\n"));
            }
        }
        return out;
    }
    add_link(text, verb, title, file)
}

/// Writes `status: "VALUE"` into the front matter (replacing the old line
/// or adding one before the closing `---`).
fn set_front_status(text: &str, value: &str) -> String {
    let quoted = if value.contains([':', '#', ';', '"', '\'', '[', '{']) {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_string()
    };
    let mut out = String::with_capacity(text.len() + value.len());
    let mut fences = 0;
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            fences += 1;
            if fences == 2 && !done {
                out.push_str(&format!("status: {quoted}\n"));
                done = true;
            }
        } else if fences == 1 && !done && line.starts_with("status:") {
            out.push_str(&format!("status: {quoted}\n"));
            done = true;
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Links found in a record's status area (see [`parse::parse`]).
pub fn links(text: &str) -> Vec<parse::Link> {
    parse::parse("0-x.md", text).links
}

/// A line that is only a `Verb [Label](NNNN-file.md)` link.
fn parse_link(line: &str) -> Option<()> {
    let line = line.trim_end();
    let body = line.strip_suffix(')')?;
    let close = body.rfind("](")?;
    super::repo::record_number(body[close + 2..].rsplit('/').next()?)?;
    Some(())
}

/// Adds `Verb [title](file)` to a record: at the end of the `## Status`
/// section (Nygard, exactly like adr-tools' `_adr_add_link`, but also when
/// Status is the last section), or to `## More Information` (MADR).
pub fn add_link(text: &str, verb: &str, title: &str, file: &str) -> String {
    let link = format!("{verb} [{title}]({file})");
    let section = match format_of(text) {
        Format::Nygard => "## Status",
        Format::Madr => "## More Information",
    };
    let mut out = String::with_capacity(text.len() + link.len() + 4);
    let mut in_section = false;
    let mut done = false;
    let mut fence = false;
    for line in text.lines() {
        if markdown::is_fence(line) {
            fence = !fence;
        }
        if !fence && line.starts_with("##") {
            if in_section && !done {
                out.push_str(&link);
                out.push_str("\n\n");
                done = true;
            }
            in_section = line.trim_end() == section;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !done && !in_section && section == "## Status" {
        // A Nygard record without a Status section gets one before its
        // first section, rather than losing the link (adr-tools drops it).
        if let Some(i) = find_heading(&out) {
            out.insert_str(i, &format!("## Status\n\n{link}\n\n"));
            return out;
        }
    }
    if !done {
        if !in_section {
            // MADR without "More Information": add the section.
            ensure_blank_line(&mut out);
            out.push_str(section);
            out.push_str("\n\n");
        } else {
            ensure_blank_line(&mut out);
        }
        out.push_str(&link);
        out.push('\n');
    }
    out
}

/// Byte offset of the first `## ` line outside code blocks.
fn find_heading(text: &str) -> Option<usize> {
    let mut fence = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if markdown::is_fence(line) {
            fence = !fence;
        }
        if !fence && line.starts_with("## ") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn ensure_blank_line(out: &mut String) {
    while out.ends_with("\n\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// adr-tools' `_adr_remove_status`: drops the line `status` from the Status
/// section and squeezes the blank lines around it.
pub(crate) fn remove_status(text: &str, status: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_status = false;
    let mut after_blank = false;
    for line in text.lines() {
        if line.starts_with("##") {
            in_status = line.trim_end() == "## Status";
        }
        if in_status && line.trim().is_empty() {
            if !after_blank {
                out.push_str(line);
                out.push('\n');
            }
            after_blank = true;
            continue;
        }
        if in_status && line == status {
            continue;
        }
        if in_status {
            after_blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The current status as written (every line of the status area).
pub fn status(text: &str) -> Option<String> {
    parse::parse("0-x.md", text).status_text
}

/// Replaces the status with `new`: the front matter value (MADR), or the
/// first status line, keeping the links below it (Nygard).
pub fn set_status(text: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    match format_of(text) {
        Format::Madr => {
            // Keep the relations (`…; supersedes ADR-0045`): replace the
            // first part that names no record.
            let old = parse::parse("0-x.md", text).status_text.unwrap_or_default();
            let mut parts: Vec<String> = old
                .split(';')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            match parts
                .iter()
                .position(|p| !p.to_lowercase().contains("adr-"))
            {
                Some(i) => parts[i] = new.to_string(),
                None => parts.insert(0, new.to_string()),
            }
            return set_front_status(text, &parts.join("; "));
        }
        Format::Nygard => {
            // MADR 2: the value of the `* Status:` header bullet.
            let rec = parse::parse("0-x.md", text);
            if rec.format == parse::Flavor::Madr2
                && rec.section("Status").is_none()
                && let Some(at) = rec.status_line
            {
                for (i, line) in text.split_inclusive('\n').enumerate() {
                    if i + 1 == at
                        && let Some(colon) = line.find(':')
                    {
                        out.push_str(&line[..=colon]);
                        out.push(' ');
                        out.push_str(new);
                        out.push('\n');
                    } else {
                        out.push_str(line);
                    }
                }
                return out;
            }
            let mut in_status = false;
            let mut done = false;
            for line in text.lines() {
                if line.starts_with("##") {
                    if in_status && !done {
                        out.push_str(new);
                        out.push_str("\n\n");
                        done = true;
                    }
                    in_status = line.trim_end() == "## Status";
                    out.push_str(line);
                    out.push('\n');
                    if in_status {
                        out.push('\n');
                    }
                    continue;
                }
                if in_status && !done {
                    if line.trim().is_empty() {
                        continue;
                    }
                    out.push_str(new);
                    out.push('\n');
                    done = true;
                    if parse_link(line).is_none() {
                        continue;
                    }
                    out.push('\n');
                }
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REC: &str = "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nc\n";

    #[test]
    fn add_link_goes_at_the_end_of_status() {
        let t = add_link(REC, "Amends", "2. B & C | \\ \"q\"", "0002-b.md");
        assert_eq!(
            t,
            "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\nAmends [2. B & C | \\ \"q\"](0002-b.md)\n\n## Context\n\nc\n"
        );
        assert_eq!(links(&t)[0].target, "0002-b.md");
        assert_eq!(links(&t)[0].label, "Amends");
    }

    #[test]
    fn supersede_replaces_accepted() {
        let t = add_link(
            &remove_status(REC, "Accepted"),
            "Superceded by",
            "2. B",
            "0002-b.md",
        );
        assert_eq!(
            t,
            "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nSuperceded by [2. B](0002-b.md)\n\n## Context\n\nc\n"
        );
    }

    #[test]
    fn a_missing_status_section_is_created() {
        let t = add_link(
            "# 1. A\n\nDate: x\n\n## Context\n\nc\n",
            "Amends",
            "2. B",
            "0002-b.md",
        );
        assert_eq!(
            t,
            "# 1. A\n\nDate: x\n\n## Status\n\nAmends [2. B](0002-b.md)\n\n## Context\n\nc\n"
        );
    }

    #[test]
    fn set_status_of_madr2_bullets() {
        let t = "# A\n\n* Status: proposed\n* Date: 2020-01-01\n\n## Context and Problem Statement\n\nx\n";
        assert_eq!(
            set_status(t, "accepted"),
            "# A\n\n* Status: accepted\n* Date: 2020-01-01\n\n## Context and Problem Statement\n\nx\n"
        );
    }

    #[test]
    fn set_status_keeps_links() {
        let t = add_link(REC, "Amends", "2. B", "0002-b.md");
        let t = set_status(&t, "Deprecated");
        assert_eq!(
            t,
            "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nDeprecated\n\nAmends [2. B](0002-b.md)\n\n## Context\n\nc\n"
        );
        assert_eq!(
            status(&t).as_deref(),
            Some("Deprecated\nAmends [2. B](0002-b.md)")
        );
    }
}
