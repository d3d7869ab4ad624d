//! The track's `setup` commands, run in order in a lab: the one runner for
//! `labforge setup` (output shown live, no time limit: the learner can stop
//! it) and `template test` (output captured, shown when a command fails,
//! each command limited in time).

use std::process::Stdio;
use std::time::Duration;

use super::{Context, exec, tools};
use crate::error::{Error, Result};

/// Where a setup command's output goes.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    /// Straight to the terminal (`labforge setup`).
    Shown,
    /// Captured; a failing command's last lines go into [`Failure::tail`].
    Captured { timeout: Duration },
}

/// A setup command that ran and failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub cmd: String,
    /// `exited with 1`, `was killed by a signal`, `timed out`.
    pub how: String,
    /// The end of its output (empty when it was shown).
    pub tail: String,
}

/// The track's setup commands, track vars expanded.
pub fn commands(cx: &Context) -> Vec<String> {
    cx.track
        .as_ref()
        .and_then(|t| cx.manifest().track.get(t))
        .map(|t| t.setup.iter().map(|c| cx.expand(c)).collect())
        .unwrap_or_default()
}

/// Runs the setup commands in order and stops at the first that fails
/// (`Ok(Err(failure))`). `Err` means one could not start (a missing tool).
/// `announce` is called before each command.
pub fn run(
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
                let status = exec::shell(cmd, &cx.root, &cx.env)
                    .stdout(Stdio::inherit())
                    .stderr(Stdio::inherit())
                    .status()
                    .map_err(|e| Error::new(format!("could not run `{cmd}`: {e}")))?;
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

fn how(code: Option<i32>, timed_out: bool) -> String {
    match (timed_out, code) {
        (true, _) => "timed out".into(),
        (false, Some(c)) => format!("exited with {c}"),
        (false, None) => "was killed by a signal".into(),
    }
}
