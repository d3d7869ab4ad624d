//! Issue 17: wrong solutions written as patches (`mutants/<name>/mutant.patch`)
//! instead of whole-file overlay copies; `template migrate` converts them.
//! Runs on the `mutants` fixture of tests/check (sh only).

use std::path::{Path, PathBuf};

use snapbox::str;

use super::{files, without_timings};
use crate::support::{labforge, repo_root, tempdir, tree};

/// A copy of tests/check/fixtures/mutants (overlay mutants, schema 1) at `into/name`.
fn overlay_lab(into: &Path, name: &str) -> PathBuf {
    let from = repo_root().join("tests/check/fixtures/mutants");
    let dest = into.join(name);
    for rel in files(&from) {
        let to = dest.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), to).unwrap();
    }
    dest
}

/// `template test --json`: (exercise/name, check, result) of every mutant.
fn verdicts(lab: &Path) -> Vec<(String, String, String)> {
    let out = labforge(&[
        "template",
        "test",
        lab.to_str().unwrap(),
        "--trust",
        "--json",
    ])
    .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["tracks"][0]["mutants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (
                format!("{}/{}", s("exercise"), s("name")),
                s("check"),
                s("result"),
            )
        })
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const MIGRATED: &str = "solutions/01-answer: kept 1 file(s), removed 0 copies
solutions/02-unit: kept 1 file(s), removed 0 copies
solutions/01-answer/mutants/forty-one: mutant.patch (1 file(s)) replaces 1 overlay file(s)
solutions/01-answer/mutants/leading-space: mutant.patch (1 file(s)) replaces 1 overlay file(s)
solutions/01-answer/mutants/trailing-text: mutant.patch (1 file(s)) replaces 1 overlay file(s)
solutions/02-unit/mutants/answer-broken: mutant.patch (1 file(s)) replaces 1 overlay file(s)
solutions/02-unit/mutants/second-line: mutant.patch (1 file(s)) replaces 1 overlay file(s)
solutions/02-unit/mutants/unit-with-spaces: mutant.patch (1 file(s)) replaces 1 overlay file(s)
lab.toml: schema = 2
";

/// The overlay lab and the lab `template migrate` converted give the same
/// `template test` report and the same verdict per mutant; the copies are
/// gone, each mutant holds a patch, and migrating again changes nothing.
#[test]
fn issue_17_migrate_turns_overlay_mutants_into_patches_with_the_same_verdicts() {
    let tmp = tempdir();
    let overlay = overlay_lab(tmp.path(), "overlay");
    let patched = tmp.path().join("patched");
    labforge(&[
        "template",
        "migrate",
        overlay.to_str().unwrap(),
        "--out",
        patched.to_str().unwrap(),
    ])
    .run()
    .code(0)
    .stdout_eq(MIGRATED);
    let mutant_files: Vec<String> = files(&patched)
        .into_iter()
        .filter(|f| f.contains("/mutants/"))
        .collect();
    let want: Vec<String> = [
        "01-answer/mutants/forty-one",
        "01-answer/mutants/leading-space",
        "01-answer/mutants/trailing-text",
        "02-unit/mutants/answer-broken",
        "02-unit/mutants/second-line",
        "02-unit/mutants/unit-with-spaces",
    ]
    .iter()
    .flat_map(|m| {
        [
            format!("solutions/{m}/mutant.patch"),
            format!("solutions/{m}/mutant.toml"),
        ]
    })
    .collect();
    assert_eq!(mutant_files, want);
    assert_eq!(
        std::fs::read_to_string(patched.join("solutions/02-unit/mutants/second-line/mutant.patch"))
            .unwrap(),
        "--- a/common/unit.txt\n+++ b/common/unit.txt\n@@ -1 +1,2 @@\n m/s\n+km/h\n"
    );

    let run = |lab: &Path| {
        let out = labforge(&["template", "test", lab.to_str().unwrap(), "--trust"]).run();
        out.code(1);
        without_timings(&out.stdout)
    };
    assert_eq!(run(&patched), run(&overlay));
    let v = verdicts(&patched);
    assert_eq!(v, verdicts(&overlay));
    assert_eq!(
        v.iter().filter(|(_, _, r)| r == "killed").count(),
        5,
        "{v:#?}"
    );

    let before = tree(&patched);
    labforge(&["template", "migrate", patched.to_str().unwrap()])
        .run()
        .code(0)
        .stdout_eq(format!(
            "{}: nothing to change (schema 2, every solution file changes its exercise, no overlay mutant to turn into a patch)\n",
            patched.display()
        ));
    assert_eq!(tree(&patched), before, "a second migrate changes nothing");
}

/// A mutant written by hand as a patch (with a file it creates) is laid on
/// the reference solution and killed by its check; the project is put back.
#[test]
fn issue_17_a_patch_mutant_is_killed() {
    let tmp = tempdir();
    let lab = overlay_lab(tmp.path(), "lab");
    let m = lab.join("solutions/02-unit/mutants/unit-in-a-second-file");
    write(
        &m.join("mutant.toml"),
        "check = \"unit\"\nlesson = \"the unit goes into unit.txt, not beside it\"\n",
    );
    write(
        &m.join("mutant.patch"),
        "--- a/common/unit.txt\n+++ b/common/unit.txt\n@@ -1 +1 @@\n-m/s\n+see units.txt\n--- /dev/null\n+++ b/common/units.txt\n@@ -0,0 +1 @@\n+m/s\n",
    );
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(0)
        .stdout_eq("");
    let v = verdicts(&lab);
    assert!(
        v.contains(&(
            "02-unit/unit-in-a-second-file".into(),
            "02-unit/unit".into(),
            "killed".into()
        )),
        "{v:#?}"
    );
}

const NO_LONGER_APPLIES: &str = "`solutions/01-answer/mutants/forty-one/mutant.patch:3`: hunk 1 (`@@ -1 +1 @@`) of `common/answer.txt` does not apply to the reference solution of `01-answer`: the reference changed under it. Regenerate the patch: write the wrong file as an overlay (`common/answer.txt` beside mutant.toml, starting from `labforge solution 01-answer --reveal` in a lab made from this template), remove mutant.patch and run `labforge template migrate DIR`";

/// When the reference changed under a hunk, `template lint` and `template
/// test` name the patch file, its line, the hunk and the fix.
#[test]
fn issue_17_a_patch_that_no_longer_applies_names_the_file_and_hunk() {
    let tmp = tempdir();
    let lab = overlay_lab(tmp.path(), "lab");
    let m = lab.join("solutions/01-answer/mutants/forty-one");
    std::fs::remove_dir_all(m.join("common")).unwrap();
    write(
        &m.join("mutant.patch"),
        "--- a/common/answer.txt\n+++ b/common/answer.txt\n@@ -1 +1 @@\n-43\n+41\n",
    );
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(1)
        .stdout_eq(format!("error: 01-answer: {NO_LONGER_APPLIES}\n"))
        .stderr_eq("mutants@1.0.0: 1 error(s), 0 warning(s)\n");
    let out = labforge(&["template", "test", lab.to_str().unwrap(), "--trust"]).run();
    out.code(1).stdout_eq(format!(
        "template test mutants@1.0.0
lint error: 01-answer: {NO_LONGER_APPLIES}
(no track)
  starter             3 of 3 checks fail as they should [..]
  solution 01-answer  exercises 1..1 pass; 02-unit fails as it should; mutants: 2 of 3 killed [..]
  solution 02-unit    exercises 1..2 pass; mutants: 2 of 3 killed [..]
  violation: mutant 01-answer/forty-one could not be tried: {NO_LONGER_APPLIES}
  violation: mutant 02-unit/second-line survived: check 02-unit/unit passed; the lesson it breaks: one line only: a second line is a second answer
  (no track): FAILED in [..]
result: 3 violation(s), 0 warning(s)
"
    ));
}

/// A patch path that climbs out (`..`), is absolute, or reaches into `.git`
/// is refused by the one path gate when the lab is read; a path through a
/// link of the project is refused when it would be laid. Nothing outside the
/// lab changes, and the rendered lab gets no `.git`.
#[cfg(unix)]
#[test]
fn issue_17_a_hostile_patch_path_is_refused_and_nothing_outside_changes() {
    let tmp = tempdir();
    let root = tmp.path().canonicalize().unwrap();
    write(&root.join("victim.txt"), "keep\n");
    let lab = overlay_lab(&root, "lab");
    let owned = root.join("owned.txt");
    let sol = lab.join("solutions/01-answer/mutants");
    let patches = [
        (
            "dotdot",
            "--- a/common/../../../victim.txt\n+++ b/common/../../../victim.txt\n@@ -1 +1 @@\n-keep\n+owned\n".to_string(),
        ),
        (
            "absolute",
            format!("--- /dev/null\n+++ b/{}\n@@ -0,0 +1 @@\n+owned\n", owned.display()),
        ),
        (
            "into-git",
            "--- /dev/null\n+++ b/common/.git/hooks/pre-commit\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+echo owned\n".to_string(),
        ),
        (
            "through-link",
            "--- a/common/data/kept.txt\n+++ b/common/data/kept.txt\n@@ -1 +1 @@\n-keep\n+owned\n".to_string(),
        ),
    ];
    for (name, patch) in &patches {
        write(
            &sol.join(name).join("mutant.toml"),
            "check = \"exact\"\nlesson = \"x\"\n",
        );
        write(&sol.join(name).join("mutant.patch"), patch);
    }
    // The project holds `data`, a link to its own folder `real/`.
    write(&lab.join("common/real/kept.txt"), "keep\n");
    std::os::unix::fs::symlink("real", lab.join("common/data")).unwrap();
    let help = "write `LAYER/PATH` with a plain relative project path (no `..`, no leading `/`, not into `.git` or `.labforge`)";
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(1)
        .stdout_eq(format!(
            "error: 01-answer: `solutions/01-answer/mutants/absolute/mutant.patch:2`: the path `{}` is unsafe: it is an absolute path; {help}
error: 01-answer: `solutions/01-answer/mutants/dotdot/mutant.patch:2`: the path `common/../../../victim.txt` is unsafe: `.` and `..` are not allowed; {help}
error: 01-answer: `solutions/01-answer/mutants/into-git/mutant.patch:2`: the path `common/.git/hooks/pre-commit` is unsafe: `.git` and `.labforge` are reserved (in any case or look-alike spelling); {help}
error: 01-answer: `solutions/01-answer/mutants/through-link/mutant.patch:2`: `data/kept.txt` does not exist in the reference solution of `01-answer`: patch a file it holds (`labforge solution 01-answer --reveal` in a lab made from this template lists them), or create it with `--- /dev/null`
",
            owned.display()
        ));
    let out = labforge(&[
        "template",
        "test",
        lab.to_str().unwrap(),
        "--trust",
        "--keep",
        "--json",
    ])
    .run();
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let t = &v["tracks"][0];
    let tried: Vec<&str> = t["mutants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(
        !tried.contains(&"dotdot") && !tried.contains(&"absolute") && !tried.contains(&"into-git")
    );
    assert_eq!(
        t["violations"][0],
        "mutant 01-answer/through-link could not be tried: `data` is a symbolic link, so labforge will not read or write `data/kept.txt` through it\nhelp: labforge never follows a link inside a lab; move `data` away (or replace it by a real folder), then run the command again"
    );
    let kept = PathBuf::from(t["kept"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(root.join("victim.txt")).unwrap(),
        "keep\n"
    );
    assert!(!owned.exists());
    assert!(!kept.join(".git").exists() && !kept.join("common").exists());
    assert_eq!(
        std::fs::read_to_string(kept.join("real/kept.txt")).unwrap(),
        "keep\n"
    );
    assert_eq!(
        std::fs::read_to_string(kept.join("answer.txt")).unwrap(),
        "42\n"
    );
    std::fs::remove_dir_all(kept.parent().unwrap()).unwrap();
}

/// A hunk whose `@@` counts are smaller than its lines: diffy would drop the
/// extra lines (and every later hunk of the file) without a word, so the
/// mutant tested would not be the one written. `template lint` refuses it.
#[test]
fn issue_17_a_hunk_with_counts_too_small_is_refused_not_cut_short() {
    let tmp = tempdir();
    let lab = overlay_lab(tmp.path(), "lab");
    let m = lab.join("solutions/01-answer/mutants/forty-one");
    std::fs::remove_dir_all(m.join("common")).unwrap();
    write(
        &m.join("mutant.patch"),
        "--- a/common/answer.txt\n+++ b/common/answer.txt\n@@ -1 +1 @@\n-42\n+41\n+and a second line\n",
    );
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
error: 01-answer: `solutions/01-answer/mutants/forty-one/mutant.patch`: 1 added or removed line(s) of its hunks were not read: an `@@` count is smaller than its hunk's lines; fix the counts (or make the patch again with `labforge template migrate`)
warning: 01-answer: has fewer than 3 mutants (2): add wrong solutions under `solutions/01-answer/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]])
        .stderr_eq("mutants@1.0.0: 1 error(s), 1 warning(s)\n");
    write(
        &m.join("mutant.patch"),
        "--- a/common/answer.txt\n+++ b/common/answer.txt\n@@ -1 +1 @@\n-42\n+41\n@@ -1 +1 @@\n-42\n+40\n",
    );
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
error: 01-answer: `solutions/01-answer/mutants/forty-one/mutant.patch:1`: not a unified diff: error parsing patch at byte 88: hunks not in order or overlap; write `--- a/LAYER/PATH`, `+++ b/LAYER/PATH` and `@@` hunks (docs/lab-format.md, Wrong solutions)
warning: 01-answer: has fewer than 3 mutants (2): add wrong solutions under `solutions/01-answer/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]]);
}
