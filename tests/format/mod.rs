//! Integration tests: the lab format for authors (issue 14): schema 2
//! (solutions as deltas), `template migrate`, typed check settings, globs.

mod mutant_patches;

use std::path::{Path, PathBuf};

use crate::support::{labforge, repo_root, tempdir};
use snapbox::str;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/format/fixtures").join(name)
}

/// Every file under `dir`, relative and sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Copies a fixture into a fresh folder (tests that change it in place).
fn copy_fixture(name: &str, into: &Path) -> PathBuf {
    let dest = into.join(name);
    for rel in files(&fixture(name)) {
        let to = dest.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture(name).join(&rel), to).unwrap();
    }
    dest
}

/// `template test` stdout with the timings taken out, to compare two runs.
fn without_timings(s: &str) -> String {
    regex::Regex::new(r"\[\d+ms\]|in \d+(\.\d+)?m?s")
        .unwrap()
        .replace_all(s, "[T]")
        .into_owned()
}

/// The `template test` report of the steps lab, v1 and v2 alike.
fn steps_template_test() -> impl snapbox::IntoData {
    str![[r#"
template test steps@1.0.0
lint warning: 01-one: has fewer than 3 mutants (a: 0, b: 0): add wrong solutions under `solutions/01-one/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 02-two: has fewer than 3 mutants (a: 0, b: 0): add wrong solutions under `solutions/02-two/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 03-three: has fewer than 3 mutants (a: 0, b: 0): add wrong solutions under `solutions/03-three/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
track a
  starter            3 of 3 checks fail as they should [..]
  solution 01-one    exercises 1..1 pass; 02-two fails as it should [..]
  solution 02-two    exercises 1..2 pass; 03-three fails as it should [..]
  solution 03-three  exercises 1..3 pass [..]
  track a: ok in [..]
track b
  starter            3 of 3 checks fail as they should [..]
  solution 01-one    exercises 1..1 pass; 02-two fails as it should [..]
  solution 02-two    exercises 1..2 pass; 03-three fails as it should [..]
  solution 03-three  exercises 1..3 pass [..]
  track b: ok in [..]
result: ok (3 warning(s))

"#]]
}

/// A v1 lab (every solution folder a full copy) still generates and tests
/// unchanged; `template migrate --out` gives a v2 lab that keeps only the
/// files each exercise changes, and whose `template test` output is the same.
#[test]
fn issue_14_a_v1_lab_migrates_to_a_v2_lab_that_tests_identically() {
    let v1 = fixture("v1-lab");
    let before = files(&v1);
    let v1_test = labforge(&["template", "test", v1.to_str().unwrap(), "--trust"]).run();
    v1_test.code(0).stdout_eq(steps_template_test());

    let tmp = tempdir();
    let v2 = tmp.path().join("v2");
    labforge(&[
        "template",
        "migrate",
        v1.to_str().unwrap(),
        "--out",
        v2.to_str().unwrap(),
    ])
    .run()
    .code(0)
    .stdout_eq(str![[r#"
solutions/01-one: kept 1 file(s), removed 0 copies
solutions/02-two: kept 2 file(s), removed 1 copy
solutions/03-three: kept 2 file(s), removed 2 copies
lab.toml: schema = 2

"#]])
    .redact("[MIGRATED]", v2.display())
    .stderr_eq(str![[r#"
migrated into [MIGRATED]; check it with `labforge template test [MIGRATED]`

"#]]);
    assert_eq!(files(&v1), before, "--out leaves the v1 lab as it was");
    assert_eq!(
        files(&v2.join("solutions")),
        [
            "01-one/common/answer.txt",
            "02-two/a/src-a/two.txt",
            "02-two/b/src-b/two.txt",
            "03-three/a/src-a/two.txt",
            "03-three/b/src-b/three.txt",
        ]
    );
    let toml = std::fs::read_to_string(v2.join("lab.toml")).unwrap();
    assert!(toml.starts_with("schema = 2\n\n[lab]\n"), "{toml}");

    let v2_test = labforge(&["template", "test", v2.to_str().unwrap(), "--trust"]).run();
    v2_test.code(0).stdout_eq(steps_template_test());
    assert_eq!(
        without_timings(&v2_test.stdout),
        without_timings(&v1_test.stdout)
    );
    assert_eq!(v2_test.stderr, v1_test.stderr);
}

/// `labforge solution NN` shows the cumulative solution (every file
/// exercises 1..NN laid), the same for the v1 copies and the v2 deltas.
#[test]
fn issue_14_solution_shows_the_cumulative_tree_for_v1_and_v2() {
    let tmp = tempdir();
    let v2 = tmp.path().join("v2");
    labforge(&[
        "template",
        "migrate",
        fixture("v1-lab").to_str().unwrap(),
        "--out",
    ])
    .arg(v2.display().to_string())
    .run()
    .code(0);
    let expected = str![[r#"
==> answer.txt <==
one
==> src-b/three.txt <==
three
==> src-b/two.txt <==
two

"#]];
    for (name, lab) in [("from-v1", fixture("v1-lab")), ("from-v2", v2)] {
        let dest = tmp.path().join(name);
        labforge(&["new", lab.to_str().unwrap(), dest.to_str().unwrap()])
            .arg("--track")
            .arg("b")
            .arg("--defaults")
            .arg("--no-git")
            .arg("--trust")
            .run()
            .code(0);
        assert_eq!(
            files(&dest)
                .into_iter()
                .filter(|f| !f.starts_with(".labforge/"))
                .collect::<Vec<_>>(),
            [".gitignore", "README.md", "answer.txt", "src-b/two.txt"]
        );
        labforge(&["solution", "03-three", "--reveal"])
            .dir(&dest)
            .run()
            .code(0)
            .stdout_eq(expected.clone());
    }
}

/// Migrating in place changes the folder; migrating a v2 lab again changes
/// nothing (the lead re-runs it after merging lab edits).
#[test]
fn issue_14_migrate_in_place_is_idempotent() {
    let tmp = tempdir();
    let lab = copy_fixture("v1-lab", tmp.path());
    labforge(&["template", "migrate", lab.to_str().unwrap()])
        .run()
        .code(0);
    let once = files(&lab);
    assert!(!once.contains(&"solutions/03-three/common/answer.txt".to_string()));
    assert!(
        !once
            .iter()
            .any(|f| f.starts_with("solutions/03-three/common")),
        "emptied layer folders are removed: {once:?}"
    );
    labforge(&["template", "migrate", lab.to_str().unwrap()])
        .run()
        .code(0)
        .redact("[LAB]", lab.display())
        .stdout_eq(str![[r#"
[LAB]: nothing to change (schema 2, every solution file changes its exercise, no overlay mutant to turn into a patch)

"#]])
        .stderr_eq(str![]);
    assert_eq!(files(&lab), once);
}

/// A v2 solution removes files with `deleted.toml`: `template test` sees the
/// file gone and `labforge solution` says so.
#[test]
fn issue_14_a_v2_solution_deletes_files_listed_in_deleted_toml() {
    let lab = fixture("v2-deletes");
    labforge(&["template", "test", lab.to_str().unwrap(), "--trust"])
        .run()
        .code(0)
        .stdout_eq(str![[r#"
template test tidy@1.0.0
lint warning: 01-tidy: has no `doc`: learners get only its title and hints
lint warning: 01-tidy: has fewer than 3 mutants (0): add wrong solutions under `solutions/01-tidy/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
(no track)
  starter           1 of 1 checks fail as they should [..]
  solution 01-tidy  exercises 1..1 pass [..]
  (no track): ok in [..]
result: ok (2 warning(s))

"#]]);
    let tmp = tempdir();
    let dest = tmp.path().join("tidy");
    labforge(&["new", lab.to_str().unwrap(), dest.to_str().unwrap()])
        .arg("--defaults")
        .arg("--no-git")
        .run()
        .code(0);
    labforge(&["solution", "01-tidy", "--reveal"])
        .dir(&dest)
        .run()
        .code(0)
        .stdout_eq(str![[r#"
==> new.txt <==
done
==> legacy.txt <==
(deleted)

"#]]);
}

/// A `deleted.toml` path that leaves the project is refused when the lab is
/// loaded, with the file, line and column; so is one in a schema 1 lab.
#[test]
fn issue_14_deleted_toml_paths_stay_inside_the_project() {
    let tmp = tempdir();
    let lab = copy_fixture("v2-deletes", tmp.path());
    let list = lab.join("solutions/01-tidy/deleted.toml");
    std::fs::write(&list, "paths = [\"ok.txt\", \"../outside.txt\"]\n").unwrap();
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(2)
        .stdout_eq(str![])
        .redact("[LIST]", list.display())
        .stderr_eq(str![[r#"
error: `../outside.txt` cannot be deleted: `.` and `..` are not allowed
 --> [LIST]:1:20
help: name a file of the generated project by its relative path, such as "client/legacy.py"

"#]]);
    std::fs::write(&list, "paths = [\"legacy.txt\", \"legcy.txt\"]\n").unwrap();
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(0)
        .stdout_eq(str![[r#"
warning: 01-tidy: has no `doc`: learners get only its title and hints
warning: 01-tidy: `deleted.toml` names `legcy.txt`, which the project does not hold after the earlier solutions
warning: 01-tidy: has fewer than 3 mutants (0): add wrong solutions under `solutions/01-tidy/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]])
        .stderr_eq(str![[r#"
tidy@1.0.0: no errors, 3 warning(s)

"#]]);
    std::fs::write(&list, "paths = [\"legacy.txt\"]\n").unwrap();
    let toml = lab.join("lab.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replacen("schema = 2", "schema = 1", 1)).unwrap();
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(2)
        .redact("[LIST]", list.display())
        .stderr_eq(str![[r#"
error: `solutions/01-tidy/deleted.toml` needs `schema = 2`: with schema 1 every solution folder is a full copy
 --> [LIST]
help: run `labforge template migrate DIR` to convert the lab to schema 2

"#]]);
}

/// Typed check settings: a wrongly typed `expect` value or an unknown step
/// key fails `template lint` (and every load) at its `lab.toml:LINE:COL`,
/// listing what the kind takes; an overflowing duration is an error, never a
/// panic.
#[test]
fn issue_14_bad_check_settings_fail_lint_with_line_and_column() {
    let lint = |name: &str| {
        let dir = fixture(name);
        let out = labforge(&["template", "lint", dir.to_str().unwrap()]).run();
        out.code(2)
            .stdout_eq(str![])
            .redact("[FIXTURE]", dir.display());
        out
    };
    lint("bad-expect").stderr_eq(str![[r#"
error: `exit` in `expect` of a `process` check must be the exit code, an integer such as 0, not `"0"` (check `process-1` of exercise `01-stop`)
 --> [FIXTURE]/lab.toml:18:19
help: `expect` of a `process` check takes: exit (the exit code, an integer such as 0), within (a duration such as "5s"), background_status (the HTTP status background requests must get), stdout_json_lines (true: every stdout line is JSON)

"#]]);
    lint("bad-step").stderr_eq(str![[r#"
error: `backgroud` is not a key of a step of a `process` check (check `process-1` of exercise `01-stop`)
 --> [FIXTURE]/lab.toml:17:49
help: a step of a `process` check takes: http ("METHOD /path"), background (true: do not wait for the answer), status (the HTTP status a foreground request must get), wait (a duration such as "100ms"), signal (a signal name such as "TERM")

"#]]);
    lint("bad-timeout").stderr_eq(str![[r#"
error: `timeout` of check `process-1` of exercise `01-stop` `99999999999999999999s` is not a duration: number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)
 --> [FIXTURE]/lab.toml:17:11
help: write a number and a unit: "500ms", "30s", "2m"

"#]]);
}

/// `reset` and `update` agree on what an `edit` glob covers: `src/*.py`
/// covers `src/solve.py` (reset restores it; update leaves it to the learner
/// and reports the upstream change) but not `src/pkg/helper.py` (reset leaves
/// the learner's edit; update merges it as a shared file), because `*` never
/// crosses `/` anywhere.
#[test]
fn issue_14_reset_and_update_agree_on_what_an_edit_glob_covers() {
    let tmp = tempdir();
    let tpl = tmp.path().join("tpl");
    let install = |version: &str| {
        let _ = std::fs::remove_dir_all(&tpl);
        let from = fixture(&format!("globs-v{version}"));
        for rel in files(&from) {
            let to = tpl.join(&rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(from.join(&rel), to).unwrap();
        }
    };
    install("1.0.0");
    labforge(&["new", "./tpl", "lab", "--defaults", "--no-git"])
        .dir(tmp.path())
        .run()
        .code(0);
    let lab = tmp.path().join("lab");
    let write = |rel: &str, text: &str| std::fs::write(lab.join(rel), text).unwrap();
    let read = |rel: &str| std::fs::read_to_string(lab.join(rel)).unwrap();
    write("src/solve.py", "solved\n");
    write(
        "src/pkg/helper.py",
        "helper 1\nhelper 2\nhelper 3\nhelper 4\nhelper 5 (mine)\n",
    );
    labforge(&["reset", "01-solve"])
        .dir(&lab)
        .run()
        .code(0)
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-reset/ (`labforge undo` puts it back)
restored src/solve.py

"#]])
        .stderr_eq(str![]);
    snapbox::assert_data_eq!(
        read("src/solve.py"),
        str![[r#"
TODO(lab): solve

"#]]
    );
    snapbox::assert_data_eq!(
        read("src/pkg/helper.py"),
        str![[r#"
helper 1
helper 2
helper 3
helper 4
helper 5 (mine)

"#]]
    );

    write("src/solve.py", "solved\n");
    install("1.1.0");
    labforge(&["update"])
        .dir(&lab)
        .run()
        .code(0)
        .stdout_eq(str![[r#"
merge    src/pkg/helper.py
report   src/solve.py (changed upstream; yours, so not touched)

"#]]);
    snapbox::assert_data_eq!(
        read("src/solve.py"),
        str![[r#"
solved

"#]]
    );
    snapbox::assert_data_eq!(
        read("src/pkg/helper.py"),
        str![[r#"
helper 1 (v1.1)
helper 2
helper 3
helper 4
helper 5 (mine)

"#]]
    );
}

/// An invalid glob is an error when the lab is loaded, never a glob that
/// silently matches nothing.
#[test]
fn issue_14_an_invalid_glob_is_an_error_at_load() {
    let tmp = tempdir();
    let lab = copy_fixture("globs-v1.0.0", tmp.path());
    let toml = lab.join("lab.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("src/*.py", "src/[*.py")).unwrap();
    labforge(&["template", "lint", lab.to_str().unwrap()])
        .run()
        .code(2)
        .stdout_eq(str![])
        .redact("[TOML]", toml.display())
        .stderr_eq(str![[r#"
error: `src/[*.py` is not a valid glob: unclosed character class; missing ']' (`edit` of exercise `01-solve`)
 --> [TOML]:9:6
help: fix the glob in lab.toml, for example "src/*.py" or "tests/**"

"#]]);
}

/// `labforge setup` and `template test` run setup through one runner: the
/// same commands in the same order, stopping at the same failure, told the
/// same way (`exited with 3`).
#[test]
fn issue_14_setup_and_template_test_share_one_setup_runner() {
    let lab = fixture("setup-fails");
    labforge(&["template", "test", lab.to_str().unwrap(), "--trust"])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
template test setup-fails@1.0.0
track sh
  setup  `sh -c 'echo no venv here >&2; exit 3'` failed [..]
  violation: setup: `sh -c 'echo no venv here >&2; exit 3'` exited with 3
    no venv here
  track sh: FAILED in [..]
result: 1 violation(s), 0 warning(s)

"#]]);
    let tmp = tempdir();
    let dest = tmp.path().join("lab");
    labforge(&["new", lab.to_str().unwrap(), dest.to_str().unwrap()])
        .arg("--defaults")
        .arg("--no-git")
        .arg("--trust")
        .run()
        .code(0);
    labforge(&["setup", "--trust"])
        .dir(&dest)
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
$ true
$ sh -c 'echo no venv here >&2; exit 3'
no venv here
error: the setup command `sh -c 'echo no venv here >&2; exit 3'` exited with 3
help: fix the problem shown above, then run `labforge setup` again

"#]]);
}
