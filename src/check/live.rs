//! Progress while checks run, on stderr: on a terminal
//! one line per running check (a spinner, what runs, the time so far) that
//! is replaced by its verdict; with `TERM=dumb` plain lines; off a terminal
//! nothing (the report on stdout says it all, and tests see it unchanged).

use std::io::IsTerminal;
use std::time::Duration;

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
