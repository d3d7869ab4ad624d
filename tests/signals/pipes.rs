//! A closed stdout (`labforge status | head -1`) is success: no panic, exit
//! 0 (or the command's own status), and `check` has saved its progress
//! before it printed. Each command runs twice: in a real shell pipe, and
//! with a stdout whose reader is already closed (so the write surely fails).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{LABFORGE, isolated_home, labforge, tempdir};

/// The `chatty` lab (two exercises whose checks pass at once).
fn chatty() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let root = tmp.path().join("lab");
    let fx = crate::support::repo_root().join("tests/signals/fixtures/chatty");
    labforge(&[
        "new",
        fx.to_str().unwrap(),
        root.to_str().unwrap(),
        "--defaults",
        "--no-git",
    ])
    .run()
    .code(0);
    (tmp, root)
}

fn command(root: &Path) -> Command {
    let home = isolated_home();
    let mut c = Command::new(LABFORGE);
    c.current_dir(root)
        .env("LABFORGE_CONFIG_DIR", home.join("config"))
        .env("LABFORGE_CACHE_DIR", home.join("cache"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// `labforge ARGS` with stdout a pipe nobody reads: (exit code, stderr).
fn closed_stdout(root: &Path, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command(root).args(args).stdout(writer).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `sh -c 'labforge ARGS | head -1; exit the status of labforge'`:
/// (labforge's exit code, the line head printed, stderr).
fn piped_to_head(root: &Path, args: &[&str]) -> (i32, String, String) {
    let script = format!(
        "{{ \"$0\" {} 2>&3; echo $? >&4; }} 3>&2 4>status | head -1",
        args.join(" ")
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(LABFORGE)
        .current_dir(root)
        .env("LABFORGE_CONFIG_DIR", isolated_home().join("config"))
        .env("LABFORGE_CACHE_DIR", isolated_home().join("cache"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let code = std::fs::read_to_string(root.join("status")).unwrap();
    std::fs::remove_file(root.join("status")).unwrap();
    (
        code.trim().parse().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn done(root: &Path) -> String {
    let state = std::fs::read_to_string(root.join(".labforge/state.toml")).unwrap();
    let done = state.split("[done]\n").nth(1).unwrap_or_default();
    done.lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split(" = ").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn issue_13_check_all_into_a_closed_pipe_saves_progress_and_exits_0() {
    let (_tmp, root) = chatty();
    let (code, stderr) = closed_stdout(&root, &["check", "--all", "--trust"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(done(&root), "01-first,02-second");

    let (_tmp, root) = chatty();
    let (code, line, stderr) = piped_to_head(&root, &["check", "--all", "--trust"]);
    assert!(code == 0 || code == 141, "exit {code}: {stderr}");
    assert_eq!(
        (line.as_str(), stderr.as_str()),
        ("PASS 01-first: First\n", "")
    );
    assert_eq!(done(&root), "01-first,02-second");
}

#[test]
fn issue_13_status_next_hint_and_list_into_a_closed_pipe_exit_0() {
    let (_tmp, root) = chatty();
    labforge(&["check", "01-first", "--trust"])
        .dir(&root)
        .run()
        .code(0);
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["hint"],
        &["list"],
        &["show", "api-client"],
    ] {
        let (code, stderr) = closed_stdout(&root, args);
        assert_eq!((code, stderr.as_str()), (0, ""), "labforge {args:?}");
        let (code, _, stderr) = piped_to_head(&root, args);
        assert!(
            code == 0 || code == 141,
            "labforge {args:?}: exit {code}: {stderr}"
        );
        assert_eq!(stderr, "", "labforge {args:?}");
    }
    // The hint was counted although nobody read it (twice: two runs).
    let state = std::fs::read_to_string(root.join(".labforge/state.toml")).unwrap();
    assert!(state.contains("[hints]\n01-first = 2\n"), "{state}");
    // `next` moves on and saves before it prints.
    let (code, stderr) = closed_stdout(&root, &["next"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let state = std::fs::read_to_string(root.join(".labforge/state.toml")).unwrap();
    assert!(state.contains("current = \"02-second\"\n"), "{state}");
}

#[test]
fn issue_13_check_watch_ends_when_nobody_reads_its_reports() {
    let (_tmp, root) = chatty();
    let (code, stderr) = closed_stdout(&root, &["check", "--watch", "--trust"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(done(&root), "01-first");
}

/// stderr is a closed pipe too (`labforge adr lint 2>&1 | head -1`):
/// messages on stderr are dropped, never a panic (exit 101); the exit code
/// is the command's own. The built-in database lab has ADR stubs, so `adr
/// lint` has findings and a summary line to write.
#[test]
fn issue_13_a_closed_stderr_is_no_panic() {
    let tmp = tempdir();
    let root = tmp.path().join("lab");
    labforge(&[
        "new",
        "database",
        root.to_str().unwrap(),
        "--track",
        "python",
        "--defaults",
        "--no-git",
    ])
    .run()
    .code(0);
    for (args, expected) in [
        (&["adr", "lint"][..], 1),
        (&["status"], 0),
        (&["next"], 1),
        (&["reset"], 2),
        (&["check", "--trust"], 2),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let err = writer.try_clone().unwrap();
        let out = command(&root)
            .args(args)
            .stdout(writer)
            .stderr(err)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(expected),
            "`labforge {}` (101 is a panic)",
            args.join(" ")
        );
    }
}
