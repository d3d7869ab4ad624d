//! What `labforge update` prints: the plan (one line per path), unified
//! diffs for `--dry-run`, and the `--json` document.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::template::Entry;

use super::plan::{Action, Item};

/// One line per path: `ACTION   PATH (notes)`.
pub(crate) fn plan_lines(items: &[Item]) -> String {
    items.iter().map(|i| format!("{i}\n")).collect()
}

/// Unified diffs from the learner's files to what the update writes.
pub(crate) fn diffs(items: &[Item], ours: &BTreeMap<String, Entry>) -> String {
    let mut out = String::new();
    for item in items {
        // A renamed file diffs against its old path, as `git diff -M` shows it.
        let from = item.renamed_from.as_deref().unwrap_or(&item.path);
        let before = ours.get(from);
        if let Some(after) = &item.write {
            out.push_str(&diff_one(from, &item.path, before, Some(after)));
        } else if item.delete {
            out.push_str(&diff_one(from, &item.path, before, None));
        }
        if let Some((side, entry)) = &item.side {
            out.push_str(&diff_one(side, side, None, Some(entry)));
        }
    }
    out
}

fn diff_one(old_path: &str, path: &str, before: Option<&Entry>, after: Option<&Entry>) -> String {
    if before == after && old_path == path {
        return String::new();
    }
    let text = |e: Option<&Entry>| -> Option<String> {
        match e {
            None => Some(String::new()),
            Some(Entry::Symlink(t)) => Some(format!("-> {t}\n")),
            Some(Entry::File { bytes, .. }) if super::merge::is_binary(bytes) => None,
            Some(Entry::File { bytes, .. }) => String::from_utf8(bytes.to_vec()).ok(),
        }
    };
    let old_name = if before.is_some() {
        format!("a/{old_path}")
    } else {
        "/dev/null".into()
    };
    let new_name = if after.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    match (text(before), text(after)) {
        (Some(a), Some(b)) if a == b && old_path != path => {
            format!("--- {old_name}\n+++ {new_name}\n(moved, content unchanged)\n")
        }
        (Some(a), Some(b)) if a == b => {
            format!("--- {old_name}\n+++ {new_name}\n(only the executable bit changes)\n")
        }
        (Some(a), Some(b)) => {
            let diff = similar::TextDiff::from_lines(&a, &b);
            format!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&old_name, &new_name)
            )
        }
        _ => format!("Binary files {old_name} and {new_name} differ\n"),
    }
}

/// The `--json` document of an update (or of a dry run).
pub(crate) fn json(
    from: &str,
    to: &str,
    items: &[Item],
    backup: Option<&str>,
    dry_run: bool,
) -> Value {
    let conflicts: Vec<&str> = items
        .iter()
        .filter(|i| i.action == Action::Conflict)
        .map(|i| i.path.as_str())
        .collect();
    json!({
        "from": from,
        "to": to,
        "dry_run": dry_run,
        "status": if conflicts.is_empty() { "clean" } else { "conflicts" },
        "conflicts": conflicts,
        "backup": backup,
        "paths": items.iter().map(|i| json!({
            "path": i.path,
            "action": i.action.as_str(),
            "renamed_from": i.renamed_from,
            "note": i.note,
            "side_file": i.side.as_ref().map(|(p, _)| p),
        })).collect::<Vec<_>>(),
    })
}
