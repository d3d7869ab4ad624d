//! Progress while checks and setup commands run, on stderr: on a terminal
//! one line per running check (a spinner, what runs, the time so far) that
//! is replaced by its verdict; with `TERM=dumb` plain lines; off a terminal
//! nothing (the report on stdout says it all, and tests see it unchanged).

use std::io::IsTerminal;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A spinner updated in place.
    Live,
    /// One plain line when a check starts and one when it ends.
    Plain,
    /// Nothing.
    Quiet,
}

/// The mode for this process's stderr.
pub fn mode() -> Mode {
    if !std::io::stderr().is_terminal() {
        Mode::Quiet
    } else if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        Mode::Plain
    } else {
        Mode::Live
    }
}

fn spinner(msg: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(msg);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// The progress line of one running check.
pub struct CheckLine {
    bar: Option<ProgressBar>,
    label: String,
    mode: Mode,
}

impl CheckLine {
    /// Shows that check `id` of `exercise` runs; `note` says why it may take
    /// long (a first build).
    pub fn start(exercise: &str, id: &str, note: Option<&str>) -> CheckLine {
        let mode = mode();
        let label = format!("{exercise} / {id}");
        let what = match note {
            Some(n) => format!("checking {label}: {n}"),
            None => format!("checking {label}"),
        };
        let bar = match mode {
            Mode::Live => Some(spinner(what)),
            Mode::Plain => {
                eprintln!("{what} …");
                None
            }
            Mode::Quiet => None,
        };
        CheckLine { bar, label, mode }
    }

    /// Replaces the line by the check's verdict.
    /// After Ctrl-C the check was stopped, not judged: its line is cleared
    /// and the one `interrupted:` line says what happened.
    pub fn finish(self, verdict: &str, took: Duration) {
        if self.mode == Mode::Quiet {
            return;
        }
        if crate::interrupt::requested().is_some() {
            if let Some(bar) = self.bar {
                bar.finish_and_clear();
            }
            return;
        }
        let line = format!(
            "{verdict:<8} {} [{}]",
            self.label,
            super::exec::human_duration(took)
        );
        match self.bar {
            Some(bar) => {
                bar.finish_and_clear();
                eprintln!("{line}");
            }
            None => eprintln!("{line}"),
        }
    }
}

/// Why the check running `cmd` may take long: the first build of a Rust
/// track (no build folder yet).
pub fn build_note(cmd: &str, target_dir: &std::path::Path) -> Option<&'static str> {
    let cargo = cmd.split_whitespace().any(|w| w == "cargo");
    (cargo && !target_dir.join("debug").is_dir())
        .then_some("compiling first (the first build of a Rust track takes a minute)")
}

/// Runs a setup command. On a terminal its output is passed through line by
/// line above a spinner naming the command (so a silent `cargo build -q`
/// does not look hung); elsewhere it inherits stdout and stderr.
pub fn run_streamed(mut command: Command, name: &str) -> std::io::Result<ExitStatus> {
    if mode() != Mode::Live {
        return command
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status();
    }
    let bar = spinner(format!("running `{name}`"));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut readers = Vec::new();
    let streams: [Option<Box<dyn std::io::Read + Send>>; 2] = [
        child.stdout.take().map(|s| Box::new(s) as _),
        child.stderr.take().map(|s| Box::new(s) as _),
    ];
    for stream in streams.into_iter().flatten() {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);
    let started = Instant::now();
    // Lines are printed above the spinner until both streams close, or 2 s
    // after the command exited (a daemon it started may hold them open).
    let mut exited: Option<(ExitStatus, Instant)> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => bar.println(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if exited.is_none() {
            exited = child.try_wait()?.map(|s| (s, Instant::now()));
        }
        if exited.is_some_and(|(_, at)| at.elapsed() > Duration::from_secs(2)) {
            break;
        }
    }
    let status = match exited {
        Some((s, _)) => s,
        None => child.wait()?,
    };
    for r in readers.into_iter().filter(|r| r.is_finished()) {
        let _ = r.join();
    }
    bar.finish_and_clear();
    let verdict = if status.success() { "done" } else { "failed" };
    eprintln!(
        "{verdict} `{name}` [{}]",
        super::exec::human_duration(started.elapsed())
    );
    Ok(status)
}
