//! Never lose an edit: a dirty git tree is refused, `--dry-run` writes
//! nothing, `--undo` restores byte for byte, and an update killed at any
//! point leaves the before or the after state, or one the next run repairs.

use std::process::Command;

use super::{Fx, copy_dir};
use crate::support::{self, LABFORGE};
use snapbox::str;

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    String::from_utf8(out.stdout).unwrap()
}

/// Edits that touch every kind of decision (merge, conflict, rename, delete,
/// binary, added on both sides, template-owned replaced).
fn edit_everything(fx: &Fx) {
    fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
    fx.write("notes.txt", "first\nsecond\nlast line mine");
    fx.edit("old_name.py", "# part 2\n", "# part 2, mine\n");
    fx.remove("deleted_by_learner.txt");
    fx.write("logo.bin", b"\0mine");
    fx.write("extra.txt", "mine\n");
    fx.write("tests/test_solve.py", "# mine\n");
    fx.write("obsolete_edited.txt", "kept\n");
}

#[test]
fn a_dirty_git_tree_is_refused_and_left_exactly_as_it_was() {
    if !support::require_tool("git") {
        return;
    }
    let fx = Fx::new("1.0.0", true, &[]);
    fx.edit("config.ini", "key 8\n", "key 8 = uncommitted\n");
    fx.write("scratch.txt", "untracked\n");
    fx.to("1.1.0");
    // Every file but the lab's lock (taken by the refused update; ignored by git).
    let files = || {
        let mut t = support::tree(&fx.lab());
        t.remove(".labforge/lock");
        t
    };
    let before = files();
    let status = git(
        &fx.lab(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    fx.update(&[]).code(2).stderr_eq(str![[r#"
error: the lab has 2 uncommitted change(s); labforge update will not mix its changes with yours
  config.ini
  scratch.txt
help: commit them first (`git add -A && git commit -m wip`), or pass --allow-dirty (every changed file is still backed up in .labforge/backups/)

"#]]);
    assert_eq!(files(), before, "every file hash unchanged");
    assert_eq!(
        git(
            &fx.lab(),
            &["status", "--porcelain", "--untracked-files=all"]
        ),
        status
    );
    // Committed, the same update goes through.
    git(&fx.lab(), &["add", "-A"]);
    Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "commit",
            "-qm",
            "wip",
        ])
        .current_dir(fx.lab())
        .status()
        .unwrap();
    fx.update(&[]).code(0);
    assert!(fx.read("config.ini").contains("key 8 = uncommitted\n"));
}

#[test]
fn allow_dirty_updates_a_dirty_git_tree() {
    if !support::require_tool("git") {
        return;
    }
    let fx = Fx::new("1.0.0", true, &[]);
    fx.edit("config.ini", "key 8\n", "key 8 = uncommitted\n");
    fx.to("1.1.0");
    fx.update(&["--allow-dirty"]).code(0);
    assert!(fx.read("config.ini").contains("timeout = 30\n"));
}

#[test]
fn undo_restores_a_non_git_lab_byte_for_byte() {
    let fx = Fx::new("1.0.0", false, &[]);
    edit_everything(&fx);
    let before = fx.snapshot();
    fx.to("1.1.0");
    fx.update(&[]).code(1);
    assert_ne!(fx.snapshot(), before);
    fx.update(&["--undo"]).code(0);
    assert_eq!(fx.snapshot(), before);
    fx.update(&["--undo"]).code(2).stderr_eq(str![[r#"
error: there is no update to undo
help: `labforge undo --list` shows every backup; reset, restore and update make one whenever they change your files

"#]]);
}

#[test]
fn dry_run_prints_the_plan_and_diffs_and_writes_nothing() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.edit("config.ini", "key 8\n", "key 8 = mine\n");
    fx.to("1.1.0");
    let everything = support::tree(&fx.lab());
    let out = fx.update(&["--dry-run"]);
    out.code(0);
    assert_eq!(
        support::tree(&fx.lab()),
        everything,
        "not even .labforge/ changes"
    );
    // The whole output; `<CR>` stands for the carriage returns of crlf.txt.
    let expected = r#"Update upd@1.0.0 -> upd@1.1.0 (dry run, nothing written):
report   NOTES.md (changed upstream; yours, so not touched)
take     README.md
merge    config.ini
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
--- a/README.md
+++ b/README.md
@@ -7,6 +7,6 @@
 line 5
 line 6
 line 7
-line 8
+line 8 (improved in 1.1.0)
 line 9
 line 10
--- a/config.ini
+++ b/config.ini
@@ -1,5 +1,5 @@
 [main]
-key 2
+timeout = 30
 key 3
 key 4
 key 5
--- a/crlf.txt
+++ b/crlf.txt
@@ -1,5 +1,5 @@
 crlf 1<CR>
 crlf 2<CR>
 crlf 3<CR>
-crlf 4<CR>
+crlf 4 (1.1)<CR>
 crlf 5<CR>
--- a/deleted_by_learner.txt
+++ b/deleted_by_learner.txt
@@ -1 +1,2 @@
 delete me
+changed in 1.1
--- /dev/null
+++ b/extra.txt
@@ -0,0 +1 @@
+added upstream in 1.1
--- a/github-ci.yml
+++ b/github-ci.yml
@@ -1 +1,2 @@
 steps: [test]
+cache: true
Binary files a/logo.bin and b/logo.bin differ
--- a/old_name.py
+++ b/new_name.py
@@ -2,5 +2,5 @@
 # part 2
 # part 3
 # part 4
-# part 5
+v = 2  # changed in 1.1
 # part 6
--- a/notes.txt
+++ b/notes.txt
@@ -1,3 +1,3 @@
 first
 second
-last line 1.0
\ No newline at end of file
+last line 1.1
\ No newline at end of file
--- a/obsolete.txt
+++ /dev/null
@@ -1 +0,0 @@
-gone in 1.1
--- a/obsolete_edited.txt
+++ /dev/null
@@ -1 +0,0 @@
-gone in 1.1 too
--- a/tests/test_solve.py
+++ b/tests/test_solve.py
@@ -2,3 +2,4 @@
 
 def test_solve():
     assert solve() == 42
+    # stricter in 1.1
"#;
    assert_eq!(out.stdout, expected.replace("<CR>", "\r"));
}

/// The paths whose bytes differ between two snapshots.
fn differing(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) -> String {
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// A small seeded generator, so failures reproduce.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn killed_at_20_random_points_the_lab_is_before_after_or_repaired_by_the_next_run() {
    let fx = Fx::new("1.0.0", false, &[]);
    edit_everything(&fx);
    fx.to("1.1.0");
    let pristine = fx.root.join("pristine");
    copy_dir(&fx.lab(), &pristine);
    let before = fx.snapshot();
    fx.update(&[]).code(1);
    let after = fx.snapshot();
    let reset = || {
        std::fs::remove_dir_all(fx.lab()).unwrap();
        copy_dir(&pristine, &fx.lab());
    };
    // How many crash points an update has: the journal lists its steps.
    reset();
    let out = crate::support::labforge(&["update"])
        .dir(fx.lab())
        .env("LABFORGE_CRASH_AFTER", "1")
        .run();
    assert_eq!(out.code, -1, "killed by SIGKILL");
    let journal: toml::Table = toml::from_str(&fx.read(".labforge/journal.toml")).unwrap();
    let points = journal["steps"].as_array().unwrap().len() as u64 + 3;
    let mut rng = Rng(0x5eed_1234_abcd);
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..20 {
        reset();
        let at = if round < 3 {
            [0, 1, points - 1][round]
        } else {
            rng.below(points)
        };
        seen.insert(at);
        let killed = if round % 4 == 3 {
            // A real SIGKILL after a random delay, wherever the process is.
            let mut child = Command::new(LABFORGE)
                .arg("update")
                .current_dir(fx.lab())
                .env("NO_COLOR", "1")
                .env("LABFORGE_CACHE_DIR", support::isolated_home().join("cache"))
                .env(
                    "LABFORGE_CONFIG_DIR",
                    support::isolated_home().join("config"),
                )
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_micros(rng.below(40_000)));
            let _ = child.kill();
            child.wait().unwrap().code().is_none()
        } else {
            let out = crate::support::labforge(&["update"])
                .dir(fx.lab())
                .env("LABFORGE_CRASH_AFTER", at.to_string())
                .run();
            out.code == -1
        };
        assert!(
            killed || round % 4 == 3,
            "round {round}: the crash hook at point {at} of {points} did not fire"
        );
        let mut mid = fx.snapshot();
        // A kill inside a write leaves `.labforge/.labforge-tmp-*`: no lab
        // file is touched, and the next run removes it (checked below).
        let strays = mid
            .keys()
            .any(|k| k.starts_with(".labforge/.labforge-tmp-"));
        mid.retain(|k, _| !k.starts_with(".labforge/.labforge-tmp-"));
        let pending = fx.lab().join(".labforge/journal.toml").exists();
        assert!(
            mid == before || mid == after || pending,
            "round {round} (point {at}, killed {killed}): a half-updated lab without a journal: {}",
            differing(&mid, &before)
        );
        if round % 2 == 0 {
            // The next run finishes what was started (or starts afresh).
            let out = crate::support::labforge(&["update"]).dir(fx.lab()).run();
            let expected = if pending || mid == before { 1 } else { 2 }; // 2: "conflicts are open"
            assert_eq!(out.code, expected, "round {round}: {out:?}");
            let now = fx.snapshot();
            assert!(
                now == after,
                "round {round} (point {at}): not repaired forward: {}",
                differing(&now, &after)
            );
        } else if mid != before || strays {
            crate::support::labforge(&["update", "--undo"])
                .dir(fx.lab())
                .run()
                .code(0);
            let now = fx.snapshot();
            assert!(
                now == before,
                "round {round} (point {at}): not rolled back: {}",
                differing(&now, &before)
            );
        }
        assert!(!fx.lab().join(".labforge/journal.toml").exists());
    }
    assert!(seen.len() >= 8, "the random points should spread: {seen:?}");
}

#[test]
fn dry_run_json_is_the_plan_and_nothing_is_written() {
    let fx = Fx::new("1.0.0", false, &[]);
    fx.write("extra.txt", "mine\n");
    fx.to("1.1.0");
    let everything = support::tree(&fx.lab());
    let out = fx.update(&["--dry-run", "--json"]);
    out.code(0);
    assert_eq!(support::tree(&fx.lab()), everything);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["backup"], serde_json::Value::Null);
    assert_eq!(doc["conflicts"], serde_json::json!(["extra.txt"]));
    assert_eq!(doc["paths"].as_array().unwrap().len(), 14);
}
