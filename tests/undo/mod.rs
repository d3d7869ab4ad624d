//! Issue 14 (one backup store, one journal, one undo) and issue 17 (`reset`
//! tells how to undo it): `reset`, `restore` and `update` save what they
//! replace in `.labforge/backups/<time>-<op>/`, `labforge undo` (and
//! `reset --undo`, `update --undo`) puts it back byte for byte, links as
//! links, and deletes what the operation created; a planted backup cannot
//! reach outside the lab; a killed reset is finished by the next command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::security::{World, entries, link, write};
use crate::support::{self, Output, labforge};
use snapbox::str;

/// A lab made from a small template whose exercise edits three files and a
/// symlink (`src/current.py -> solve.py`).
struct Lab {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        Lab::make(false)
    }
    /// The same lab in a git repository (the first commit made by `new`).
    fn with_git() -> Lab {
        Lab::make(true)
    }
    fn make(git: bool) -> Lab {
        let tmp = support::tempdir();
        let root = tmp.path().to_path_buf();
        let tpl = root.join("tpl");
        write(
            &tpl.join("lab.toml"),
            "schema = 1\n\n[lab]\nid = \"undo\"\ntitle = \"Undo fixture\"\nversion = \"1.0.0\"\n\n\
             [ownership]\ntemplate = [\"tests/**\"]\n\n\
             [[exercise]]\nid = \"01-solve\"\ntitle = \"Solve it\"\n\
             edit = [\"src/solve.py\", \"src/helper.py\", \"src/extra.py\", \"src/current.py\"]\n\n\
             [[exercise.check]]\nid = \"todo\"\nkind = \"no_placeholders\"\npaths = [\"src/solve.py\"]\nmarkers = [\"TODO(lab)\"]\n\n\
             [[exercise]]\nid = \"02-more\"\ntitle = \"More\"\nedit = [\"src/helper.py\"]\n",
        );
        write(&tpl.join("common/README.md"), "# Undo fixture\n");
        write(
            &tpl.join("common/src/solve.py"),
            "def solve():\n    return 0  # TODO(lab)\n",
        );
        write(&tpl.join("common/src/helper.py"), "HELP = 1\n");
        write(&tpl.join("common/src/extra.py"), "EXTRA = 1\n");
        link("solve.py", &tpl.join("common/src/current.py"));
        write(&tpl.join("common/tests/test_solve.py"), "assert True\n");
        let mut args = vec!["new", "./tpl", "lab", "--defaults"];
        if !git {
            args.push("--no-git");
        }
        labforge(&args).dir(&root).run().code(0);
        Lab {
            _tmp: tmp,
            root: root.join("lab"),
        }
    }
    fn run(&self, args: &[&str]) -> Output {
        labforge(args).dir(&self.root).run()
    }
    fn write(&self, rel: &str, text: &str) {
        write(&self.root.join(rel), text);
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }
    /// Every entry of the learner's (files with their digest, links with
    /// their target), `.labforge/` left out.
    fn learner(&self) -> BTreeMap<String, String> {
        let mut e = entries(&self.root);
        e.retain(|k, _| !k.starts_with(".labforge"));
        e
    }
    /// The learner's own versions: an edited file, a file turned into a
    /// link, a link turned into a file, a deleted file.
    fn edit_everything(&self) {
        self.write("src/solve.py", "def solve():\n    return 42\n");
        std::fs::remove_file(self.root.join("src/helper.py")).unwrap();
        link("solve.py", &self.root.join("src/helper.py"));
        std::fs::remove_file(self.root.join("src/current.py")).unwrap();
        self.write("src/current.py", "CURRENT = 'mine'\n");
        std::fs::remove_file(self.root.join("src/extra.py")).unwrap();
    }
}

#[test]
fn issue_14_reset_then_undo_puts_back_every_byte_link_and_deleted_file() {
    let lab = Lab::new();
    let pristine = lab.learner();
    lab.edit_everything();
    let mine = lab.learner();
    // helper.py is edited in 02-more too: the warning says how to undo.
    lab.run(&["reset", "1"])
        .code(0)
        .stderr_eq(str![[r#"
warning: src/helper.py is also edited in 02-more: the starter copy took back that work too
help: `labforge reset --undo` puts your files back (they are in .labforge/backups/[..]-reset/)

"#]])
        .stdout_eq(str![[r#"
backed up 3 files to .labforge/backups/[..]-reset/ (`labforge undo` puts them back)
restored src/current.py
restored src/extra.py
restored src/helper.py
restored src/solve.py

"#]]);
    assert_eq!(lab.learner(), pristine);
    lab.run(&["undo", "--list"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
.labforge/backups/[..]-reset/  [..] UTC  reset of 01-solve
  src/current.py
  src/extra.py (did not exist)
  src/helper.py (link)
  src/solve.py

"#]]);
    lab.run(&["undo"]).code(0).stdout_eq(str![]).stderr_eq(str![[r#"
Undid the reset of 01-solve (.labforge/backups/[..]-reset/): 3 files put back, 1 file it created removed.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
    assert_eq!(
        lab.learner(),
        mine,
        "the learner's bytes and links, exactly"
    );
    // Undo is not a toggle: the undo itself is not undone, and the reset
    // it took back is marked undone.
    lab.run(&["undo"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: there is nothing to undo
help: `labforge undo --list` shows every backup; reset, restore and update make one whenever they change your files

"#]]);
    lab.run(&["undo", "--list"]).code(0).stdout_eq(str![[r#"
.labforge/backups/[..]-undo/  [..] UTC  undo of [..]-reset
  src/current.py (link)
  src/extra.py
  src/helper.py
  src/solve.py
.labforge/backups/[..]-reset/  [..] UTC  reset of 01-solve (undone)
  src/current.py
  src/extra.py (did not exist)
  src/helper.py (link)
  src/solve.py

"#]]);
    let doc: serde_json::Value =
        serde_json::from_str(&lab.run(&["undo", "--list", "--json"]).stdout).unwrap();
    assert_eq!(doc[1]["kind"], "reset");
    assert_eq!(doc[1]["undone"], true);
    assert_eq!(
        doc[1]["files"][1],
        serde_json::json!({"path": "src/extra.py", "was": "absent"})
    );
}

#[test]
fn issue_17_reset_undo_takes_back_resets_one_by_one_and_keeps_later_edits() {
    let lab = Lab::new();
    lab.write("src/solve.py", "first = 1\n");
    lab.run(&["reset", "1"]).code(0);
    lab.write("src/solve.py", "second = 2\n");
    lab.write("src/helper.py", "HELP = 'mine'\n");
    lab.run(&["reset", "01-solve"])
        .code(0)
        .stdout_eq(str![[r#"
backed up 2 files to .labforge/backups/[..]-reset/ (`labforge undo` puts them back)
restored src/current.py
restored src/extra.py
restored src/helper.py
restored src/solve.py

"#]])
        .stderr_eq(str![[r#"
warning: src/helper.py is also edited in 02-more: the starter copy took back that work too
help: `labforge reset --undo` puts your files back (they are in .labforge/backups/[..]-reset/)

"#]]);
    lab.run(&["reset", "--undo"]).code(0).stderr_eq(str![[r#"
Undid the reset of 01-solve (.labforge/backups/[..]-reset/): 2 files put back, 0 files it created removed.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
    assert_eq!(lab.read("src/solve.py"), "second = 2\n");
    assert_eq!(lab.read("src/helper.py"), "HELP = 'mine'\n");
    // The learner edits again, then takes back the first reset too (it
    // saved solve.py only): the edit made since is named and kept in the
    // undo's own backup.
    lab.write("src/solve.py", "third = 3\n");
    let out = lab.run(&["reset", "--undo"]);
    out.code(0).stderr_eq(str![[r#"
Undid the reset of 01-solve (.labforge/backups/[..]-reset/): 1 file put back, 0 files it created removed.
You changed this file after it; your version is kept in .labforge/backups/[..]-undo/:
  src/solve.py

"#]]);
    assert_eq!(lab.read("src/solve.py"), "first = 1\n");
    assert_eq!(lab.read("src/helper.py"), "HELP = 'mine'\n");
    let kept = out.stderr.lines().nth(1).unwrap();
    let folder = kept.split(" in ").nth(1).unwrap().trim_end_matches(":");
    assert_eq!(
        lab.read(&format!("{folder}files/src/solve.py")),
        "third = 3\n",
        "nothing is lost"
    );
    lab.run(&["reset", "--undo"]).code(2).stderr_eq(str![[r#"
error: there is no reset to undo
help: `labforge undo --list` shows every backup; reset, restore and update make one whenever they change your files

"#]]);
    // `reset --undo` takes back a reset only.
    lab.write("tests/test_solve.py", "assert False\n");
    lab.run(&["restore"]).code(0).stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-restore/ (`labforge undo` puts it back)
restored tests/test_solve.py

"#]]);
    lab.run(&["reset", "--undo"]).code(2).stderr_eq(str![[r#"
error: the last change to the lab was the restore of tests (.labforge/backups/[..]-restore/), not a reset
help: `labforge undo` takes that one back first; `labforge undo --list` shows every backup

"#]]);
    lab.run(&["undo"]).code(0);
    assert_eq!(lab.read("tests/test_solve.py"), "assert False\n");
}

#[test]
fn issue_14_update_then_undo_restores_the_lab_and_points_at_undo() {
    let fx = crate::update::Fx::new("1.0.0", false, &[]);
    fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
    fx.remove("deleted_by_learner.txt");
    fx.write("extra.txt", "mine\n");
    let before = fx.snapshot();
    fx.to("1.1.0");
    let out = fx.update(&[]);
    out.code(1);
    assert!(
        out.stderr
            .starts_with("Updated upd@1.0.0 -> upd@1.1.0. Backup: .labforge/backups/")
            && out
                .stderr
                .contains("-update (`labforge undo` takes the update back).\n"),
        "{}",
        out.stderr
    );
    labforge(&["undo"]).dir(fx.lab()).run().code(0).stdout_eq(str![]).stderr_eq(str![[r#"
Undid the update upd@1.0.0 -> upd@1.1.0 (.labforge/backups/[..]-update/): 12 files put back, 1 file it created removed. The lab is back at upd@1.0.0.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
    assert_eq!(fx.snapshot(), before);
    labforge(&["update", "--undo"]).dir(fx.lab()).run().code(2).stderr_eq(str![[r#"
error: there is no update to undo
help: `labforge undo --list` shows every backup; reset, restore and update make one whenever they change your files

"#]]);
}

/// A reset killed at every durable write in turn (the crash hook, as
/// update's tests use it: 0 after the backup, 1 after the journal, then one
/// per step (the last, 5, before the journal is removed), 6 after) leaves the lab as it was, or a
/// journal that the next command finishes, saying so; `undo` then takes the
/// reset back, byte for byte.
#[test]
fn issue_14_a_killed_reset_is_finished_by_the_next_command() {
    for at in 0..=6 {
        let lab = Lab::new();
        let pristine = lab.learner();
        lab.edit_everything();
        let mine = lab.learner();
        let out = labforge(&["reset", "1"])
            .dir(&lab.root)
            .env("LABFORGE_CRASH_AFTER", at.to_string())
            .run();
        assert_eq!(out.code, -1, "killed by SIGKILL at {at}: {out:?}");
        let pending = lab.root.join(".labforge/journal.toml").is_file();
        assert_eq!(pending, (1..=5).contains(&at), "a journal after point {at}");
        let mid = lab.learner();
        match at {
            0 => assert_eq!(mid, mine, "killed before the journal: nothing changed"),
            1 => assert_eq!(mid, mine, "killed before the first step"),
            5 | 6 => assert_eq!(mid, pristine, "killed after the last step"),
            _ => assert!(mid != mine && mid != pristine, "killed halfway at {at}"),
        }
        let note = if pending {
            "note: finished the interrupted `labforge reset` (its backup: .labforge/backups/[..]-reset/; `labforge undo` takes it back)\n"
        } else {
            ""
        };
        lab.run(&["status"])
            .code(0)
            .stderr_eq(note)
            .stdout_eq(str![[r#"
undo@1.0.0
  exercise  state    hints  title
> 01-solve  current  0/0    Solve it
  02-more   todo     0/0    More
0 of 2 exercises done

"#]]);
        assert!(!lab.root.join(".labforge/journal.toml").exists());
        assert_eq!(
            lab.learner(),
            *if at == 0 { &mine } else { &pristine },
            "at {at}"
        );
        lab.run(&["undo"]).code(0);
        assert_eq!(lab.learner(), mine, "undone after a kill at {at}");
    }
}

/// The journal of an earlier labforge (`.labforge/update-journal.toml`) is
/// still finished by the next command, or rolled back by `undo` without
/// being left behind to be replayed later.
#[test]
fn issue_14_a_journal_under_the_old_name_is_finished_or_undone() {
    let pristine = "def solve():\n    return 0  # TODO(lab)\n";
    for next in ["check", "undo"] {
        let lab = Lab::new();
        lab.write("src/solve.py", "mine = 1\n");
        let out = labforge(&["reset", "1"])
            .dir(&lab.root)
            .env("LABFORGE_CRASH_AFTER", "1")
            .run();
        assert_eq!(out.code, -1);
        std::fs::rename(
            lab.root.join(".labforge/journal.toml"),
            lab.root.join(".labforge/update-journal.toml"),
        )
        .unwrap();
        if next == "check" {
            lab.run(&["check", "--trust"]).code(1).stderr_eq(str![[r#"
note: finished the interrupted `labforge reset` (its backup: .labforge/backups/[..]-reset/; `labforge undo` takes it back)

"#]]);
            assert_eq!(lab.read("src/solve.py"), pristine);
        } else {
            lab.run(&["undo"]).code(0).stderr_eq(str![[r#"
Undid the reset of 01-solve (.labforge/backups/[..]-reset/): 1 file put back, 0 files it created removed.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
            assert_eq!(lab.read("src/solve.py"), "mine = 1\n");
        }
        for name in ["journal.toml", "update-journal.toml"] {
            assert!(!lab.root.join(".labforge").join(name).exists(), "{name}");
        }
        lab.run(&["status"]).code(0).stderr_eq(str![]);
        let expected = if next == "check" {
            pristine
        } else {
            "mine = 1\n"
        };
        assert_eq!(lab.read("src/solve.py"), expected);
    }
}

/// Backups an earlier labforge wrote to `.labforge/backup/<time>/` are moved
/// into the one store: listed, and undone like any other.
#[test]
fn issue_14_backups_of_an_earlier_labforge_are_moved_into_the_store() {
    let lab = Lab::new();
    let old = lab.root.join(".labforge/backup/20250101T090000Z");
    write(&old.join("src/solve.py"), "old = 1\n");
    link("solve.py", &old.join("src/helper.py"));
    lab.run(&["undo", "--list"]).code(0).stdout_eq(str![[r#"
.labforge/backups/20250101T090000Z-earlier-reset/  2025-01-01 09:00:00 UTC  reset or restore by an earlier labforge
  src/helper.py (link)
  src/solve.py

"#]]);
    assert!(!lab.root.join(".labforge/backup").exists());
    lab.run(&["undo"]).code(0).stderr_eq(str![[r#"
Undid the reset or restore by an earlier labforge (.labforge/backups/20250101T090000Z-earlier-reset/): 2 files put back, 0 files it created removed.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
    assert_eq!(lab.read("src/solve.py"), "old = 1\n");
    assert_eq!(
        std::fs::read_link(lab.root.join("src/helper.py")).unwrap(),
        Path::new("solve.py")
    );
}

/// A backup is a folder in the lab, so a shared copy can carry a planted
/// one: its paths go through the path gate and a saved link may not lead
/// outside; nothing is written before every path is checked.
#[test]
fn issue_14_a_planted_backup_cannot_reach_outside_the_lab() {
    let digest_of_secret = format!("sha256:{}", "0".repeat(64));
    let cases = [
        (
            "[[files]]\npath = \"../victim/keep.txt\"\nwas = \"absent\"\n".to_string(),
            "error: the backup list names `../victim/keep.txt`, which is unsafe: `.` and `..` are not allowed\n --> LAB/.labforge/backups/20250101T090000Z-reset/backup.toml\nhelp: this backup was not written by labforge; remove its folder and restore the lab from git\n",
        ),
        (
            "[[files]]\npath = \"src/solve.py\"\nwas = \"file\"\nobject = \"../../home/.ssh/id_rsa\"\n".to_string(),
            "error: the backup list names `src/solve.py`, which is unsafe: its object `../../home/.ssh/id_rsa` is not a sha256 digest\n --> LAB/.labforge/backups/20250101T090000Z-reset/backup.toml\nhelp: this backup was not written by labforge; remove its folder and restore the lab from git\n",
        ),
        (
            "[[files]]\npath = \"src/solve.py\"\nwas = \"symlink\"\ntarget = \"HOME/.ssh/id_rsa\"\n".to_string(),
            "error: the backup holds `src/solve.py` as a link to `HOME/.ssh/id_rsa`, which leads outside the lab: its target is absolute or holds a backslash or NUL\n --> LAB/.labforge/backups/20250101T090000Z-reset/backup.toml\nhelp: labforge does not put back links that leave the lab; nothing was changed. If you made that link, recreate it by hand (`ln -s TARGET PATH`) and remove the backup's folder\n",
        ),
        (
            "[[files]]\npath = \"src/solve.py\"\nwas = \"symlink\"\ntarget = \"../../home/.ssh/id_rsa\"\n".to_string(),
            "error: the backup holds `src/solve.py` as a link to `../../home/.ssh/id_rsa`, which leads outside the lab: it climbs above the top folder\n --> LAB/.labforge/backups/20250101T090000Z-reset/backup.toml\nhelp: labforge does not put back links that leave the lab; nothing was changed. If you made that link, recreate it by hand (`ln -s TARGET PATH`) and remove the backup's folder\n",
        ),
        (
            // Each link stays inside alone; followed as the kernel would,
            // `hop` is the lab itself, so `hop/..` is the folder above it.
            "[[files]]\npath = \"hop\"\nwas = \"symlink\"\ntarget = \".\"\n\n[[files]]\npath = \"src/solve.py\"\nwas = \"symlink\"\ntarget = \"../hop/../victim/keep.txt\"\n".to_string(),
            "error: the backup holds `src/solve.py` as a link to `../hop/../victim/keep.txt`, which leads outside the lab: it climbs above the top folder\n --> LAB/.labforge/backups/20250101T090000Z-reset/backup.toml\nhelp: labforge does not put back links that leave the lab; nothing was changed. If you made that link, recreate it by hand (`ln -s TARGET PATH`) and remove the backup's folder\n",
        ),
        (
            // `out` is a link in the lab to the victim folder.
            format!("[[files]]\npath = \"out/keep.txt\"\nwas = \"file\"\nobject = \"{digest_of_secret}\"\n"),
            "error: `out` is a symbolic link, so labforge will not read or write `out/keep.txt` through it\n --> LAB\nhelp: labforge never follows a link inside a lab; move `out` away (or replace it by a real folder), then run the command again\n",
        ),
        (
            "[[files]]\npath = \"out/keep.txt\"\nwas = \"absent\"\n".to_string(),
            "error: `out` is a symbolic link, so labforge will not read or write `out/keep.txt` through it\n --> LAB\nhelp: labforge never follows a link inside a lab; move `out` away (or replace it by a real folder), then run the command again\n",
        ),
    ];
    for (files, message) in cases {
        let w = World::new();
        w.generate();
        link("../victim", &w.lab().join("out"));
        let home = w.home().display().to_string();
        write(
            &w.lab()
                .join(".labforge/backups/20250101T090000Z-reset/backup.toml"),
            &format!(
                "kind = \"reset\"\nwhat = \"reset of 01-solve\"\n\n{}",
                files.replace("HOME", &home)
            ),
        );
        let before = w.lab_entries();
        let expected = message
            .replace("LAB", &w.lab().display().to_string())
            .replace("HOME", &home);
        w.in_lab(&["undo"])
            .code(2)
            .stdout_eq(str![])
            .stderr_eq(&expected);
        assert_eq!(w.lab_entries(), before, "nothing in the lab changed");
        w.assert_contained();
    }
    // The benign twin: a saved link that stays inside the lab goes back.
    let w = World::new();
    w.generate();
    write(
        &w.lab()
            .join(".labforge/backups/20250101T090000Z-reset/backup.toml"),
        "kind = \"reset\"\nwhat = \"reset of 01-solve\"\n\n[[files]]\npath = \"src/solve.py\"\nwas = \"symlink\"\ntarget = \"../README.md\"\n",
    );
    w.in_lab(&["undo"]).code(0);
    assert_eq!(
        std::fs::read_link(w.lab().join("src/solve.py")).unwrap(),
        Path::new("../README.md")
    );
    w.assert_contained();
}

/// `git status --porcelain` of the lab (untracked files one by one).
fn git_status(root: &Path) -> String {
    let out = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn git(root: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Issue 17, "`git status` stays quiet": the learner's saved content lives
/// in the ignored backup folder, never in the committed template objects
/// (`.labforge/objects/`), so reset, restore and undo leave git showing the
/// learner's own edits and nothing under `.labforge/`.
#[test]
fn issue_17_reset_restore_and_undo_leave_git_status_quiet() {
    if !support::require_tool("git") {
        return;
    }
    let lab = Lab::with_git();
    assert_eq!(git_status(&lab.root), "");
    lab.write("src/solve.py", "def solve():\n    return 42\n");
    assert_eq!(git_status(&lab.root), " M src/solve.py\n");
    lab.run(&["reset", "1"]).code(0);
    assert_eq!(git_status(&lab.root), "", "the reset put the starter back");
    lab.run(&["undo"]).code(0);
    assert_eq!(
        git_status(&lab.root),
        " M src/solve.py\n",
        "exactly the learner's edit again"
    );
    assert_eq!(lab.read("src/solve.py"), "def solve():\n    return 42\n");
    // restore, and its undo
    lab.write("tests/test_solve.py", "assert False\n");
    lab.run(&["restore"]).code(0);
    assert_eq!(git_status(&lab.root), " M src/solve.py\n");
    lab.run(&["undo"]).code(0);
    assert_eq!(
        git_status(&lab.root),
        " M src/solve.py\n M tests/test_solve.py\n"
    );
    // A reset of a file the learner deleted, and a file it created: undo
    // deletes nothing it should not and leaves no object behind.
    std::fs::remove_file(lab.root.join("src/extra.py")).unwrap();
    lab.run(&["reset", "1"]).code(0);
    assert_eq!(git_status(&lab.root), " M tests/test_solve.py\n");
    lab.run(&["undo"]).code(0);
    assert_eq!(
        git_status(&lab.root),
        " D src/extra.py\n M src/solve.py\n M tests/test_solve.py\n"
    );
    // The saved bytes are in the backup folder's own store, which git ignores.
    let objects: Vec<_> = std::fs::read_dir(lab.root.join(".labforge/backups/objects"))
        .unwrap()
        .collect();
    assert!(!objects.is_empty());
}

/// Issue 17: an update writes what a learner commits (the files it changed,
/// `state.toml` and the new version's pristine objects, referenced by the
/// new state) and nothing of the learner's own content into
/// `.labforge/objects/`; `undo` brings git back to exactly the commit made
/// before the update, removing the objects the update added.
#[test]
fn issue_17_update_then_undo_leaves_git_status_quiet() {
    if !support::require_tool("git") {
        return;
    }
    let fx = crate::update::Fx::new("1.0.0", true, &[]);
    let lab = fx.lab();
    fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
    fx.write("extra.txt", "mine\n");
    git(&lab, &["add", "-A"]);
    git(
        &lab,
        &[
            "-c",
            "user.name=Learner",
            "-c",
            "user.email=learner@example.com",
            "commit",
            "-q",
            "-m",
            "my work",
        ],
    );
    assert_eq!(git_status(&lab), "");
    fx.to("1.1.0");
    fx.update(&[]).code(1);
    let status = git_status(&lab);
    let state: toml::Table =
        toml::from_str(&std::fs::read_to_string(lab.join(".labforge/state.toml")).unwrap())
            .unwrap();
    let bases: Vec<String> = state["files"]
        .as_table()
        .unwrap()
        .values()
        .map(|f| {
            f["base"]
                .as_str()
                .unwrap()
                .trim_start_matches("sha256:")
                .to_string()
        })
        .collect();
    assert!(status.contains(" M .labforge/state.toml\n"), "{status}");
    let mut new_objects = 0;
    for line in status.lines() {
        if let Some(obj) = line.strip_prefix("?? .labforge/objects/") {
            assert!(
                bases.iter().any(|b| b == obj),
                "{obj} is not a pristine object of the new version:\n{status}"
            );
            new_objects += 1;
        } else {
            assert!(
                !line[3..].starts_with(".labforge/") || line == " M .labforge/state.toml",
                "{status}"
            );
        }
    }
    assert!(new_objects > 0, "{status}");
    labforge(&["undo"]).dir(&lab).run().code(0);
    assert_eq!(git_status(&lab), "", "back at the commit made before");
}

/// A planted backup cannot smuggle content through the backups' object
/// store: an object whose bytes do not match its name, or a link there to a
/// file outside the lab, is refused before anything is written.
#[test]
fn issue_17_a_planted_object_in_the_backups_store_is_refused() {
    let named = "sha256:d62dcc33a8bb9cba9ef1ff21e1dc0c5fe4a8b6d2d7a3f0ae5deaa7a3cc5a8a0e";
    let hex = named.trim_start_matches("sha256:");
    for planted in ["content", "link"] {
        let w = World::new();
        w.generate();
        let store = w.lab().join(".labforge/backups/objects");
        std::fs::create_dir_all(&store).unwrap();
        if planted == "content" {
            write(&store.join(hex), "print('not what the name says')\n");
        } else {
            link(
                &w.home().join(".ssh/id_rsa").display().to_string(),
                &store.join(hex),
            );
        }
        write(
            &w.lab()
                .join(".labforge/backups/20250101T090000Z-reset/backup.toml"),
            &format!(
                "kind = \"reset\"\nwhat = \"reset of 01-solve\"\n\n[[files]]\npath = \"src/solve.py\"\nwas = \"file\"\nobject = \"{named}\"\n"
            ),
        );
        let before = w.lab_entries();
        let expected = if planted == "content" {
            format!(
                "error: the saved copy `{hex}` does not match its name (damaged or planted)\n --> LAB/.labforge/backups/objects/{hex}\nhelp: nothing was written from it; restore the file from the backup's files/ folder (or from git) by hand, then remove the backup's folder\n"
            )
        } else {
            format!(
                "error: the saved copy `{hex}` is not a plain file\n --> LAB/.labforge/backups/objects/{hex}\nhelp: labforge never follows a link in its own folders; remove it (the backup's files/ folder holds a readable copy), then run the command again\n"
            )
        };
        w.in_lab(&["undo"])
            .code(2)
            .stdout_eq("")
            .stderr_eq(expected.replace("LAB", &w.lab().display().to_string()));
        assert_eq!(w.lab_entries(), before, "nothing in the lab changed");
        w.assert_contained();
    }
}

/// A backup written by the previous labforge kept its saved bytes in the
/// lab's `.labforge/objects/`: undo still reads them there (checked
/// against their digest).
#[test]
fn issue_17_a_backup_whose_objects_are_in_the_lab_store_still_undoes() {
    let lab = Lab::new();
    let bytes = b"old = 1\n";
    let digest = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    std::fs::write(lab.root.join(".labforge/objects").join(&digest), bytes).unwrap();
    write(
        &lab.root
            .join(".labforge/backups/20250101T090000Z-reset/backup.toml"),
        &format!(
            "kind = \"reset\"\nwhat = \"reset of 01-solve\"\n\n[[files]]\npath = \"src/solve.py\"\nwas = \"file\"\nobject = \"sha256:{digest}\"\nafter = \"sha256:{digest}\"\n"
        ),
    );
    lab.run(&["undo"]).code(0);
    assert_eq!(lab.read("src/solve.py"), "old = 1\n");
}

/// The backups' object store is labforge's own folder: a planted link there
/// (to a folder outside the lab) is refused before anything is written, so
/// a reset cannot store the learner's files elsewhere.
#[test]
fn issue_17_a_linked_backups_store_is_refused() {
    let w = World::new();
    w.generate();
    std::fs::create_dir_all(w.lab().join(".labforge/backups")).unwrap();
    link(
        &w.victim().display().to_string(),
        &w.lab().join(".labforge/backups/objects"),
    );
    let before = w.lab_entries();
    w.in_lab(&["reset", "1"]).code(2).stdout_eq("").stderr_eq(
        "error: `.labforge/backups/objects` is a symbolic link; labforge keeps its own files in a real folder and never follows a link there
 --> LAB/.labforge/backups/objects
help: remove the link and restore .labforge/ from git (`git checkout .labforge`)
"
        .replace("LAB", &w.lab().display().to_string()),
    );
    assert_eq!(w.lab_entries(), before, "nothing in the lab changed");
    w.assert_contained();
}

/// An update killed right after its backup, or right after its journal, is
/// rolled back by `undo` to exactly the commit made before it.
#[test]
fn issue_17_a_killed_update_then_undo_leaves_git_status_quiet() {
    if !support::require_tool("git") {
        return;
    }
    for at in ["0", "1", "3"] {
        let fx = crate::update::Fx::new("1.0.0", true, &[]);
        let lab = fx.lab();
        fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
        git(&lab, &["add", "-A"]);
        git(
            &lab,
            &[
                "-c",
                "user.name=Learner",
                "-c",
                "user.email=learner@example.com",
                "commit",
                "-q",
                "-m",
                "my work",
            ],
        );
        fx.to("1.1.0");
        let out = labforge(&["update"])
            .dir(&lab)
            .env("LABFORGE_CRASH_AFTER", at)
            .run();
        assert_eq!(out.code, -1, "killed at {at}: {out:?}");
        labforge(&["undo"]).dir(&lab).run().code(0);
        assert_eq!(git_status(&lab), "", "killed at {at}, then undone");
    }
}

/// A folder where reset would put back a file or a link is never deleted:
/// a backup saves files and links only, so the reset refuses before any
/// change and names the folder.
#[test]
fn issue_14_a_folder_in_place_of_a_lab_file_is_never_deleted() {
    let lab = Lab::new();
    lab.write("src/solve.py", "def solve():\n    return 42\n");
    std::fs::remove_file(lab.root.join("src/current.py")).unwrap();
    lab.write("src/current.py/mine.txt", "my notes\n");
    let before = lab.learner();
    lab.run(&["reset", "1"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: `src/current.py` is a folder, where the lab has a file or a link
help: nothing was changed; move the folder away (or rename it), then run the command again

"#]]);
    assert_eq!(lab.learner(), before);
    assert_eq!(lab.read("src/current.py/mine.txt"), "my notes\n");
    assert!(
        !lab.root.join(".labforge/backups").exists()
            || std::fs::read_dir(lab.root.join(".labforge/backups"))
                .unwrap()
                .all(|e| e.unwrap().file_name() == "objects")
    );
}
