//! Issue 13, item 7 ("flags that lie"): `update`'s modes are exclusive,
//! `new --trust` means something, one writer per lab, `update` fetches a
//! moving git source, and trust follows the content, not just the source.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::repos::{Repo, copy_dir};
use super::{Home, read};
use crate::support::tree;
use snapbox::str;

/// The `template init` skeleton (one exercise whose check fails on the
/// starter) committed on `main` of a repository beside the working folder.
fn skeleton_repo(home: &Home) -> Repo {
    home.run(&["template", "init", "sk"]).code(0);
    let repo = Repo::init(&home.path().join("repo"));
    copy_dir(&home.work().join("sk"), &repo.dir);
    repo.commit("v0.1.0");
    repo
}

fn bump(repo: &Repo, version: &str) -> String {
    let path = repo.dir.join("lab.toml");
    let text =
        read(path.clone()).replace("version = \"0.1.0\"", &format!("version = \"{version}\""));
    std::fs::write(path, text).unwrap();
    repo.commit(&format!("v{version}"))
}

fn lab(home: &Home) -> PathBuf {
    home.work().join("lab")
}

#[test]
fn issue_13_update_fetches_a_moving_branch_and_trust_follows_the_content() {
    let home = Home::new();
    let repo = skeleton_repo(&home);
    let c1 = repo.repo.head().unwrap().target().unwrap().to_string();
    let source = format!("{}#main", repo.url());
    // `new --trust` trusts this source at this commit: check runs at once.
    home.run(&["new", &source, "lab", "--defaults", "--no-git", "--trust"])
        .code(0);
    let lab = lab(&home);
    home.run_in(&lab, &["check"], &[]).code(1);

    let c2 = bump(&repo, "0.2.0");
    // Offline, the cache answers (and still says current)...
    home.run_in(&lab, &["update", "--check", "--offline"], &[])
        .code(0)
        .stdout_eq(str![[r#"
sk: 0.1.0 is the latest

"#]]);
    // ...online, the branch is fetched and the new commit seen.
    home.run_in(&lab, &["update", "--check"], &[])
        .code(1)
        .stdout_eq(str![[r#"
sk: 0.1.0 -> 0.2.0 available; run `labforge update`

"#]]);
    home.run_in(&lab, &["update"], &[]).code(0);
    let state: toml::Table = toml::from_str(&read(lab.join(".labforge/state.toml"))).unwrap();
    assert_eq!(state["resolved"].as_str(), Some(c2.as_str()));

    // The same source string now names other content: asked again.
    home.run_in(&lab, &["check"], &[])
        .code(2)
        .stdout_eq(str![])
        .redact("[SOURCE]", &source)
        .redact("[TRUSTED]", &c1[..12])
        .redact("[NOW]", &c2[..12])
        .stderr_eq(str![[r#"
error: labforge will not run the commands of `[SOURCE]` without your consent
  its content changed: you trusted it at [TRUSTED]; it is now at [NOW]
  this lab is not built in: its setup commands and checks run programs on this machine
help: `labforge show [SOURCE]` describes it (setup commands, exercises, checks); then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)

"#]]);
    home.run_in(&lab, &["check", "--trust"], &[]).code(1);
    home.run_in(&lab, &["check"], &[]).code(1);
    let trusted: toml::Table =
        toml::from_str(&read(home.path().join("config/trusted.toml"))).unwrap();
    assert_eq!(
        trusted["trusted"][&source]["resolved"].as_str(),
        Some(c2.as_str())
    );
}

#[test]
fn issue_13_new_trust_is_refused_with_dry_run_and_without_it_nothing_is_trusted() {
    let home = Home::new();
    let repo = skeleton_repo(&home);
    let url = repo.url();
    home.run(&["new", &url, "lab", "--defaults", "--dry-run", "--trust"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: the argument '--dry-run' cannot be used with '--trust'

Usage: labforge new --defaults --dry-run <LAB> <DEST>

For more information, try '--help'.

"#]]);
    home.run(&["new", &url, "lab", "--defaults", "--no-git"])
        .code(0);
    assert!(!home.path().join("config/trusted.toml").exists());
    home.run_in(&lab(&home), &["check"], &[]).code(2);
}

#[test]
fn issue_13_update_modes_that_cannot_be_combined_are_refused_and_write_nothing() {
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    home.run(&["new", "./sk", "lab", "--defaults", "--no-git"])
        .code(0);
    let lab = lab(&home);
    let before = tree(&lab);
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--undo", "--dry-run"], "--undo", "--dry-run"),
        (&["--continue", "--check"], "--continue", "--check"),
        (&["--check", "--dry-run"], "--check", "--dry-run"),
        (&["--undo", "--continue"], "--undo", "--continue"),
        (&["--check", "--to", "2.0.0"], "--check", "--to <TO>"),
    ];
    for (args, first, second) in cases {
        let mut all = vec!["update"];
        all.extend_from_slice(args);
        let usage = match *first {
            "--undo" => "labforge update --undo",
            "--continue" => "labforge update --continue",
            _ => "labforge update --check",
        };
        home.run_in(&lab, &all, &[])
            .code(2)
            .stdout_eq(str![])
            .stderr_eq(format!(
                "error: the argument '{first}' cannot be used with '{second}'

Usage: {usage}

For more information, try '--help'.
"
            ));
    }
    assert_eq!(tree(&lab), before, "a refused combination wrote nothing");
}

/// Holds `.labforge/lock` of `lab` from this (test) process, as another
/// labforge would, with a holder line naming this pid.
fn hold_lock(lab: &Path) -> File {
    let mut f = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(lab.join(".labforge/lock"))
        .unwrap();
    f.lock().unwrap();
    writeln!(f, "{} labforge check", std::process::id()).unwrap();
    f
}

#[test]
fn issue_13_a_second_writer_on_a_lab_refuses_naming_the_holder_or_waits() {
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    home.run(&["new", "./sk", "lab", "--defaults", "--no-git"])
        .code(0);
    let lab = lab(&home);
    home.run_in(&lab, &["status"], &[]).code(0);
    let lock_path = lab.join(".labforge/lock");
    let held = hold_lock(&lab);
    let before = tree(&lab);
    let pid = std::process::id();
    let no_wait = [("LABFORGE_LOCK_WAIT", "0")];
    for args in [
        &["update"][..],
        &["reset", "01-greet"],
        &["restore"],
        &["check", "--trust"],
        &["hint"],
        &["next"],
        &["setup", "--trust"],
    ] {
        home.run_in(&lab, args, &no_wait)
            .code(2)
            .stdout_eq(str![])
            .redact("[PID]", pid)
            .redact("[LOCK]", lock_path.display())
            .stderr_eq(str![[r#"
error: this lab is in use by another labforge process (pid [PID], `labforge check`); waited 0 s
 --> [LOCK]
help: let it finish, then run this command again (the lock goes away with that process; LABFORGE_LOCK_WAIT=SECONDS waits longer)

"#]]);
    }
    assert_eq!(
        tree(&lab),
        before,
        "nothing written while the lab was locked"
    );
    // Readers do not wait for writers.
    home.run_in(&lab, &["status"], &no_wait).code(0);
    home.run_in(&lab, &["update", "--check", "--offline"], &no_wait)
        .code(0);
    // A writer waits for the lock to go away (here after a second).
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        drop(held);
    });
    home.run_in(&lab, &["hint"], &[("LABFORGE_LOCK_WAIT", "10")])
        .code(0);
    release.join().unwrap();
    let holder = read(lock_path);
    assert!(holder.ends_with(" labforge hint\n"), "{holder}");
}

#[test]
fn issue_13_two_labforge_processes_on_one_lab_take_turns() {
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    home.run(&["new", "./sk", "lab", "--defaults", "--no-git", "--trust"])
        .code(0);
    let lab = lab(&home);
    // A solution that takes three seconds, so the check holds the lock.
    std::fs::write(
        lab.join("src/greet.sh"),
        "sleep 3\nprintf 'Hello, %s!\\n' \"$1\"\n",
    )
    .unwrap();
    let mut check = std::process::Command::new(crate::support::LABFORGE)
        .arg("check")
        .current_dir(&lab)
        .env("NO_COLOR", "1")
        .env("LABFORGE_CONFIG_DIR", home.path().join("config"))
        .env("LABFORGE_CACHE_DIR", home.cache())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = lab.join(".labforge/lock");
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.ends_with(" labforge check\n")) {
        assert!(
            started.elapsed().as_secs() < 10,
            "the check never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    home.run_in(&lab, &["reset", "01-greet"], &[("LABFORGE_LOCK_WAIT", "0")])
        .code(2)
        .stdout_eq(str![])
        .redact("[PID]", check.id())
        .redact("[LOCK]", lock.display())
        .stderr_eq(str![[r#"
error: this lab is in use by another labforge process (pid [PID], `labforge check`); waited 0 s
 --> [LOCK]
help: let it finish, then run this command again (the lock goes away with that process; LABFORGE_LOCK_WAIT=SECONDS waits longer)

"#]]);
    // `next` waits for the check, then sees the progress it saved.
    home.run_in(&lab, &["next"], &[("LABFORGE_LOCK_WAIT", "20")])
        .code(0)
        .stdout_eq(str![[r#"
every exercise of Sk passes: well done

"#]]);
    assert!(check.wait().unwrap().success());
}

#[test]
fn issue_13_update_follows_the_catalog_a_lab_came_from() {
    let home = Home::new();
    let repo = Repo::init(&home.path().join("team-labs"));
    repo.add_fixture("hello-lab", "labs/hello").write(
        "catalog.toml",
        "[[lab]]\nid = \"hello\"\ntitle = \"Hello\"\nsource = \"labs/hello\"\n",
    );
    let c1 = repo.commit("catalog");
    let url = repo.url();
    home.run(&["catalog", "add", "team", &url]).code(0);
    home.run(&["new", "team/hello", "lab", "--defaults", "--no-git"])
        .code(0);
    let lab = lab(&home);
    assert_eq!(
        super::state_source(&lab),
        (format!("{url}//labs/hello#{c1}"), c1.clone())
    );
    let path = repo.dir.join("labs/hello/lab.toml");
    std::fs::write(&path, read(path.clone()).replace("1.0.0", "1.1.0")).unwrap();
    let c2 = repo.commit("hello 1.1.0");
    home.run_in(&lab, &["update", "--check", "--offline"], &[])
        .code(0)
        .stdout_eq(str![[r#"
hello-lab: 1.0.0 is the latest

"#]]);
    home.run_in(&lab, &["update", "--check"], &[])
        .code(1)
        .stdout_eq(str![[r#"
hello-lab: 1.0.0 -> 1.1.0 available; run `labforge update`

"#]]);
    home.run_in(&lab, &["update"], &[]).code(0);
    assert_eq!(
        super::state_source(&lab),
        (format!("{url}//labs/hello#{c2}"), c2.clone())
    );
}

#[test]
fn issue_13_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched() {
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    home.run(&["new", "./sk", "lab", "--defaults", "--no-git"])
        .code(0);
    let lab = lab(&home);
    let victim = home.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let lock = lab.join(".labforge/lock");
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    for args in [&["hint"][..], &["update"], &["status"]] {
        home.run_in(&lab, args, &[])
            .code(2)
            .stdout_eq(str![])
            .redact("[LOCK]", lock.display())
            .stderr_eq(str![[r#"
error: `.labforge/lock` is a symbolic link; labforge keeps its own files in a real folder and never follows a link there
 --> [LOCK]
help: remove the link and restore .labforge/ from git (`git checkout .labforge`)

"#]]);
    }
    assert_eq!(read(victim), "precious\n");
}
