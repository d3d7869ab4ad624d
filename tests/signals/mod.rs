//! Integration tests: Ctrl-C and other signals, and closed pipes (`pipes`)
//! (issue 13). Each test runs
//! labforge on a real terminal (a tmux pane), presses Ctrl-C there, then
//! proves that no process of the lab is left (a scan of /proc for processes
//! whose folder or command line is in the lab), that the port the lab's
//! service held is free within 5 s, that labforge printed its one line and
//! exited 130, and that it saved what it had or left no staging folder.
//!
//! The fixture lab `stubborn` (python3) ignores SIGTERM and SIGINT in its
//! service, its endless check and its setup command (which starts a child
//! that ignores them too), so only labforge's SIGKILL stops them.

mod pipes;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{LABFORGE, isolated_home, labforge, require_tool, tempdir};

fn fixture() -> PathBuf {
    crate::support::repo_root().join("tests/signals/fixtures/stubborn")
}

/// The `stubborn` lab generated into a fresh folder, plus a folder for the
/// markers its processes write once they run.
struct Lab {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    markers: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let tmp = tempdir();
        let root = tmp.path().join("lab");
        let markers = tmp.path().join("markers");
        std::fs::create_dir(&markers).unwrap();
        labforge(&[
            "new",
            fixture().to_str().unwrap(),
            root.to_str().unwrap(),
            "--defaults",
            "--no-git",
        ])
        .run()
        .code(0);
        Lab {
            _tmp: tmp,
            root,
            markers,
        }
    }

    /// Waits until the process `mode` of stubborn.py wrote its marker.
    #[track_caller]
    fn wait_marker(&self, mode: &str, pane: &Pane) {
        let path = self.markers.join(mode);
        assert!(
            wait_until(Duration::from_secs(60), || path.exists()),
            "`stubborn.py {mode}` did not start; the terminal shows:\n{}",
            pane.screen()
        );
    }
}

/// A tmux server of its own (private socket) running one command in a pane.
struct Pane {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Pane {
    /// Runs `labforge ARGS` in `cwd` on a terminal, with `env`. When it
    /// exits, the pane shows `exit=CODE` (the shell around it traps the
    /// signals, so it survives Ctrl-C and reports).
    fn start(cwd: &Path, args: &[&str], env: &[(&str, String)]) -> Pane {
        let dir = tempdir();
        let socket = dir.path().join("tmux.sock");
        let home = isolated_home();
        let mut vars = vec![
            format!(
                "LABFORGE_CONFIG_DIR={}",
                quote(&home.join("config").display().to_string())
            ),
            format!(
                "LABFORGE_CACHE_DIR={}",
                quote(&home.join("cache").display().to_string())
            ),
            "NO_COLOR=1".to_string(),
        ];
        vars.extend(env.iter().map(|(k, v)| format!("{k}={}", quote(v))));
        let words: Vec<String> = args.iter().map(|a| quote(a)).collect();
        let script = format!(
            "trap true INT TERM; cd {} && env {} {} {} 2>&1; rc=$?; cd /; echo exit=$rc; exec sleep 600",
            quote(&cwd.display().to_string()),
            vars.join(" "),
            quote(LABFORGE),
            words.join(" ")
        );
        // In a file: the tmux server's command line must not name the lab.
        let file = dir.path().join("run.sh");
        std::fs::write(&file, script).unwrap();
        let status = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "160",
                "-y",
                "50",
            ])
            .arg("sh")
            .arg(&file)
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Pane { socket, _dir: dir }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn ctrl_c(&self) {
        self.tmux(&["send-keys", "-t", "t", "C-c"]);
    }

    /// What the terminal shows (with its scrollback), blank lines dropped.
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t", "-S", "-200"])
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("{}\n", l.trim_end()))
            .collect()
    }

    /// Waits for labforge to exit; returns the screen.
    #[track_caller]
    fn wait_exit(&self, timeout: Duration) -> String {
        wait_until(timeout, || self.screen().contains("exit="));
        self.screen()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Single-quotes a word for sh.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Live processes (not zombies) whose current folder or command line is in
/// `root`: "pid: command line".
fn lab_processes(root: &Path) -> Vec<String> {
    let root_text = root.display().to_string();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        let zombie = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|s| {
                s.rfind(')')
                    .map(|i| s[i + 1..].trim_start().starts_with('Z'))
            })
            .unwrap_or(true);
        if zombie || pid == std::process::id() {
            continue;
        }
        let cmdline = std::fs::read(dir.join("cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        let in_lab = std::fs::read_link(dir.join("cwd")).is_ok_and(|c| c.starts_with(root))
            || cmdline.contains(&root_text);
        if in_lab {
            out.push(format!("{pid}: {}", cmdline.trim_end()));
        }
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn port_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn tools() -> bool {
    require_tool("tmux") && require_tool("python3")
}

/// Ctrl-C during `check`, then: nothing of the lab runs, the port is free
/// within 5 s, one line, exit 130.
fn ctrl_c_during_check(lab: &Lab, args: &[&str]) -> String {
    let port = free_port();
    let pane = Pane::start(
        &lab.root,
        args,
        &[
            ("STUBBORN_PORT", port.to_string()),
            ("STUBBORN_MARKERS", lab.markers.display().to_string()),
        ],
    );
    lab.wait_marker("serve", &pane);
    lab.wait_marker("client", &pane);
    assert!(!port_free(port), "the service does not hold its port");
    pane.ctrl_c();
    let pressed = Instant::now();
    let clean = wait_until(Duration::from_secs(5), || {
        lab_processes(&lab.root).is_empty() && port_free(port)
    });
    assert!(
        clean,
        "5 s after Ctrl-C: processes of the lab {:?}, port {port} free: {}\n{}",
        lab_processes(&lab.root),
        port_free(port),
        pane.screen()
    );
    eprintln!("everything stopped {:?} after Ctrl-C", pressed.elapsed());
    pane.wait_exit(Duration::from_secs(10))
}

#[test]
fn issue_13_ctrl_c_during_check_stops_a_service_that_ignores_sigterm() {
    if !tools() {
        return;
    }
    let lab = Lab::new();
    let screen = ctrl_c_during_check(&lab, &["check", "--all", "--trust"]);
    assert!(
        // The terminal echoes ^C where the cursor was: on the live
        // progress line, which is then cleared.
        screen.ends_with("interrupted: stopped 2 commands; nothing was left running\nexit=130\n")
            && !screen.contains("fail     02-forever"),
        "{screen}"
    );
    // What ran to the end was saved: 01-quick passed before the Ctrl-C.
    let state = std::fs::read_to_string(lab.root.join(".labforge/state.toml")).unwrap();
    let done = state.split("[done]\n").nth(1).unwrap_or_default();
    assert!(done.starts_with("01-quick = "), "{state}");
    assert!(!done.contains("02-forever"), "{state}");
}

#[test]
fn issue_13_ctrl_c_during_check_watch_stops_everything() {
    if !tools() {
        return;
    }
    let lab = Lab::new();
    let screen = ctrl_c_during_check(&lab, &["check", "02-forever", "--watch", "--trust"]);
    assert!(
        // The terminal echoes ^C where the cursor was: on the live
        // progress line, which is then cleared.
        screen.ends_with("interrupted: stopped 2 commands; nothing was left running\nexit=130\n")
            && !screen.contains("fail     02-forever"),
        "{screen}"
    );
}

#[test]
fn issue_13_ctrl_c_while_check_watch_waits_ends_it() {
    if !tools() {
        return;
    }
    let lab = Lab::new();
    let pane = Pane::start(&lab.root, &["check", "01-quick", "--watch", "--trust"], &[]);
    assert!(
        wait_until(Duration::from_secs(60), || pane
            .screen()
            .contains("watching for changes")),
        "{}",
        pane.screen()
    );
    pane.ctrl_c();
    let screen = pane.wait_exit(Duration::from_secs(5));
    assert!(
        screen.ends_with("^Cinterrupted: nothing was running\nexit=130\n"),
        "{screen}"
    );
    assert!(
        lab_processes(&lab.root).is_empty(),
        "{:?}",
        lab_processes(&lab.root)
    );
}

#[test]
fn issue_13_ctrl_c_during_setup_stops_a_command_that_ignores_it() {
    if !tools() {
        return;
    }
    let lab = Lab::new();
    let pane = Pane::start(
        &lab.root,
        &["setup", "--trust"],
        &[("STUBBORN_MARKERS", lab.markers.display().to_string())],
    );
    lab.wait_marker("setup", &pane);
    // The setup command's child (`sleep 1000`) runs too.
    assert!(
        wait_until(Duration::from_secs(10), || lab_processes(&lab.root)
            .iter()
            .any(|p| p.ends_with("sleep 1000"))),
        "{:?}",
        lab_processes(&lab.root)
    );
    // Issue 17: a spinner line names the running command and its time.
    assert!(
        wait_until(Duration::from_secs(5), || spinner_line(&pane.screen())
            .is_some_and(|l| l.ends_with("s)"))),
        "{}",
        pane.screen()
    );
    pane.ctrl_c();
    let clean = wait_until(Duration::from_secs(5), || {
        lab_processes(&lab.root).is_empty()
    });
    assert!(
        clean,
        "5 s after Ctrl-C: {:?}\n{}",
        lab_processes(&lab.root),
        pane.screen()
    );
    let screen = pane.wait_exit(Duration::from_secs(10));
    assert!(
        screen.ends_with(
            "$ python3 -B stubborn.py setup\ninterrupted: stopped 1 command; nothing was left running\nexit=130\n"
        ),
        "{screen}"
    );
}

/// The spinner line of a running setup command on `screen`
/// (`⠙ setup: CMD (Ns)`), if one is shown.
fn spinner_line(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find(|l| l.contains(" setup: python3 -B stubborn.py setup ("))
}

#[test]
fn issue_17_setup_shows_a_spinner_with_the_command_and_clears_it() {
    if !tools() {
        return;
    }
    // The `slow-setup` lab's setup prints a line every 0.3 s, then succeeds:
    // its output scrolls above the spinner, which is gone at the end.
    let tmp = tempdir();
    let root = tmp.path().join("lab");
    labforge(&[
        "new",
        crate::support::repo_root()
            .join("tests/signals/fixtures/slow-setup")
            .to_str()
            .unwrap(),
        root.to_str().unwrap(),
        "--defaults",
        "--no-git",
    ])
    .run()
    .code(0);
    let pane = Pane::start(&root, &["setup", "--trust"], &[]);
    let spinner = |screen: &str| {
        screen.lines().any(|l| {
            l.contains(" setup: for i in 1 2 3 4 5 6 7 8; do echo step $i; sleep 0.3; done (")
        })
    };
    assert!(
        wait_until(Duration::from_secs(20), || spinner(&pane.screen())),
        "no spinner line:\n{}",
        pane.screen()
    );
    let screen = pane.wait_exit(Duration::from_secs(20));
    assert_eq!(
        screen,
        "$ for i in 1 2 3 4 5 6 7 8; do echo step $i; sleep 0.3; done
step 1
step 2
step 3
step 4
step 5
step 6
step 7
step 8
set up: run `labforge check` to check the first exercise
exit=0
"
    );
}

/// The `.labforge-*` folders of `parent` (staging left behind).
fn staging_in(parent: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".labforge-"))
        .collect();
    names.sort();
    names
}

#[test]
fn issue_13_ctrl_c_during_new_leaves_no_staging_folder() {
    if !require_tool("tmux") {
        return;
    }
    let parent = tempdir();
    let dest = parent.path().join("lab");
    let pane = Pane::start(
        parent.path(),
        &["new", fixture().to_str().unwrap(), "lab", "--defaults"],
        &[("LABFORGE_NEW_PAUSE_MS", "60000".to_string())],
    );
    // The staging folder is complete (state and git repository) when the
    // pause starts.
    assert!(
        wait_until(Duration::from_secs(30), || staging_in(parent.path())
            .first()
            .is_some_and(|s| parent
                .path()
                .join(s)
                .join(".labforge/state.toml")
                .exists())),
        "no staging folder appeared: {:?}\n{}",
        staging_in(parent.path()),
        pane.screen()
    );
    pane.ctrl_c();
    let screen = pane.wait_exit(Duration::from_secs(5));
    assert!(
        screen.ends_with("^Cinterrupted: nothing was running\nexit=130\n"),
        "{screen}"
    );
    assert_eq!(staging_in(parent.path()), Vec::<String>::new());
    assert!(!dest.exists());
}

#[test]
fn issue_13_a_killed_new_leaves_a_staging_folder_the_next_new_removes() {
    let parent = tempdir();
    let home = isolated_home();
    let mut child = Command::new(LABFORGE)
        .args([
            "new",
            fixture().to_str().unwrap(),
            "first",
            "--defaults",
            "--no-git",
        ])
        .current_dir(parent.path())
        .env("LABFORGE_CONFIG_DIR", home.join("config"))
        .env("LABFORGE_CACHE_DIR", home.join("cache"))
        .env("LABFORGE_NEW_PAUSE_MS", "60000")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staged = wait_until(Duration::from_secs(30), || {
        staging_in(parent.path())
            .first()
            .is_some_and(|s| parent.path().join(s).join(".labforge/state.toml").exists())
    });
    child.kill().unwrap(); // SIGKILL: no cleanup is possible
    child.wait().unwrap();
    assert!(staged, "no staging folder appeared");
    let left = staging_in(parent.path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(&format!(".labforge-new-{}-", child.id())),
        "the staging folder names its process: {left:?}"
    );
    // A staging folder of a live labforge (this test's pid) is not touched.
    let live = format!(".labforge-new-{}-busy", std::process::id());
    std::fs::create_dir(parent.path().join(&live)).unwrap();
    labforge(&[
        "new",
        fixture().to_str().unwrap(),
        "second",
        "--defaults",
        "--no-git",
    ])
    .dir(parent.path())
    .run()
    .code(0);
    assert_eq!(staging_in(parent.path()), vec![live]);
    assert!(parent.path().join("second/.labforge/state.toml").exists());
    assert!(!parent.path().join("first").exists());
}

/// `kill -TERM` (no terminal): the same cleanup, exit 143.
fn sigterm(lab: &Lab, args: &[&str], markers: &[&str], port: u16) -> (i32, String) {
    let home = isolated_home();
    let child = Command::new(LABFORGE)
        .args(args)
        .current_dir(&lab.root)
        .env("LABFORGE_CONFIG_DIR", home.join("config"))
        .env("LABFORGE_CACHE_DIR", home.join("cache"))
        .env("STUBBORN_MARKERS", &lab.markers)
        .env("STUBBORN_PORT", port.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for m in markers {
        let path = lab.markers.join(m);
        assert!(
            wait_until(Duration::from_secs(60), || path.exists()),
            "{m} did not start"
        );
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let clean = wait_until(Duration::from_secs(5), || {
        lab_processes(&lab.root).is_empty() && port_free(port)
    });
    assert!(clean, "5 s after SIGTERM: {:?}", lab_processes(&lab.root));
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn issue_13_sigterm_during_check_stops_everything_and_exits_143() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new();
    let port = free_port();
    let (code, stderr) = sigterm(
        &lab,
        &["check", "02-forever", "--trust"],
        &["serve", "client"],
        port,
    );
    assert_eq!(
        (code, stderr.as_str()),
        (
            143,
            "interrupted: stopped 2 commands; nothing was left running\n"
        )
    );
}

#[test]
fn issue_13_sigterm_during_setup_is_passed_on_and_exits_143() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new();
    let port = free_port();
    let (code, stderr) = sigterm(&lab, &["setup", "--trust"], &["setup"], port);
    assert_eq!(
        (code, stderr.as_str()),
        (
            143,
            "$ python3 -B stubborn.py setup\ninterrupted: stopped 1 command; nothing was left running\n"
        )
    );
}

#[test]
fn issue_13_a_second_ctrl_c_stops_everything_at_once_with_one_line() {
    if !tools() {
        return;
    }
    let lab = Lab::new();
    let pane = Pane::start(
        &lab.root,
        &["setup", "--trust"],
        &[("STUBBORN_MARKERS", lab.markers.display().to_string())],
    );
    lab.wait_marker("setup", &pane);
    pane.ctrl_c();
    std::thread::sleep(Duration::from_millis(300));
    pane.ctrl_c();
    let clean = wait_until(Duration::from_secs(5), || {
        lab_processes(&lab.root).is_empty()
    });
    assert!(clean, "{:?}\n{}", lab_processes(&lab.root), pane.screen());
    let screen = pane.wait_exit(Duration::from_secs(5));
    assert!(
        screen.ends_with(
            "$ python3 -B stubborn.py setup\ninterrupted: stopped 1 command; nothing was left running\nexit=130\n"
        ),
        "{screen}"
    );
}

/// Live processes whose environment names `marker` (unique to one test).
fn processes_with_env(marker: &Path) -> Vec<String> {
    let needle = marker.display().to_string();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let zombie = std::fs::read_to_string(entry.path().join("stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(true);
        if !zombie
            && pid != std::process::id()
            && String::from_utf8_lossy(&environ).contains(&needle)
        {
            out.push(pid.to_string());
        }
    }
    out
}

#[test]
fn issue_13_ctrl_c_during_template_test_stops_its_setup_and_removes_its_folder() {
    if !tools() {
        return;
    }
    let tmp = tempdir();
    let markers = tmp.path().join("markers");
    let private_tmp = tmp.path().join("tmp");
    std::fs::create_dir(&markers).unwrap();
    std::fs::create_dir(&private_tmp).unwrap();
    let pane = Pane::start(
        tmp.path(),
        &["template", "test", fixture().to_str().unwrap(), "--trust"],
        &[
            ("STUBBORN_MARKERS", markers.display().to_string()),
            ("TMPDIR", private_tmp.display().to_string()),
        ],
    );
    assert!(
        wait_until(Duration::from_secs(60), || markers.join("setup").exists()),
        "{}",
        pane.screen()
    );
    pane.ctrl_c();
    let clean = wait_until(Duration::from_secs(5), || {
        processes_with_env(&markers).is_empty()
    });
    assert!(
        clean,
        "{:?}\n{}",
        processes_with_env(&markers),
        pane.screen()
    );
    let screen = pane.wait_exit(Duration::from_secs(10));
    assert!(
        screen.ends_with("^Cinterrupted: stopped 1 command; nothing was left running\nexit=130\n"),
        "{screen}"
    );
    let left: Vec<_> = std::fs::read_dir(&private_tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
