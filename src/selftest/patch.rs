//! The patch form of a wrong solution: `mutants/<name>/mutant.patch`, a
//! unified diff (parsed and applied by the `diffy` crate) whose paths are the
//! overlay paths of the same mutant (`a/common/queries/q02.sql`,
//! `b/python/shop/credit.py`): the layer (`common` or a track), then the
//! project path. This module owns the format: [`parse`] (every path through
//! the one path gate), [`MutantPatch::apply`] on the project after exercise
//! NN, and [`section`], which writes one file's diff for the conversion of
//! overlays ([`super::topatch`]).

use std::collections::BTreeMap;

use diffy::patch_set::{FileOperation, ParseOptions, PatchSet};

use crate::template::Entry;

/// The file that holds a mutant's patch.
pub(crate) const PATCH_FILE: &str = "mutant.patch";

/// What a file section of a patch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Modify,
    Create,
    Delete,
}

/// One file of a mutant's patch.
#[derive(Debug, Clone)]
pub(crate) struct FilePatch {
    /// `common` or a track name.
    pub(crate) layer: String,
    /// The path in the generated project.
    pub(crate) path: String,
    pub(crate) op: Op,
    /// Where the section starts (its `+++` line) and where each hunk's `@@`
    /// line is in mutant.patch (1-based), for errors.
    pub(crate) line: usize,
    hunk_lines: Vec<usize>,
    /// Its position among the sections of the patch (diffy's order).
    index: usize,
}

impl FilePatch {
    /// The path as the patch writes it (`common/x.py`).
    pub(crate) fn patch_path(&self) -> String {
        format!("{}/{}", self.layer, self.path)
    }
}

/// A parsed, validated mutant.patch.
#[derive(Debug, Clone)]
pub(crate) struct MutantPatch {
    text: String,
    pub(crate) files: Vec<FilePatch>,
}

/// The current bytes of a project file and whether it is executable
/// (None: the file does not exist).
pub(crate) type Current = Option<(Vec<u8>, bool)>;

/// Where a patch is applied, for error messages.
pub(crate) struct Place<'a> {
    /// The template key of mutant.patch (`solutions/NN-x/mutants/NAME/mutant.patch`).
    pub(crate) key: &'a str,
    pub(crate) exercise: &'a str,
    pub(crate) track: Option<&'a str>,
}

impl Place<'_> {
    fn on(&self) -> String {
        self.track
            .map_or(String::new(), |t| format!(" (track `{t}`)"))
    }
}

/// Parses `text` (the mutant.patch at template key `key`): a unified diff
/// with `--- a/LAYER/PATH` and `+++ b/LAYER/PATH` headers (`/dev/null` to
/// create or delete a file), where LAYER is `common` or one of `tracks`.
pub(crate) fn parse(
    text: &str,
    key: &str,
    tracks: &[String],
) -> std::result::Result<MutantPatch, String> {
    let plus: Vec<usize> = line_numbers(text, "+++ ");
    let at: Vec<usize> = line_numbers(text, "@@ ");
    let (mut next_plus, mut next_at) = (0, 0);
    // Added and removed lines diffy read, against those written (below).
    let mut read = 0;
    let mut files: Vec<FilePatch> = Vec::new();
    for (index, item) in PatchSet::parse(text, ParseOptions::unidiff()).enumerate() {
        let fp = item.map_err(|e| {
            let shown = e.to_string();
            let (line, why) = parse_error_place(text, &shown);
            format!(
                "`{key}:{line}`: not a unified diff: {why}; write `--- a/LAYER/PATH`, `+++ b/LAYER/PATH` and `@@` hunks (docs/lab-format.md, Wrong solutions)"
            )
        })?;
        let line = plus.get(next_plus).copied().unwrap_or(1);
        next_plus += 1;
        let hunks = fp.patch().as_text().map_or(0, |p| p.hunks().len());
        read += fp.patch().as_text().map_or(0, |p| {
            p.hunks()
                .iter()
                .flat_map(|h| h.lines())
                .filter(|l| !matches!(l, diffy::Line::Context(_)))
                .count()
        });
        let hunk_lines: Vec<usize> = at.iter().skip(next_at).take(hunks).copied().collect();
        next_at += hunks;
        let (op, old, new) = match fp.operation() {
            FileOperation::Modify { original, modified } => {
                (Op::Modify, Some(original.as_ref()), Some(modified.as_ref()))
            }
            FileOperation::Create(p) => (Op::Create, None, Some(p.as_ref())),
            FileOperation::Delete(p) => (Op::Delete, Some(p.as_ref()), None),
            _ => {
                return Err(format!(
                    "`{key}:{line}`: renames and copies are not supported: write the new file with `--- /dev/null` and delete the old one with `+++ /dev/null`"
                ));
            }
        };
        let old = old.map(|p| strip(p, "a/", key, line)).transpose()?;
        let new = new.map(|p| strip(p, "b/", key, line)).transpose()?;
        if let (Some(o), Some(n)) = (old, new)
            && o != n
        {
            return Err(format!(
                "`{key}:{line}`: `a/{o}` and `b/{n}` differ: a file section changes one file in place (no renames)"
            ));
        }
        let rel = new.or(old).expect("a section names a file");
        let (layer, path) = layer_and_path(rel, key, line, tracks)?;
        if let Some(dup) = files.iter().find(|f| f.layer == layer && f.path == path) {
            return Err(format!(
                "`{key}:{line}`: `{rel}` has a second section (the first is at line {}): put all its hunks in one section",
                dup.line
            ));
        }
        files.push(FilePatch {
            layer,
            path,
            op,
            line,
            hunk_lines,
            index,
        });
    }
    // diffy stops reading a hunk once its `@@` counts are reached and skips
    // what follows up to the next file header: a hand-edited hunk with a
    // count too small would silently lose lines, or whole hunks.
    if let Some(&line) = at.get(next_at) {
        return Err(format!(
            "`{key}:{line}`: this hunk was not read: the `@@` counts of the hunk before it are smaller than its lines; fix the counts (or make the patch again with `labforge template migrate`)"
        ));
    }
    // The same for lines within a hunk: every `+` and `-` line written must
    // be one diffy read (context lines past a count change nothing).
    // (A file header is a `--- ` line followed by a `+++ ` line; a deleted
    // `-- comment` line also starts with `--- `.)
    let lines: Vec<&str> = text.lines().collect();
    let header = |i: usize| {
        (lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ ")))
            || (lines[i].starts_with("+++ ")
                && i > 0
                && lines[i - 1].starts_with("--- ")
                && !(i > 1 && lines[i - 2].starts_with("--- ")))
    };
    let written = (0..lines.len())
        .filter(|&i| lines[i].starts_with(['+', '-']) && !header(i))
        .count();
    if written != read {
        return Err(format!(
            "`{key}`: {} added or removed line(s) of its hunks were not read: an `@@` count is smaller than its hunk's lines; fix the counts (or make the patch again with `labforge template migrate`)",
            written.abs_diff(read)
        ));
    }
    if files.is_empty() {
        return Err(format!(
            "`{key}`: holds no file section: write a unified diff (`--- a/common/PATH`, `+++ b/common/PATH`, `@@` hunks) or remove it"
        ));
    }
    Ok(MutantPatch {
        text: text.to_string(),
        files,
    })
}

/// A hunk (1-based) whose old lines are not at the line it states but are
/// found at more than one other place of `base`, with those lines (1-based):
/// diffy would take the nearest, which may not be the place the author
/// meant. A hunk found at its line, or at exactly one place, is not.
fn ambiguous_hunk(base: &str, patch: &diffy::Patch<'_, str>) -> Option<(usize, Vec<usize>)> {
    let lines: Vec<&str> = base.split_inclusive('\n').collect();
    for (i, h) in patch.hunks().iter().enumerate() {
        let old: Vec<&str> = h
            .lines()
            .iter()
            .filter_map(|l| match l {
                diffy::Line::Context(t) | diffy::Line::Delete(t) => Some(*t),
                diffy::Line::Insert(_) => None,
            })
            .collect();
        if old.is_empty() || old.len() > lines.len() {
            continue;
        }
        let at: Vec<usize> = (0..=lines.len() - old.len())
            .filter(|&s| lines[s..s + old.len()] == old[..])
            .collect();
        let stated = h.old_range().start().saturating_sub(1);
        if !at.contains(&stated) && at.len() > 1 {
            return Some((i + 1, at.iter().map(|s| s + 1).collect()));
        }
    }
    None
}

/// The 1-based numbers of the lines of `text` that start with `prefix`.
fn line_numbers(text: &str, prefix: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i + 1)
        .collect()
}

/// diffy says `error parsing patches at byte N: WHY`: the line of N, and WHY.
fn parse_error_place(text: &str, shown: &str) -> (usize, String) {
    let re = regex::Regex::new(r"^error parsing patches(?: at byte (\d+))?: (.*)$")
        .expect("valid regex");
    match re.captures(shown) {
        Some(c) => {
            let line = c
                .get(1)
                .and_then(|m| m.as_str().parse::<usize>().ok())
                .map_or(1, |b| crate::error::line_col(text, b.min(text.len())).0);
            (line, c[2].to_string())
        }
        None => (1, shown.to_string()),
    }
}

/// `a/common/x` without its `a/` (the side prefix every header carries).
fn strip<'t>(
    p: &'t str,
    side: &str,
    key: &str,
    line: usize,
) -> std::result::Result<&'t str, String> {
    p.strip_prefix(side).ok_or_else(|| {
        format!(
            "`{key}:{line}`: `{}` does not start with `{side}`: write `--- a/LAYER/PATH` and `+++ b/LAYER/PATH`, as `git diff` does",
            crate::pathgate::shown(p)
        )
    })
}

/// Splits `common/x/y.py` into its layer and project path, both through the
/// one path gate.
fn layer_and_path(
    rel: &str,
    key: &str,
    line: usize,
    tracks: &[String],
) -> std::result::Result<(String, String), String> {
    if let Some(why) = crate::pathgate::problem(rel) {
        return Err(format!(
            "`{key}:{line}`: the path `{}` is unsafe: {why}; write `LAYER/PATH` with a plain relative project path (no `..`, no leading `/`, not into `.git` or `.labforge`)",
            crate::pathgate::shown(rel)
        ));
    }
    let folders = || {
        std::iter::once("`common/`".to_string())
            .chain(tracks.iter().map(|t| format!("`{t}/`")))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    match rel.split_once('/') {
        Some((layer, path)) if layer == "common" || tracks.iter().any(|t| t == layer) => {
            Ok((layer.to_string(), path.to_string()))
        }
        _ => Err(format!(
            "`{key}:{line}`: `{rel}` does not start with {}: a patch path is the overlay path of the file (its layer, then its path in the project)",
            folders()
        )),
    }
}

impl MutantPatch {
    /// The layers the patch has sections for (`common`, track names).
    pub(crate) fn layers(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.layer.as_str())
    }

    /// The sections laid on `track`: its own, and the `common` ones for
    /// paths it has no section for (a track's section wins, as a track's
    /// overlay file does).
    fn sections(&self, track: Option<&str>) -> Vec<&FilePatch> {
        let own = |f: &FilePatch| track == Some(f.layer.as_str());
        self.files
            .iter()
            .filter(|f| {
                own(f)
                    || (f.layer == "common"
                        && !self.files.iter().any(|g| own(g) && g.path == f.path))
            })
            .collect()
    }

    /// Applies the sections for `place.track` to the project files `read`
    /// returns: path → the new entry, or None where the patch deletes it.
    pub(crate) fn apply(
        &self,
        place: &Place,
        read: &mut dyn FnMut(&str) -> std::result::Result<Current, String>,
    ) -> std::result::Result<BTreeMap<String, Option<Entry>>, String> {
        let parsed: Vec<_> = PatchSet::parse(&self.text, ParseOptions::unidiff())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| format!("`{}`: {e}", place.key))?;
        let mut out = BTreeMap::new();
        for f in self.sections(place.track) {
            let Some(patch) = parsed.get(f.index).and_then(|p| p.patch().as_text()) else {
                return Err(format!("`{}:{}`: not a text patch", place.key, f.line));
            };
            let current = read(&f.path)?;
            let whose = format!(
                "the reference solution of `{}`{}",
                place.exercise,
                place.on()
            );
            let base = match (&current, f.op) {
                (None, Op::Modify | Op::Delete) => {
                    return Err(format!(
                        "`{}:{}`: `{}` does not exist in {whose}: patch a file it holds (`labforge solution {} --reveal` in a lab made from this template lists them), or create it with `--- /dev/null`",
                        place.key,
                        f.line,
                        f.path,
                        place.exercise
                    ));
                }
                (Some(_), Op::Create) => {
                    return Err(format!(
                        "`{}:{}`: `{}` already exists in {whose}: change it with `--- a/{}` instead of `--- /dev/null`",
                        place.key,
                        f.line,
                        f.path,
                        f.patch_path()
                    ));
                }
                (Some((bytes, _)), _) => std::str::from_utf8(bytes).map_err(|_| {
                    format!(
                        "`{}:{}`: `{}` is not UTF-8 text in {whose}, so a patch cannot change it: use an overlay file",
                        place.key, f.line, f.path
                    )
                })?,
                (None, Op::Create) => "",
            };
            if let Some((n, at)) = ambiguous_hunk(base, patch) {
                let line = f.hunk_lines.get(n - 1).copied().unwrap_or(f.line);
                return Err(format!(
                    "`{}:{line}`: hunk {n} of `{}` no longer matches where it says, and its lines are found at several places of {whose} (lines {}): the reference changed around it. Regenerate the patch (an overlay file beside mutant.toml, then `labforge template migrate DIR`)",
                    place.key,
                    f.patch_path(),
                    at.iter()
                        .map(|l| l.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let new = diffy::apply(base, patch).map_err(|e| {
                // diffy: "error applying hunk #N".
                let n: usize = e
                    .to_string()
                    .rsplit('#')
                    .next()
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(1);
                let header = patch
                    .hunks()
                    .get(n - 1)
                    .map(|h| format!(" (`@@ -{} +{} @@`)", h.old_range(), h.new_range()))
                    .unwrap_or_default();
                let line = f.hunk_lines.get(n - 1).copied().unwrap_or(f.line);
                format!(
                    "`{}:{line}`: hunk {n}{header} of `{}` does not apply to {whose}: the reference changed under it. Regenerate the patch: write the wrong file as an overlay (`{}` beside mutant.toml, starting from `labforge solution {} --reveal` in a lab made from this template), remove mutant.patch and run `labforge template migrate DIR`",
                    place.key,
                    f.patch_path(),
                    f.patch_path(),
                    place.exercise
                )
            })?;
            let entry = match f.op {
                Op::Delete if new.is_empty() => None,
                Op::Delete => {
                    return Err(format!(
                        "`{}:{}`: the deletion of `{}` does not remove all of it as {whose} has it: regenerate the patch",
                        place.key, f.line, f.path
                    ));
                }
                _ => {
                    let executable = match &current {
                        Some((_, x)) => *x,
                        None => new.starts_with("#!"),
                    };
                    Some(Entry::File {
                        bytes: new.into_bytes().into(),
                        executable,
                    })
                }
            };
            out.insert(f.path.clone(), entry);
        }
        Ok(out)
    }
}

/// One file section of a patch: the diff from `old` to `new` (None: the
/// file is absent) of the file at `patch_path` (`common/x.py`), with three
/// lines of context; empty when nothing changes.
pub(crate) fn section(patch_path: &str, old: Option<&str>, new: Option<&str>) -> String {
    if old == new {
        return String::new();
    }
    let a = old.map_or("/dev/null".to_string(), |_| format!("a/{patch_path}"));
    let b = new.map_or("/dev/null".to_string(), |_| format!("b/{patch_path}"));
    diffy::DiffOptions::new()
        .set_original_filename(a)
        .set_modified_filename(b)
        .create_patch(old.unwrap_or(""), new.unwrap_or(""))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracks() -> Vec<String> {
        vec!["python".into(), "rust".into()]
    }

    fn files(m: &[(&str, &str)]) -> BTreeMap<String, (Vec<u8>, bool)> {
        m.iter()
            .map(|(k, v)| (k.to_string(), (v.as_bytes().to_vec(), false)))
            .collect()
    }

    fn apply_on(
        p: &MutantPatch,
        track: Option<&str>,
        tree: &BTreeMap<String, (Vec<u8>, bool)>,
    ) -> std::result::Result<BTreeMap<String, Option<Entry>>, String> {
        let place = Place {
            key: "m/mutant.patch",
            exercise: "01-x",
            track,
        };
        p.apply(&place, &mut |path| Ok(tree.get(path).cloned()))
    }

    #[test]
    fn a_section_round_trips_through_parse_and_apply() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        let mut text = section("common/x.txt", Some(old), Some(new));
        text.push_str(&section("python/new.py", None, Some("print(1)\n")));
        let p = parse(&text, "m/mutant.patch", &tracks()).unwrap();
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[1].op, Op::Create);
        let tree = files(&[("x.txt", old)]);
        let got = apply_on(&p, Some("python"), &tree).unwrap();
        let bytes = |e: &Option<Entry>| match e {
            Some(Entry::File { bytes, .. }) => String::from_utf8(bytes.to_vec()).unwrap(),
            _ => panic!("a file"),
        };
        assert_eq!(bytes(&got["x.txt"]), new);
        assert_eq!(bytes(&got["new.py"]), "print(1)\n");
        // The rust track gets the common section only.
        assert_eq!(apply_on(&p, Some("rust"), &tree).unwrap().len(), 1);
        // `+++ /dev/null` deletes a file, and only the whole of it.
        let gone = parse(
            &section("common/x.txt", Some(old), None),
            "m/mutant.patch",
            &tracks(),
        )
        .unwrap();
        assert_eq!(gone.files[0].op, Op::Delete);
        assert!(apply_on(&gone, None, &tree).unwrap()["x.txt"].is_none());
        let changed = files(&[("x.txt", new)]);
        assert!(apply_on(&gone, None, &changed).is_err());
    }

    #[test]
    fn a_hunk_that_does_not_apply_names_the_line_and_hunk() {
        let text = section("common/x.txt", Some("a\nb\nc\n"), Some("a\nB\nc\n"));
        let p = parse(&text, "m/mutant.patch", &tracks()).unwrap();
        let tree = files(&[("x.txt", "a\nchanged\nc\n")]);
        let e = apply_on(&p, None, &tree).unwrap_err();
        assert!(
            e.starts_with("`m/mutant.patch:3`: hunk 1 (`@@ -1,3 +1,3 @@`) of `common/x.txt` does not apply to the reference solution of `01-x`: the reference changed under it."),
            "{e}"
        );
    }

    #[test]
    fn a_hunk_that_moved_to_one_of_several_matches_is_refused() {
        // Made against "a b c d"; the reference now has the hunk's lines
        // twice, neither at line 2: diffy would pick one of them.
        let text = section("common/x.txt", Some("a\nb\nc\nd\n"), Some("a\nb\nC\nd\n"));
        let p = parse(&text, "m/mutant.patch", &tracks()).unwrap();
        let tree = files(&[("x.txt", "z\nz\nz\nz\nz\na\nb\nc\nd\nq\na\nb\nc\nd\n")]);
        let e = apply_on(&p, None, &tree).unwrap_err();
        assert!(e.contains("found at several places"), "{e}");
        assert!(e.contains("(lines 6, 11)"), "{e}");
        // Found once, elsewhere: an offset, applied.
        let tree = files(&[("x.txt", "z\na\nb\nc\nd\n")]);
        assert!(apply_on(&p, None, &tree).is_ok());
    }

    #[test]
    fn a_deleted_sql_comment_is_a_hunk_line_not_a_file_header() {
        let old = "-- the cheapest first\nSELECT 1;\n";
        let mut text = "a note before the first section\n".to_string();
        text.push_str(&section("common/q.sql", Some(old), Some("SELECT 1;\n")));
        text.push_str(&section("common/r.sql", Some("a\n"), Some("b\n")));
        assert!(text.contains("\n--- the cheapest first\n"), "{text}");
        let p = parse(&text, "m/mutant.patch", &tracks()).unwrap();
        let lines: Vec<(String, usize)> =
            p.files.iter().map(|f| (f.patch_path(), f.line)).collect();
        assert_eq!(
            lines,
            [
                ("common/q.sql".to_string(), 3),
                ("common/r.sql".to_string(), 8)
            ]
        );
        let tree = files(&[("q.sql", old), ("r.sql", "a\n")]);
        assert_eq!(apply_on(&p, None, &tree).unwrap().len(), 2);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in [
            "../x",
            "common/../../x",
            "common/.git/config",
            "/etc/passwd",
        ] {
            let text = format!("--- a/{bad}\n+++ b/{bad}\n@@ -1 +1 @@\n-a\n+b\n");
            let e = parse(&text, "m/mutant.patch", &tracks()).unwrap_err();
            assert!(
                e.contains("is unsafe") || e.contains("does not start with"),
                "{bad}: {e}"
            );
        }
        let e = parse(
            "--- a/docs/x\n+++ b/docs/x\n@@ -1 +1 @@\n-a\n+b\n",
            "m/mutant.patch",
            &tracks(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "`m/mutant.patch:2`: `docs/x` does not start with `common/` or `python/` or `rust/`: a patch path is the overlay path of the file (its layer, then its path in the project)"
        );
    }
}
