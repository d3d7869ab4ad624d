//! The merge decisions, one scenario per test, each checked on the whole tree.

use super::{Fx, fresh, state_files};
use snapbox::str;

#[test]
fn no_edits_gives_a_fresh_render_of_the_new_version() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.to("1.1.0");
    fx.update(&[]).code(0).stdout_eq(str![[r#"
report   NOTES.md (changed upstream; yours, so not touched)
take     README.md
take     config.ini
take     crlf.txt
take     deleted_by_learner.txt
add      extra.txt
take     github-ci.yml
take     logo.bin
take     new_name.py (renamed from old_name.py)
take     notes.txt
delete   obsolete.txt (removed upstream)
delete   obsolete_edited.txt (removed upstream)
report   src/solve.py (changed upstream; yours, so not touched)
take     tests/test_solve.py

"#]]);
    let mut expected = fresh("1.1.0", &[]);
    // Learner-owned files are never touched, even when untouched by the learner.
    let old = fresh("1.0.0", &[]);
    for p in ["NOTES.md", "src/solve.py"] {
        expected.insert(p.into(), old[p].clone());
    }
    assert_eq!(fx.files(), expected);
    let st = fx.state();
    assert_eq!(st["lab"].as_str(), Some("upd@1.1.0"));
    assert!(st.get("conflicts").is_none());
    let new = Fx::new("1.1.0", false, &[]);
    assert_eq!(
        state_files(&st),
        state_files(&new.state()),
        "the new base is the 1.1.0 render"
    );
    assert_eq!(st["template"], new.state()["template"]);
}

#[test]
fn edits_on_different_lines_are_both_kept() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
    fx.edit("README.md", "line 2\n", "line 2, my words\n");
    fx.edit("crlf.txt", "crlf 1\r\n", "crlf 1 mine\r\n");
    fx.to("1.1.0");
    fx.update(&[]).code(0);
    let mut expected = fresh("1.1.0", &[]);
    let old = fresh("1.0.0", &[]);
    for p in ["NOTES.md", "src/solve.py"] {
        expected.insert(p.into(), old[p].clone());
    }
    expected.insert(
        "config.ini".into(),
        expected["config.ini"].replace("key 8\n", "key 8 = mine\n"),
    );
    expected.insert(
        "README.md".into(),
        expected["README.md"].replace("line 2\n", "line 2, my words\n"),
    );
    expected.insert(
        "crlf.txt".into(),
        "crlf 1 mine\r\ncrlf 2\r\ncrlf 3\r\ncrlf 4 (1.1)\r\ncrlf 5\r\n".into(),
    );
    assert_eq!(fx.files(), expected);
    assert!(!fx.read("config.ini").contains("<<<<<<<"));
}

#[test]
fn same_line_on_both_sides_writes_markers_exits_1_and_continue_waits_for_the_fix() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.edit("config.ini", "key 2\n", "key 2 = mine\n");
    fx.write("notes.txt", "first\nsecond\nlast line mine"); // no final newline, like upstream's
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(1).stderr_eq(str![[r#"
Updated upd@1.0.0 -> upd@1.1.0. Backup: .labforge/backups/[..] (`labforge undo` takes the update back).
2 conflict(s) to resolve:
  config.ini
  notes.txt
Edit the markers away (or decide between NAME and NAME.labforge-new and delete the .labforge-new file), then run `labforge update --continue`.

"#]]);
    assert!(
        out.stdout
            .contains("conflict config.ini (both changed the same lines; resolve the markers)\n")
    );
    snapbox::assert_data_eq!(
        fx.read("notes.txt"),
        str![[r#"
first
second
<<<<<<< yours
last line mine
||||||| lab 1.0.0
last line 1.0
=======
last line 1.1
>>>>>>> lab 1.1.0

"#]]
    );
    snapbox::assert_data_eq!(
        fx.read("config.ini"),
        str![[r#"
[main]
<<<<<<< yours
key 2 = mine
||||||| lab 1.0.0
key 2
=======
timeout = 30
>>>>>>> lab 1.1.0
key 3
key 4
key 5
key 6
key 7
key 8
key 9
key 10

"#]]
    );
    assert_eq!(fx.state()["conflicts"].as_array().unwrap().len(), 2);
    // A second update is refused while conflicts are open.
    fx.update(&[]).code(2);
    fx.update(&["--continue"]).code(1).stderr_eq(str![[r#"
error: 2 conflict(s) are not resolved yet
  config.ini: conflict markers on line(s) 2, 4, 6, 8
  notes.txt: conflict markers on line(s) 3, 5, 7, 9
help: edit the files until no `<<<<<<<`, `|||||||`, `=======` or `>>>>>>>` line is left, then run `labforge update --continue` again

"#]]);
    fx.write("config.ini", "[main]\ntimeout = 30 # mine\nkey 3\n");
    fx.update(&["--continue"]).code(1);
    fx.write("notes.txt", "first\nsecond\nlast line, merged");
    fx.update(&["--continue"]).code(0).stderr_eq(str![[r#"
2 conflict(s) resolved; the update to upd@1.1.0 is complete.

"#]]);
    assert!(fx.state().get("conflicts").is_none());
}

#[test]
fn learner_deleted_files_stay_deleted_unless_restore_deleted() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.remove("deleted_by_learner.txt");
    fx.remove("README.md"); // changed upstream in 1.1 and again in 1.2
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(0);
    assert!(out.stdout.contains("report   deleted_by_learner.txt (you deleted it and upstream changed it; --restore-deleted brings it back)\n"));
    assert!(!fx.lab().join("deleted_by_learner.txt").exists());
    assert!(!fx.lab().join("README.md").exists());
    // The next update still knows they were deleted by the learner.
    fx.to("1.2.0");
    let out = fx.update(&["--restore-deleted"]);
    out.code(0);
    assert!(
        out.stdout
            .contains("add      README.md (you deleted it; restored by --restore-deleted)\n"),
        "{}",
        out.stdout
    );
    assert_eq!(fx.read("README.md"), fresh("1.2.0", &[])["README.md"]);
    assert!(
        !fx.lab().join("deleted_by_learner.txt").exists(),
        "unchanged upstream in 1.2: stays deleted"
    );
}

#[test]
fn upstream_removed_files_go_only_when_unmodified() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("obsolete_edited.txt", "gone in 1.1 too\nbut I wrote here\n");
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(0);
    assert!(
        out.stdout
            .contains("delete   obsolete.txt (removed upstream)\n")
    );
    assert!(out.stdout.contains(
        "report   obsolete_edited.txt (removed upstream, kept because you changed it)\n"
    ));
    assert!(!fx.lab().join("obsolete.txt").exists());
    assert_eq!(
        fx.read("obsolete_edited.txt"),
        "gone in 1.1 too\nbut I wrote here\n"
    );
}

#[test]
fn a_declared_rename_carries_the_learners_edit() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.edit("old_name.py", "# part 2\n", "# part 2, my edit\n");
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(0);
    assert!(
        out.stdout
            .contains("merge    new_name.py (renamed from old_name.py)\n")
    );
    assert!(!fx.lab().join("old_name.py").exists());
    snapbox::assert_data_eq!(
        fx.read("new_name.py"),
        str![[r#"
# part 1
# part 2, my edit
# part 3
# part 4
v = 2  # changed in 1.1
# part 6

"#]]
    );
}

#[test]
fn a_binary_changed_on_both_sides_keeps_yours_and_writes_labforge_new() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("logo.bin", b"\x89PNG\0mine");
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(1);
    assert!(out.stdout.contains("conflict logo.bin (binary, changed on both sides; yours kept, the new version is in logo.bin.labforge-new)\n"));
    assert_eq!(
        std::fs::read(fx.lab().join("logo.bin")).unwrap(),
        b"\x89PNG\0mine"
    );
    assert_eq!(
        std::fs::read(fx.lab().join("logo.bin.labforge-new")).unwrap(),
        std::fs::read(super::fixture("1.1.0").join("common/logo.bin")).unwrap()
    );
    fx.update(&["--continue"]).code(1);
    std::fs::rename(
        fx.lab().join("logo.bin.labforge-new"),
        fx.lab().join("logo.bin"),
    )
    .unwrap();
    fx.update(&["--continue"]).code(0);
}

#[test]
fn a_path_added_on_both_sides_is_a_conflict_with_an_empty_base() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("extra.txt", "my own extra\n");
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(1);
    assert!(
        out.stdout
            .contains("conflict extra.txt (added on both sides)\n")
    );
    snapbox::assert_data_eq!(
        fx.read("extra.txt"),
        str![[r#"
<<<<<<< yours
my own extra
||||||| lab 1.0.0
=======
added upstream in 1.1
>>>>>>> lab 1.1.0

"#]]
    );
}

#[test]
fn a_changed_answer_removes_the_file_it_conditions_if_unmodified() {
    let fx = Fx::new("1.0.0", false, &[]);
    let out = fx.update(&["--set", "ci=gitlab"]);
    out.code(0).stdout_eq(str![[r#"
delete   github-ci.yml (removed upstream)
add      gitlab-ci.yml

"#]]);
    assert_eq!(fx.files(), fresh("1.0.0", &["ci=gitlab"]));
    assert_eq!(fx.state()["answers"]["ci"].as_str(), Some("gitlab"));
}

#[test]
fn a_changed_answer_keeps_and_reports_a_modified_conditional_file() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("github-ci.yml", "steps: [test, lint]\n");
    fx.update(&["--set", "ci=gitlab"])
        .code(0)
        .stdout_eq(str![[r#"
report   github-ci.yml (removed upstream, kept because you changed it)
add      gitlab-ci.yml

"#]]);
    let mut expected = fresh("1.0.0", &["ci=gitlab"]);
    expected.insert("github-ci.yml".into(), "steps: [test, lint]\n".into());
    assert_eq!(fx.files(), expected);
}

#[test]
fn one_step_from_1_0_to_1_3_offline_without_the_old_template_or_cache() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.edit("old_name.py", "# part 1\n", "# part 1, mine\n");
    fx.edit("config.ini", "key 5\n", "key 5 = mine\n");
    fx.to("1.3.0"); // 1.0.0 exists nowhere now but in .labforge/objects
    // No template cache at all (a folder that does not exist), and --offline.
    let no_cache = fx.root.join("no-cache");
    crate::support::labforge(&["update", "--offline"])
        .dir(fx.lab())
        .env("LABFORGE_CACHE_DIR", no_cache.display().to_string())
        .run()
        .code(0);
    assert!(!no_cache.exists(), "nothing was fetched or cached");
    let mut expected = fresh("1.3.0", &[]);
    let old = fresh("1.0.0", &[]);
    for p in ["NOTES.md", "src/solve.py"] {
        expected.insert(p.into(), old[p].clone());
    }
    expected.insert(
        "lib/newest.py".into(),
        expected["lib/newest.py"].replace("# part 1\n", "# part 1, mine\n"),
    );
    expected.insert(
        "config.ini".into(),
        expected["config.ini"].replace("key 5\n", "key 5 = mine\n"),
    );
    assert_eq!(fx.files(), expected);
    assert_eq!(fx.state()["lab"].as_str(), Some("upd@1.3.0"));
}

#[test]
fn learner_owned_files_are_never_touched() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("NOTES.md", "# My notes\n");
    let before_solve = fx.read("src/solve.py");
    for v in ["1.1.0", "1.2.0", "1.3.0"] {
        fx.to(v);
        fx.update(&[]).code(0);
        assert_eq!(fx.read("NOTES.md"), "# My notes\n");
        assert_eq!(fx.read("src/solve.py"), before_solve);
    }
}

#[test]
fn a_modified_template_owned_file_is_replaced_and_backed_up() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write(
        "tests/test_solve.py",
        "def test_solve():\n    pass  # made it pass\n",
    );
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(0);
    assert!(
        out.stdout
            .contains("take     tests/test_solve.py (replaced; your copy is in the backup)\n")
    );
    assert_eq!(
        fx.read("tests/test_solve.py"),
        fresh("1.1.0", &[])["tests/test_solve.py"]
    );
    let backups: Vec<_> = std::fs::read_dir(fx.lab().join(".labforge/backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        // the backups' object store (`objects/`) is not a backup
        .filter(|p| p.join("backup.toml").is_file())
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(backups[0].join("files/tests/test_solve.py")).unwrap(),
        "def test_solve():\n    pass  # made it pass\n"
    );
}

#[test]
fn check_reports_current_and_latest() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.update(&["--check"]).code(0).stdout_eq(str![[r#"
upd: 1.0.0 is the latest

"#]]);
    fx.to("1.2.0");
    fx.update(&["--check"]).code(1).stdout_eq(str![[r#"
upd: 1.0.0 -> 1.2.0 available; run `labforge update`

"#]]);
    fx.update(&["--check", "--json"])
        .code(1)
        .stdout_eq(str![[r#"
{"current":"1.0.0","lab":"upd","latest":"1.2.0","update_available":true}

"#]]);
    fx.update(&["--to", "1.3.0"]).code(2).stderr_eq(str![[r#"
error: version 1.3.0 of lab `upd` is not available from `[..]/tpl`, which holds 1.2.0
help: use --to 1.2.0, or point the lab's source at a folder or tag holding 1.3.0

"#]]);
    fx.update(&["--to", "1.2.0"]).code(0);
    fx.update(&[]).code(0).stderr_eq(str![[r#"
upd is up to date (1.2.0).

"#]]);
}

#[test]
fn json_lists_every_path_and_the_conflicts() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("extra.txt", "mine\n");
    fx.to("1.1.0");
    let out = fx.update(&["--json"]);
    out.code(1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["status"], "conflicts");
    assert_eq!(doc["conflicts"], serde_json::json!(["extra.txt"]));
    assert_eq!(doc["from"], "upd@1.0.0");
    assert_eq!(doc["to"], "upd@1.1.0");
    assert!(
        doc["backup"]
            .as_str()
            .unwrap()
            .starts_with(".labforge/backups/")
    );
    let paths: Vec<String> = doc["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["action"].as_str().unwrap(),
                p["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            "report NOTES.md",
            "take README.md",
            "take config.ini",
            "take crlf.txt",
            "take deleted_by_learner.txt",
            "conflict extra.txt",
            "take github-ci.yml",
            "take logo.bin",
            "take new_name.py",
            "take notes.txt",
            "delete obsolete.txt",
            "delete obsolete_edited.txt",
            "report src/solve.py",
            "take tests/test_solve.py",
        ]
    );
    assert_eq!(doc["paths"][8]["renamed_from"], "old_name.py");
    assert_eq!(
        fx.state()["conflicts"],
        toml::Value::Array(vec!["extra.txt".into()])
    );
}

#[test]
fn a_bad_answer_is_refused_before_anything_is_written() {
    let fx = Fx::new("1.0.0", false, &[]);
    let before = fx.snapshot();
    fx.update(&["--set", "ci=circle"])
        .code(2)
        .stderr_eq(str![[r#"
error: `circle` is not a valid answer for `ci` (from --set ci): expected one of github, gitlab
help: one of github, gitlab

"#]]);
    fx.update(&["--set", "nope=1"]).code(2).stderr_eq(str![[r#"
error: `nope` is not a variable of lab `upd` (from --set nope)
help: its variables are: project, ci; `labforge show upd` describes them

"#]]);
    assert_eq!(fx.snapshot(), before);
}

#[test]
fn a_built_in_lab_is_current_with_the_binary_that_made_it() {
    let dir = crate::support::tempdir();
    crate::support::labforge(&["new", "api-client", "lab", "--defaults", "--no-git"])
        .dir(dir.path())
        .run()
        .code(0);
    let lab = dir.path().join("lab");
    crate::support::labforge(&["update", "--check", "--json"])
        .dir(&lab)
        .run()
        .code(0)
        .stdout_eq(str![[r#"
{"current":"[..]","lab":"api-client","latest":"[..]","update_available":false}

"#]]);
    crate::support::labforge(&["update"])
        .dir(&lab)
        .run()
        .code(0)
        .stderr_eq(str![[r#"
api-client is up to date ([..]).

"#]]);
}
