//! The track's `setup` commands, run in order in a lab: the one runner for
//! `labforge setup` (output shown live, no time limit: the learner can stop
//! it) and `template test` (output captured, shown when a command fails,
//! each command limited in time).

use std::process::Stdio;
use std::time::Duration;

use super::Context;
use crate::error::{Error, Result};
use crate::{exec, tools};

/// Where a setup command's output goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Output {
    /// Straight to the terminal (`labforge setup`).
    Shown,
    /// Captured; a failing command's last lines go into [`Failure::tail`].
    Captured { timeout: Duration },
}

/// A setup command that ran and failed.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) cmd: String,
    /// `exited with 1`, `was killed by a signal`, `timed out`.
    pub(crate) how: String,
    /// The end of its output (empty when it was shown).
    pub(crate) tail: String,
}

/// The track's setup commands, track vars expanded.
pub(crate) fn commands(cx: &Context) -> Vec<String> {
    cx.track
        .as_ref()
        .and_then(|t| cx.manifest().track.get(t))
        .map(|t| t.setup.iter().map(|c| cx.expand(c)).collect())
        .unwrap_or_default()
}

/// `labforge setup`: runs the track's setup commands with their output
/// shown, `announce` before each. `Ok(false)` when the track has none; a
/// command that fails is an error that names it.
pub(crate) fn run_shown(cx: &Context, announce: impl FnMut(&str)) -> Result<bool> {
    if commands(cx).is_empty() {
        return Ok(false);
    }
    if let Err(f) = run(cx, Output::Shown, announce)? {
        return Err(
            Error::new(format!("the setup command `{}` {}", f.cmd, f.how))
                .with_help("fix the problem shown above, then run `labforge setup` again"),
        );
    }
    Ok(true)
}

/// Runs the setup commands in order and stops at the first that fails
/// (`Ok(Err(failure))`). `Err` means one could not start (a missing tool).
/// `announce` is called before each command.
pub(crate) fn run(
    cx: &Context,
    output: Output,
    mut announce: impl FnMut(&str),
) -> Result<std::result::Result<usize, Failure>> {
    let cmds = commands(cx);
    let what = format!(
        "the setup of the `{}` track",
        cx.track.as_deref().unwrap_or("-")
    );
    for cmd in &cmds {
        tools::check_command(cmd, &what, &cx.root)?;
        announce(cmd);
        let failure = match output {
            Output::Shown => {
                let status = run_in_foreground(cmd, &cx.root, &cx.env)?;
                (!status.success()).then(|| (how(status.code(), false), String::new()))
            }
            Output::Captured { timeout } => {
                let fin = exec::run_shell(cmd, &cx.root, &cx.env, timeout)?;
                (fin.code != Some(0) || fin.timed_out).then(|| {
                    (
                        how(fin.code, fin.timed_out),
                        fin.tail().trim_end().to_string(),
                    )
                })
            }
        };
        if let Some((how, tail)) = failure {
            return Ok(Err(Failure {
                cmd: cmd.clone(),
                how,
                tail,
            }));
        }
    }
    Ok(Ok(cmds.len()))
}

/// Runs one setup command with its output streaming, in labforge's own
/// process group: it is in the terminal's foreground group, so Ctrl-C
/// reaches pip or cargo directly (labforge waits for them, then exits 130;
/// see `interrupt`, which also stops a command that ignores Ctrl-C).
///
/// On a terminal its output comes through a pipe and is printed above a
/// spinner line naming the command and the time so far (`live::SetupLine`),
/// cleared when it ends or on Ctrl-C; elsewhere the command writes to
/// labforge's stdout and stderr itself.
fn run_in_foreground(
    cmd: &str,
    root: &std::path::Path,
    env: &exec::Env,
) -> Result<std::process::ExitStatus> {
    crate::interrupt::check()?;
    let spinner = super::live::SetupLine::wanted();
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .current_dir(root)
        .envs(env)
        .stdin(Stdio::null());
    let pipe_error = |e: std::io::Error| Error::new(format!("could not run `{cmd}`: {e}"));
    let output = if spinner {
        // Python block-buffers a pipe: pip's lines would only come at the
        // end. (cargo writes its progress to stderr, unbuffered.)
        if !env.contains_key("PYTHONUNBUFFERED") && std::env::var_os("PYTHONUNBUFFERED").is_none() {
            command.env("PYTHONUNBUFFERED", "1");
        }
        let (reader, writer) = std::io::pipe().map_err(pipe_error)?;
        command
            .stdout(writer.try_clone().map_err(pipe_error)?)
            .stderr(writer);
        Some(reader)
    } else {
        command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
        None
    };
    let spawned = command.spawn();
    // Our copies of the pipe's write end: the pipe ends when the command's do.
    drop(command);
    let mut child = spawned.map_err(|e| Error::new(format!("could not run `{cmd}`: {e}")))?;
    let pid = child.id() as i32;
    if let Err(e) = crate::interrupt::register_foreground(pid) {
        let _ = child.wait();
        return Err(e);
    }
    let status = match output {
        Some(reader) => follow(cmd, &mut child, reader),
        None => child.wait(),
    };
    crate::interrupt::forget_foreground(pid);
    let status = status.map_err(|e| Error::new(format!("could not wait for `{cmd}`: {e}")))?;
    crate::interrupt::check()?;
    Ok(status)
}

/// Prints the command's output (from `reader`) above its spinner line until
/// it exits, then what it still wrote (at most [`DRAIN`] more: something it
/// left running in the background may hold the pipe open).
fn follow(
    cmd: &str,
    child: &mut std::process::Child,
    reader: std::io::PipeReader,
) -> std::io::Result<std::process::ExitStatus> {
    use std::io::BufRead;
    use std::sync::mpsc::{RecvTimeoutError, channel};

    const DRAIN: Duration = Duration::from_millis(500);
    let (tx, rx) = channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(reader);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut line = super::live::SetupLine::start(cmd);
    let mut exited: Option<(std::process::ExitStatus, std::time::Instant)> = None;
    loop {
        let ended = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                line.print(text.trim_end_matches(['\n', '\r']));
                false
            }
            Err(RecvTimeoutError::Disconnected) => {
                // The pipe is closed: wait for the exit without spinning.
                if exited.is_none() {
                    std::thread::sleep(Duration::from_millis(20));
                }
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
        };
        // Ctrl-C: the command is stopping; its last words print plainly.
        if crate::interrupt::requested().is_some() {
            line.clear();
        }
        if exited.is_none()
            && let Some(status) = child.try_wait()?
        {
            exited = Some((status, std::time::Instant::now()));
        }
        if let Some((status, at)) = exited
            && (ended || at.elapsed() >= DRAIN)
        {
            line.clear();
            return Ok(status);
        }
    }
}

fn how(code: Option<i32>, timed_out: bool) -> String {
    match (timed_out, code) {
        (true, _) => "timed out".into(),
        (false, Some(c)) => format!("exited with {c}"),
        (false, None) => "was killed by a signal".into(),
    }
}
