//! Item 1 of issue 13: paths from a manifest (`[[migration]] rename`), the
//! update journal and `.labforge/state.toml` go through the one path gate.

use super::{SECRET, World, write};
use snapbox::str;

/// Version 1.1.0 of the template renames `from` to `to`.
fn renaming(w: &World, from: &str, to: &str) -> String {
    let mig = format!(
        "\n[[migration]]\nversion = \"1.1.0\"\nrename = {{ {} = {} }}\n",
        toml_str(from),
        toml_str(to)
    );
    w.template("1.1.0", &mig, &[]);
    mig
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The line of the rename in the 1.1.0 lab.toml (after the exercise).
const RENAME_LINE: usize = 25;

#[test]
fn issue_13_hostile_migration_renames_are_refused_at_update_new_and_lint() {
    let victim_abs = {
        let w = World::new();
        w.victim().join("bin/run.sh").display().to_string()
    };
    // (from, to, why, column of the offending string)
    let cases: Vec<(&str, String, &str, usize)> = vec![
        (
            "README.md",
            "../victim".into(),
            "`.` and `..` are not allowed",
            26,
        ),
        (
            "src/solve.py",
            victim_abs.clone(),
            "it is an absolute path",
            29,
        ),
        (
            "README.md",
            "..\\victim".into(),
            "it contains a backslash",
            26,
        ),
        (
            "README.md",
            "\u{FF0E}\u{FF0E}/victim".into(),
            "it is `.` or `..` once Unicode look-alikes and trailing dots are folded",
            26,
        ),
        (
            "README.md",
            "x/../../victim".into(),
            "`.` and `..` are not allowed",
            26,
        ),
        (
            "README.md",
            ".git/hooks/pre-commit".into(),
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
            26,
        ),
        (
            "README.md",
            ".LabForge/state.toml".into(),
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
            26,
        ),
        (
            "../victim/keep.txt",
            "stolen.txt".into(),
            "`.` and `..` are not allowed",
            12,
        ),
    ];
    for (from, to, why, col) in cases {
        let w = World::new();
        w.generate();
        let before = w.lab_entries();
        renaming(&w, from, &to);
        let (verb, bad) = if from.starts_with("..") {
            ("renames", from.to_string())
        } else {
            ("renames a file to", to.escape_debug().to_string())
        };
        let expected = format!(
            "error: the `[[migration]]` of version 1.1.0 {verb} `{bad}`, which is unsafe: {why}\n --> ./tpl/lab.toml:{RENAME_LINE}:{col}\nhelp: migration paths are relative paths inside the lab: no `..`, no leading `/`, no backslash, not into `.git` or `.labforge` (for example \"docs/README.md\" = \"README.md\")\n"
        );
        let in_lab = expected.replace("./tpl/lab.toml", &format!("{}/lab.toml", w.tpl().display()));
        // Compared with `==`: snapbox would turn the backslash case's `\` into `/`.
        let out = w.in_lab(&["update"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (2, "", in_lab.as_str())
        );
        assert_eq!(w.lab_entries(), before, "{to}: the lab is unchanged");
        // The same template is refused by `new` and `template lint`.
        let out = w.run(&["new", "./tpl", "other", "--defaults", "--no-git"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (2, "", expected.as_str())
        );
        assert!(!w.root.join("other").exists());
        let out = w.run(&["template", "lint", "./tpl"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (2, "", expected.as_str())
        );
        w.assert_contained();
        assert!(!w.root.join("victim/bin/run.sh").exists());
    }
}

#[test]
fn issue_13_a_rename_made_unsafe_by_a_track_var_is_refused_at_plan_time() {
    let w = World::new();
    // A lab with one track whose var climbs out; the raw rename looks fine.
    let with_track = |version: &str, mig: &str| {
        w.template(version, mig, &[]);
        let p = w.tpl().join("lab.toml");
        let text = std::fs::read_to_string(&p).unwrap().replacen(
            "version = \"",
            "tracks = [\"py\"]\nversion = \"",
            1,
        ) + "\n[track.py]\nvars = { out = \"..\" }\n";
        std::fs::write(&p, text).unwrap();
    };
    with_track("1.0.0", "");
    w.run(&[
        "new",
        "./tpl",
        "lab",
        "--defaults",
        "--no-git",
        "--track",
        "py",
    ])
    .code(0);
    let before = w.lab_entries();
    with_track(
        "1.1.0",
        "\n[[migration]]\nversion = \"1.1.0\"\nrename = { \"README.md\" = \"{out}/victim/keep.txt\" }\n",
    );
    w.in_lab(&["update"])
        .code(2)
        .stdout_eq(str![])
        .redact("[TPL]", w.tpl().display())
        .stderr_eq(str![[r#"
error: the `[[migration]]` of version 1.1.0 renames `README.md` to `../victim/keep.txt`, and `../victim/keep.txt` is unsafe: `.` and `..` are not allowed
 --> [TPL]/lab.toml
help: nothing was changed; the new version of the template is broken or hostile: ask its author to fix the rename (paths relative to the lab, no `..`)

"#]]);
    assert_eq!(w.lab_entries(), before);
    w.assert_contained();
}

#[test]
fn issue_13_benign_rename_inside_the_lab_carries_the_learner_edit() {
    let w = World::new();
    w.generate();
    let solve = w.lab().join("src/solve.py");
    std::fs::write(&solve, "def solve():\n    return 42  # mine\n").unwrap();
    renaming(&w, "src/solve.py", "src/solver.py");
    std::fs::rename(
        w.tpl().join("common/src/solve.py"),
        w.tpl().join("common/src/solver.py"),
    )
    .unwrap();
    w.in_lab(&["update"]).code(0).stdout_eq(str![[r#"
keep     src/solver.py (renamed from src/solve.py)

"#]]);
    assert_eq!(
        std::fs::read_to_string(w.lab().join("src/solver.py")).unwrap(),
        "def solve():\n    return 42  # mine\n"
    );
    assert!(!solve.exists());
    w.assert_contained();
}

/// A journal planted in the lab (it is a file in the lab, so a shared copy
/// can carry one) is checked step by step before anything is replayed.
#[test]
fn issue_13_a_pending_journal_step_pointing_outside_is_not_replayed() {
    let cases = [
        (
            "path = \"../victim/keep.txt\"\nop = \"delete\"",
            "the journal has a step for `../victim/keep.txt`, which is unsafe: `.` and `..` are not allowed",
        ),
        (
            "path = \"/tmp/x\"\nop = \"delete\"",
            "the journal has a step for `/tmp/x`, which is unsafe: it is an absolute path",
        ),
        (
            "path = \"stolen.txt\"\nop = \"write\"\nobject = \"../../../home/.ssh/id_rsa\"",
            "the journal has a step for `stolen.txt`, which is unsafe: its object `../../../home/.ssh/id_rsa` is not a sha256 digest",
        ),
        (
            "path = \".labforge/objects/x\"\nop = \"delete\"",
            "the journal has a step for `.labforge/objects/x`, which is unsafe: `.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
    ];
    for (step, message) in cases {
        let w = World::new();
        w.generate();
        write(
            &w.lab().join(".labforge/update-journal.toml"),
            &format!("kind = \"update\"\nbackup = \"b\"\n\n[[steps]]\n{step}\n"),
        );
        let before = w.lab_entries();
        // Planted under the name an earlier labforge used, which is still
        // read; every command that opens the lab checks it first.
        for args in [
            &["update"][..],
            &["update", "--undo"],
            &["undo"],
            &["status"],
            &["reset", "1"],
        ] {
            w.in_lab(args).code(2).stdout_eq(str![]).stderr_eq(format!(
                "error: {message}\n --> {}/.labforge/update-journal.toml\nhelp: nothing was replayed; delete the journal, restore the lab from git if files look wrong, then run the command again\n",
                w.lab().display()
            ));
        }
        assert_eq!(w.lab_entries(), before);
        w.assert_contained();
    }
}

#[test]
fn issue_13_a_journal_step_through_a_link_in_the_lab_is_refused() {
    let w = World::new();
    w.generate();
    super::link("../victim", &w.lab().join("out"));
    write(
        &w.lab().join(".labforge/update-journal.toml"),
        "kind = \"update\"\nbackup = \"b\"\n\n[[steps]]\npath = \"out/keep.txt\"\nop = \"delete\"\n",
    );
    let before = w.lab_entries();
    w.in_lab(&["update"])
        .code(2)
        .stdout_eq(str![])
        .redact("[LAB]", w.lab().display())
        .stderr_eq(str![[r#"
error: `out` is a symbolic link, so labforge will not read or write `out/keep.txt` through it
 --> [LAB]
help: labforge never follows a link inside a lab; move `out` away (or replace it by a real folder), then run the command again

"#]]);
    assert_eq!(w.lab_entries(), before);
    w.assert_contained();
}

#[test]
fn issue_13_a_state_file_naming_paths_outside_is_refused_on_load() {
    let digest = format!("sha256:{}", "0".repeat(64));
    let cases = [
        (
            format!("[files.\"../x\"]\nowner = \"template\"\nbase = \"{digest}\"\n"),
            "the lab state names the path `../x`, which is unsafe: `.` and `..` are not allowed",
        ),
        (
            format!("[files.\"../victim/keep.txt\"]\nowner = \"template\"\nbase = \"{digest}\"\n"),
            "the lab state names the path `../victim/keep.txt`, which is unsafe: `.` and `..` are not allowed",
        ),
        (
            "[files.\"tests/stolen.txt\"]\nowner = \"template\"\nbase = \"../../home/.ssh/id_rsa\"\n".to_string(),
            "the lab state names the path `tests/stolen.txt`, which is unsafe: its base `../../home/.ssh/id_rsa` is not a sha256 digest",
        ),
    ];
    for (table, message) in cases {
        let w = World::new();
        w.generate();
        let state = w.lab().join(".labforge/state.toml");
        let text = std::fs::read_to_string(&state).unwrap() + "\n" + &table;
        std::fs::write(&state, &text).unwrap();
        let key_line = text
            .lines()
            .position(|l| l == table.lines().next().unwrap())
            .unwrap()
            + 1;
        let before = w.lab_entries();
        for args in [
            &["status"][..],
            &["update"],
            &["restore", "tests"],
            &["reset", "01-solve"],
        ] {
            w.in_lab(args).code(2).stdout_eq(str![]).stderr_eq(format!(
                "error: {message}\n --> {}:{key_line}:8\nhelp: the state was edited by hand or comes from an untrusted copy; restore it from git (`git checkout .labforge/state.toml`) or remove that entry\n",
                state.display()
            ));
        }
        assert_eq!(w.lab_entries(), before);
        w.assert_contained();
    }
    let _ = SECRET;
}

#[test]
fn issue_13_labforge_folders_that_are_links_are_refused() {
    for rel in [
        ".labforge/backups",
        ".labforge/backup",
        ".labforge/objects",
        ".labforge/journal.toml",
    ] {
        let w = World::new();
        w.generate();
        let _ = std::fs::remove_dir_all(w.lab().join(rel));
        super::link(&w.victim().display().to_string(), &w.lab().join(rel));
        let before = w.lab_entries();
        for args in [
            &["update", "--undo"][..],
            &["reset", "01-solve"],
            &["status"],
            &["undo"],
            &["undo", "--list"],
        ] {
            w.in_lab(args).code(2).stdout_eq(str![]).stderr_eq(format!(
                "error: `{rel}` is a symbolic link; labforge keeps its own files in a real folder and never follows a link there\n --> {}\nhelp: remove the link and restore .labforge/ from git (`git checkout .labforge`)\n",
                w.lab().join(rel).display()
            ));
        }
        assert_eq!(w.lab_entries(), before);
        w.assert_contained();
    }
}
