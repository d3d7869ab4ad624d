//! One record's text: its title, status, links (`Verb [N. Title](file.md)`),
//! and the edits adr-tools makes to it (add a link to the status, remove a
//! status, change the status), for both formats.

use super::Format;
use super::markdown;

/// A link line found in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub verb: String,
    pub label: String,
    pub target: String,
    /// 1-based line.
    pub line: usize,
}

pub fn format_of(text: &str) -> Format {
    if text.starts_with("---\n") || text.starts_with("---\r\n") {
        Format::Madr
    } else {
        Format::Nygard
    }
}

/// The title as adr-tools shows it: `N. Title`. Nygard records carry the
/// number in the heading (the first line minus `# `); MADR headings do not,
/// so the number is put in front.
pub fn display_title(text: &str, number: u32) -> String {
    match format_of(text) {
        Format::Nygard => {
            let first = text.lines().next().unwrap_or("");
            first.strip_prefix("# ").unwrap_or(first).to_string()
        }
        Format::Madr => {
            let title = text
                .lines()
                .skip(1)
                .skip_while(|l| l.trim_end() != "---")
                .find_map(|l| l.strip_prefix("# "))
                .unwrap_or("")
                .trim();
            if title.starts_with(&format!("{number}. ")) {
                title.to_string()
            } else {
                format!("{number}. {title}")
            }
        }
    }
}

/// Every `Verb [Label](NNNN-file.md)` line outside code blocks.
pub fn links(text: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut fence = false;
    for (i, line) in text.lines().enumerate() {
        if markdown::is_fence(line) {
            fence = !fence;
        }
        if fence {
            continue;
        }
        if let Some(l) = parse_link(line, i + 1) {
            out.push(l);
        }
    }
    out
}

fn parse_link(line: &str, n: usize) -> Option<Link> {
    let line = line.trim_end();
    let body = line.strip_suffix(')')?;
    let close = body.rfind("](")?;
    let target = &body[close + 2..];
    super::repo::record_number(target.rsplit('/').next()?)?;
    let open = body.find(" [")?;
    if open >= close {
        return None;
    }
    let verb = &body[..open];
    if verb.is_empty() || verb.starts_with(['*', '-', '#', '[']) || verb.contains('`') {
        return None;
    }
    Some(Link {
        verb: verb.to_string(),
        label: body[open + 2..close].to_string(),
        target: target.to_string(),
        line: n,
    })
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
pub fn remove_status(text: &str, status: &str) -> String {
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

/// The current status: MADR front matter `status:`, or the first line of
/// the Nygard Status section that is not a link.
pub fn status(text: &str) -> Option<String> {
    match format_of(text) {
        Format::Madr => markdown::parse(text)
            .front("status")
            .map(|(v, _)| v.to_string()),
        Format::Nygard => {
            let doc = markdown::parse(text);
            let s = doc.section("Status")?;
            nygard_status(s.body.iter().map(|(_, l)| *l))
        }
    }
}

/// The status among a Nygard Status section's lines: the first line that is
/// not a link; else a `Superceded by`/`Superseded by` link (adr-tools
/// removes `Accepted` when it supersedes a record that has links).
pub fn nygard_status<'a>(lines: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut superseded = None;
    for line in lines
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("<!--"))
    {
        match parse_link(line, 0) {
            None => return Some(line.to_string()),
            Some(l) => {
                let verb = l.verb.to_lowercase();
                if superseded.is_none() && (verb == "superceded by" || verb == "superseded by") {
                    superseded = Some(line.to_string());
                }
            }
        }
    }
    superseded
}

/// Replaces the status with `new`: the front matter value (MADR), or the
/// first status line, keeping the links below it (Nygard).
pub fn set_status(text: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    match format_of(text) {
        Format::Madr => {
            let mut in_front = 0;
            let mut done = false;
            for line in text.lines() {
                if line.trim_end() == "---" {
                    in_front += 1;
                }
                if in_front == 1 && !done && line.starts_with("status:") {
                    out.push_str(&format!("status: {new}\n"));
                    done = true;
                    continue;
                }
                if in_front == 2 && !done && line.trim_end() == "---" {
                    out.push_str(&format!("status: {new}\n"));
                    done = true;
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        Format::Nygard => {
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
                    if parse_link(line, 0).is_none() {
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
        assert_eq!(links(&t)[0].verb, "Amends");
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
    fn set_status_keeps_links() {
        let t = add_link(REC, "Amends", "2. B", "0002-b.md");
        let t = set_status(&t, "Deprecated");
        assert_eq!(
            t,
            "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nDeprecated\n\nAmends [2. B](0002-b.md)\n\n## Context\n\nc\n"
        );
        assert_eq!(status(&t).as_deref(), Some("Deprecated"));
    }
}
