//! Progress while checks run, on stderr: on a terminal
//! one line per running check (a spinner, what runs, the time so far) that
//! is replaced by its verdict; with `TERM=dumb` plain lines; off a terminal
//! nothing (the report on stdout says it all, and tests see it unchanged).
//! The same kind of line shows the running `setup` command ([`SetupLine`]).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A spinner updated in place.
    Live,
    /// One plain line when a check starts and one when it ends.
    Plain,
    /// Nothing.
    Quiet,
}

/// The mode for this process's stderr.
pub(crate) fn mode() -> Mode {
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
pub(crate) struct CheckLine {
    bar: Option<ProgressBar>,
    label: String,
    mode: Mode,
}

impl CheckLine {
    /// Shows that check `id` of `exercise` runs; `note` says why it may take
    /// long (a first build).
    pub(crate) fn start(exercise: &str, id: &str, note: Option<&str>) -> CheckLine {
        let mode = mode();
        let label = format!("{exercise} / {id}");
        let what = match note {
            Some(n) => format!("checking {label}: {n}"),
            None => format!("checking {label}"),
        };
        let bar = match mode {
            Mode::Live => Some(spinner(what)),
            Mode::Plain => {
                crate::eoutln!("{what} …");
                None
            }
            Mode::Quiet => None,
        };
        CheckLine { bar, label, mode }
    }

    /// Replaces the line by the check's verdict.
    /// After Ctrl-C the check was stopped, not judged: its line is cleared
    /// and the one `interrupted:` line says what happened.
    pub(crate) fn finish(self, verdict: &str, took: Duration) {
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
            crate::exec::human_duration(took)
        );
        match self.bar {
            Some(bar) => {
                bar.finish_and_clear();
                crate::eoutln!("{line}");
            }
            None => crate::eoutln!("{line}"),
        }
    }
}

/// The one line under a running setup command's output, on a terminal:
/// `⠙ setup: cargo build (12s)`. The command's output is printed above it
/// ([`SetupLine::print`]); the line is cleared when the command ends or on
/// Ctrl-C ([`SetupLine::clear`]). While it is up, the one `interrupted:`
/// line is written over it (`interrupt::set_live_line`).
///
/// Drawn here rather than with indicatif, which pads its line to the full
/// width of the terminal: the `^C` the terminal echoes would then wrap onto
/// a new line and the spinner could not be cleared. This line stays short
/// of the right edge (the command is cut with `…`), so the echo lands on it
/// and clearing it clears the echo too.
pub(crate) struct SetupLine {
    shared: std::sync::Arc<std::sync::Mutex<SetupState>>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

struct SetupState {
    cmd: String,
    started: std::time::Instant,
    frame: usize,
    shown: bool,
}

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/// Columns kept free at the right edge: the terminal's `^C` echo fits.
const ECHO_ROOM: usize = 3;

impl SetupState {
    /// Redraws the line in place (the cursor stays at its end).
    fn draw(&mut self, out: &mut impl std::io::Write) {
        if !self.shown {
            return;
        }
        let width = console::Term::stderr()
            .size_checked()
            .map_or(80, |(_, cols)| usize::from(cols));
        let secs = Duration::from_secs(self.started.elapsed().as_secs());
        let tail = format!(" ({})", super::exec::human_duration(secs));
        let head = format!("{} setup: ", FRAMES[self.frame % FRAMES.len()]);
        let room = width
            .saturating_sub(ECHO_ROOM + console::measure_text_width(&head) + tail.len())
            .max(1);
        let cmd = console::truncate_str(&self.cmd, room, "…");
        let _ = write!(out, "\r\x1b[2K{head}{cmd}{tail}");
        let _ = out.flush();
    }
}

impl SetupLine {
    /// Whether setup output can run under a spinner: stdout and stderr are
    /// both a terminal (else the command writes to them directly).
    pub(crate) fn wanted() -> bool {
        mode() == Mode::Live && std::io::stdout().is_terminal()
    }

    pub(crate) fn start(cmd: &str) -> SetupLine {
        let shared = std::sync::Arc::new(std::sync::Mutex::new(SetupState {
            cmd: cmd.split_whitespace().collect::<Vec<_>>().join(" "),
            started: std::time::Instant::now(),
            frame: 0,
            shown: true,
        }));
        crate::interrupt::set_live_line(true);
        let state = shared.clone();
        let ticker = std::thread::spawn(move || {
            loop {
                {
                    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                    if !s.shown {
                        return;
                    }
                    s.frame += 1;
                    s.draw(&mut std::io::stderr().lock());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        SetupLine {
            shared,
            ticker: Some(ticker),
        }
    }

    /// Prints one line of the command's output above the spinner (or
    /// plainly once it was cleared).
    pub(crate) fn print(&self, line: &str) {
        let mut s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        if s.shown {
            let _ = writeln!(err, "\r\x1b[2K{line}");
            s.draw(&mut err);
        } else {
            let _ = writeln!(err, "{line}");
        }
    }

    /// Removes the spinner line (again: no-op).
    pub(crate) fn clear(&mut self) {
        {
            let mut s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            if s.shown {
                s.shown = false;
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            }
        }
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SetupLine {
    fn drop(&mut self) {
        self.clear();
        // After a signal the line stays marked: the `interrupted:` line is
        // written over whatever the terminal echoed there (`^C`).
        if crate::interrupt::requested().is_none() {
            crate::interrupt::set_live_line(false);
        }
    }
}

/// Why the check running `cmd` may take long: the first build of a Rust
/// track (no build folder yet).
pub(crate) fn build_note(cmd: &str, target_dir: &std::path::Path) -> Option<&'static str> {
    let cargo = cmd.split_whitespace().any(|w| w == "cargo");
    (cargo && !target_dir.join("debug").is_dir())
        .then_some("compiling first (the first build of a Rust track takes a minute)")
}
