//! The one path gate: every path that comes from a template, a manifest, the
//! update journal, a backup list, `.labforge/state.toml` or a learner's tree
//! is checked here before labforge joins it onto a lab root, and every such
//! join that touches the disk goes through [`resolve`], which refuses to pass
//! through a symbolic link inside the lab.
//!
//! A safe lab path is relative, `/`-separated, and made of plain names: no
//! empty component, no `.` or `..`, no backslash, no NUL, no drive letter, and
//! never `.git` or `.labforge` (compared case-insensitively, after folding
//! Unicode look-alikes such as full-width `．` and `／`, ignorable code points
//! and the trailing dots and spaces Windows drops). A component whose folded
//! form is `.`/`..` or holds a separator is refused outright.
//!
//! Symlinks of a template are resolved against the template tree itself
//! ([`check_tree_links`]): a link is kept only when its full resolution,
//! following the tree's other links (at most [`MAX_LINK_HOPS`]), stays inside
//! the tree. Checking each link's text alone lets a chain of links that each
//! look harmless climb out together.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::template::Entry;

/// The one file inside `.labforge/` that the update journal and backups may
/// name (an update rewrites the state as its last step).
pub(crate) const STATE_FILE: &str = ".labforge/state.toml";

/// How many links one resolution may follow (Linux's own limit is 40).
pub(crate) const MAX_LINK_HOPS: usize = 40;

/// Names no lab path may contain: git's folder (a file there could be a hook
/// that runs code), labforge's state folder, and git's 8.3 short name.
const RESERVED: &[&str] = &[".git", ".labforge", "git~1"];

/// Why `path` is not a safe relative lab path, or `None` when it is.
pub(crate) fn problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("it is empty".into());
    }
    if path.starts_with('/') {
        return Some("it is an absolute path".into());
    }
    let b = path.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("it starts with a drive letter".into());
    }
    if path.contains('\\') {
        return Some("it contains a backslash".into());
    }
    for part in path.split('/') {
        if let Some(why) = component_problem(part) {
            return Some(why.into());
        }
    }
    None
}

/// Why one path component (a file or folder name) is unsafe, if it is.
pub(crate) fn component_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it has an empty component");
    }
    if name == "." || name == ".." {
        return Some("`.` and `..` are not allowed");
    }
    if name.contains('/') || name.contains('\\') {
        return Some("it contains a path separator");
    }
    if name.contains('\0') {
        return Some("it contains a NUL byte");
    }
    if name.is_ascii() {
        // `fold` of ASCII only lower-cases: the same checks, no allocation.
        let trimmed = name.trim_end_matches(['.', ' ']);
        if trimmed.bytes().all(|c| c == b'.') {
            return Some("it is `.` or `..` once Unicode look-alikes and trailing dots are folded");
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(trimmed)) {
            return Some(
                "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
            );
        }
        return None;
    }
    let folded = fold(name);
    if folded.contains('/') || folded.contains('\\') {
        return Some("it contains a Unicode look-alike of `/` or `\\`");
    }
    let trimmed = folded.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        return Some("it is `.` or `..` once Unicode look-alikes and trailing dots are folded");
    }
    if RESERVED.contains(&trimmed) {
        return Some("`.git` and `.labforge` are reserved (in any case or look-alike spelling)");
    }
    None
}

/// Checks a path stored by labforge itself (journal steps, backup lists):
/// like [`problem`], but [`STATE_FILE`] is allowed.
pub(crate) fn internal_problem(path: &str) -> Option<String> {
    if path == STATE_FILE {
        None
    } else {
        problem(path)
    }
}

/// Why a symlink at the lab path `at` pointing at `target` would lead out of
/// the lab (or into `.git`/`.labforge`), judged on its own text: an absolute
/// target, or one whose `..` climb above the lab's top folder. `None` when
/// it stays inside.
pub(crate) fn link_target_problem(at: &str, target: &str) -> Option<String> {
    resolve_in_tree(&BTreeMap::new(), at, target).err()
}

/// The error for an unsafe path (callers add the file it came from).
fn unsafe_path(path: &str, what: &str, why: &str) -> Error {
    Error::new(format!("{what} `{}` is unsafe: {why}", shown(path))).with_help(
        "write a plain relative path inside the lab (no `..`, no leading `/`, no `\\`, not into `.git` or `.labforge`)",
    )
}

/// A path as shown in messages: control characters escaped, and cut short so
/// a hostile path cannot flood the terminal.
pub(crate) fn shown(path: &str) -> String {
    let mut out: String = path
        .chars()
        .take(200)
        .flat_map(char::escape_debug)
        .collect();
    if path.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Folds Unicode look-alikes for the comparisons above: full-width ASCII
/// becomes ASCII, dot leaders and look-alike slashes become `.` and `/`,
/// invisible (default-ignorable) code points disappear, letters lower-case.
fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => {
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                out.push(ascii.to_ascii_lowercase());
            }
            '\u{2024}' | '\u{FE52}' | '\u{FF61}' | '\u{3002}' => out.push('.'),
            '\u{2025}' => out.push_str(".."),
            '\u{2026}' => out.push_str("..."),
            '\u{2215}' | '\u{2044}' | '\u{29F8}' | '\u{2571}' => out.push('/'),
            '\u{FE68}' | '\u{29F5}' | '\u{29F9}' | '\u{2572}' => out.push('\\'),
            '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// What [`resolve`] accepts as the last component of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Last {
    /// The last component may itself be a symlink (the caller reads or
    /// replaces the link with `symlink_metadata`, never its target).
    MayBeLink,
    /// The last component must not be a symlink.
    NoLink,
}

/// Joins the checked relative `rel` onto `root`, refusing any symlink among
/// its folders (each component is looked at with `symlink_metadata`). A
/// missing component ends the walk: nothing below it exists, so nothing can
/// be a link. The last component is a link only when `last` allows it.
pub(crate) fn resolve(root: &Path, rel: &str, last: Last) -> Result<PathBuf> {
    if let Some(why) = internal_problem(rel) {
        return Err(unsafe_path(rel, "the lab path", &why).in_file(root));
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let mut cur = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        cur.push(part);
        let is_last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                if is_last && last == Last::MayBeLink {
                    break;
                }
                return Err(through_link(root, rel, &parts[..=i].join("/")));
            }
            Ok(_) => {}
            Err(_) => {
                cur.extend(&parts[i + 1..]);
                break;
            }
        }
    }
    Ok(cur)
}

/// Like [`resolve`], then creates the missing folders of `rel` one at a time
/// (never `create_dir_all`, which follows links), so a file can be written or
/// a link made at the returned path. A file in the way of a folder is refused.
pub(crate) fn prepare_write(root: &Path, rel: &str) -> Result<PathBuf> {
    let full = resolve(root, rel, Last::MayBeLink)?;
    let parts: Vec<&str> = rel.split('/').collect();
    let mut cur = root.to_path_buf();
    for part in &parts[..parts.len() - 1] {
        cur.push(part);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                return Err(through_link(root, rel, &display_rel(root, &cur)));
            }
            Ok(_) => {
                return Err(Error::new(format!(
                    "`{}` is a file, so `{}` cannot be written below it",
                    display_rel(root, &cur),
                    shown(rel)
                ))
                .in_file(root)
                .with_help("move the file away, then run the command again"));
            }
            Err(_) => std::fs::create_dir(&cur)
                .or_else(|e| match std::fs::symlink_metadata(&cur) {
                    Ok(m) if m.is_dir() => Ok(()),
                    _ => Err(e),
                })
                .map_err(|e| Error::io("create the folder", &cur, e))?,
        }
    }
    Ok(full)
}

fn display_rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

fn through_link(root: &Path, rel: &str, link: &str) -> Error {
    Error::new(format!(
        "`{}` is a symbolic link, so labforge will not read or write `{}` through it",
        shown(link),
        shown(rel)
    ))
    .in_file(root)
    .with_help(format!(
        "labforge never follows a link inside a lab; move `{}` away (or replace it by a real folder), then run the command again",
        shown(link)
    ))
}

/// Resolves every symlink of `entries` (a template tree or a rendered lab,
/// keyed by `/`-separated relative path) against the tree itself, following
/// its other links; the first link whose resolution leaves the tree, enters
/// `.git`/`.labforge`, or takes more than [`MAX_LINK_HOPS`] hops is an error
/// naming it. `place` names the tree in messages ("the template").
/// The error comes with the key of the link, so callers can point at it.
pub(crate) fn check_tree_links(
    entries: &BTreeMap<String, Entry>,
    place: &str,
) -> std::result::Result<(), (String, Error)> {
    check_tree_links_named(entries, place, &|k| k.to_string())
}

/// [`check_tree_links`]; the link is named (and returned) as `name(key)`,
/// for trees whose keys are not the paths a reader knows.
pub(crate) fn check_tree_links_named(
    entries: &BTreeMap<String, Entry>,
    place: &str,
    name: &dyn Fn(&str) -> String,
) -> std::result::Result<(), (String, Error)> {
    for (key, entry) in entries {
        if let Entry::Symlink(target) = entry
            && let Err(why) = resolve_in_tree(entries, key, target)
        {
            let key = name(key);
            return Err((key.clone(), Error::new(format!(
                "the symlink `{}` points outside {place} (`{}`): {why}",
                shown(&key),
                shown(target)
            ))
            .with_help(
                "make the link relative and keep its target inside the template, following the template's other links, or replace it by a copy",
            )));
        }
    }
    Ok(())
}

/// The tree path `target` (the link at `key`) finally names, following the
/// tree's links like the kernel would; `Err` says why it is refused.
pub(crate) fn resolve_in_tree(
    entries: &BTreeMap<String, Entry>,
    key: &str,
    target: &str,
) -> std::result::Result<String, String> {
    let mut cur: Vec<String> = key.split('/').map(str::to_string).collect();
    cur.pop();
    let mut pending: VecDeque<String> = VecDeque::new();
    push_target(&mut pending, target)?;
    let mut hops = 1;
    while let Some(part) = pending.pop_front() {
        match part.as_str() {
            "" | "." => {}
            ".." => {
                if cur.pop().is_none() {
                    return Err("it climbs above the top folder".into());
                }
            }
            name => {
                if let Some(why) = component_problem(name) {
                    return Err(format!("`{}` on its way: {why}", shown(name)));
                }
                cur.push(name.to_string());
                if let Some(Entry::Symlink(next)) = entries.get(&cur.join("/")) {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(format!(
                            "it goes through more than {MAX_LINK_HOPS} links (a loop?)"
                        ));
                    }
                    cur.pop();
                    let mut front = VecDeque::new();
                    push_target(&mut front, next)?;
                    while let Some(p) = front.pop_back() {
                        pending.push_front(p);
                    }
                }
            }
        }
    }
    Ok(cur.join("/"))
}

fn push_target(out: &mut VecDeque<String>, target: &str) -> std::result::Result<(), String> {
    if target.is_empty() {
        return Err("its target is empty".into());
    }
    if target.starts_with('/') || target.contains('\\') || target.contains('\0') {
        return Err("its target is absolute or holds a backslash or NUL".into());
    }
    let b = target.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("its target starts with a drive letter".into());
    }
    out.extend(target.split('/').map(str::to_string));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_pass_and_hostile_ones_are_refused() {
        for ok in [
            "a",
            "src/main.rs",
            ".gitignore",
            ".github/x.yml",
            "a..b",
            "ＡＢＣ.txt",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "C:/x",
            "../victim",
            "a/../../b",
            "a/./b",
            "a//b",
            "a/",
            "a\\..\\b",
            "a\0b",
            ".git/hooks/pre-commit",
            "x/.GIT/config",
            ".LabForge/state.toml",
            ".git./x",
            "GIT~1/x",
            "\u{FF0E}\u{FF0E}/victim",
            "a\u{FF0F}..",
            ".\u{200C}git/config",
            "\u{FF0E}ｇｉｔ/config",
            ".\u{FF27}\u{FF29}\u{FF34}/hooks",
            "\u{2025}/x",
        ] {
            assert!(problem(bad).is_some(), "{bad:?} must be refused");
        }
        assert_eq!(internal_problem(STATE_FILE), None);
        assert!(internal_problem(".labforge/objects/x").is_some());
    }

    fn links(pairs: &[(&str, &str)]) -> BTreeMap<String, Entry> {
        pairs
            .iter()
            .map(|(k, t)| (k.to_string(), Entry::Symlink(t.to_string())))
            .collect()
    }

    #[test]
    fn chained_links_that_climb_out_together_are_refused() {
        // Each link alone looks inside; together they reach the host's /etc.
        let mut pairs = vec![("a/up".to_string(), "..".to_string())];
        pairs.push(("x1".into(), "a/up/..".into()));
        for i in 2..=12 {
            pairs.push((format!("y{i}/x"), format!("../x{}/..", i - 1)));
            pairs.push((format!("x{i}"), format!("y{i}/x")));
        }
        pairs.push(("passwd".into(), "x12/etc/passwd".into()));
        let tree: BTreeMap<String, Entry> = pairs
            .iter()
            .map(|(k, t)| (k.clone(), Entry::Symlink(t.clone())))
            .collect();
        assert!(resolve_in_tree(&tree, "a/up", "..").is_ok());
        let (_, err) = check_tree_links(&tree, "the template").unwrap_err();
        assert!(
            err.message
                .starts_with("the symlink `passwd` points outside the template")
                || err.message.starts_with("the symlink `x"),
            "{}",
            err.message
        );
        assert_eq!(
            resolve_in_tree(&tree, "passwd", "x12/etc/passwd"),
            Err("it climbs above the top folder".into())
        );
    }

    #[test]
    fn links_inside_pass_and_loops_stop() {
        let tree = links(&[
            ("bin/run", "../src/run.sh"),
            ("cur", "ex/01"),
            ("ex/01/x", "../../cur/y"),
        ]);
        assert_eq!(
            resolve_in_tree(&tree, "bin/run", "../src/run.sh").unwrap(),
            "src/run.sh"
        );
        check_tree_links(&tree, "the template").unwrap();
        let looped = links(&[("a", "b"), ("b", "a")]);
        assert_eq!(
            resolve_in_tree(&looped, "a", "b"),
            Err(format!(
                "it goes through more than {MAX_LINK_HOPS} links (a loop?)"
            ))
        );
        assert!(resolve_in_tree(&links(&[("x", ".git/config")]), "x", ".git/config").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn resolve_refuses_links_among_the_folders() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("lab");
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(d.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink("real", root.join("f")).unwrap();
        assert_eq!(
            resolve(&root, "real/x", Last::NoLink).unwrap(),
            root.join("real/x")
        );
        assert_eq!(
            resolve(&root, "f", Last::MayBeLink).unwrap(),
            root.join("f")
        );
        assert!(resolve(&root, "f", Last::NoLink).is_err());
        let err = prepare_write(&root, "out/x/y").unwrap_err();
        assert_eq!(
            err.message,
            "`out` is a symbolic link, so labforge will not read or write `out/x/y` through it"
        );
        assert!(!d.path().join("x").exists());
        prepare_write(&root, "new/deep/file").unwrap();
        assert!(root.join("new/deep").is_dir());
    }
}
