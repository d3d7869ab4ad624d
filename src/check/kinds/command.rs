//! `kind = "command"`: a shell command that must exit with `exit` (default 0),
//! optionally with stdout matching regexes or holding a JSON subset.

use regex::Regex;

use super::{Job, Outcome, json};
use crate::check::{Context, services};
use crate::error::{Error, Result};
use crate::{exec, tools};

/// The command a check runs for the context's track, expanded.
pub(crate) fn command_of(cx: &Context, job: &Job) -> Option<String> {
    let run = job.check.run.as_ref()?;
    run.for_track(cx.track.as_deref()).map(|c| cx.expand(c))
}

pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    let Some(cmd) = command_of(cx, job) else {
        return Ok(Outcome::skipped(format!(
            "no command for the `{}` track",
            cx.track.as_deref().unwrap_or("-")
        )));
    };
    let dir = cx.check_dir(job.check);
    tools::check_command(&cmd, &format!("check `{}`", job.id), &dir)?;
    let mut env = cx.check_env(job.check);
    env.extend(services::exports(job.services));
    let fin = exec::run_shell(&cmd, &dir, &env, job.timeout)?;
    if fin.timed_out {
        return Ok(Outcome::error(format!(
            "`{cmd}` did not finish within {} and was stopped",
            exec::human_duration(job.timeout)
        ))
        .with_output(fin.tail()));
    }
    let want = job.check.exit.unwrap_or(0);
    if fin.code != Some(want) {
        let got = fin.code.map_or("was killed by a signal".to_string(), |c| {
            format!("exited with {c}")
        });
        return Ok(Outcome::fail(format!("`{cmd}` {got} (expected {want})"))
            .with_output(fin.tail())
            .with_assertions_of(&fin.merged));
    }
    for re in &job.check.stdout_matches {
        let r =
            Regex::new(re).map_err(|e| Error::new(format!("`{re}` is not a valid regex: {e}")))?;
        if !r.is_match(&fin.stdout) {
            return Ok(
                Outcome::fail(format!("the output of `{cmd}` does not match `{re}`"))
                    .with_output(fin.tail()),
            );
        }
    }
    if let Some(want) = &job.check.stdout_json {
        let got: serde_json::Value = match serde_json::from_str(fin.stdout.trim()) {
            Ok(v) => v,
            Err(e) => {
                return Ok(
                    Outcome::fail(format!("the output of `{cmd}` is not JSON: {e}"))
                        .with_output(fin.tail()),
                );
            }
        };
        if let Some(diff) = json::subset_mismatch(&json::from_toml(want), &got, "") {
            return Ok(
                Outcome::fail(format!("the JSON printed by `{cmd}` differs: {diff}"))
                    .with_output(fin.tail()),
            );
        }
    }
    Ok(Outcome::pass().with_output(fin.tail()))
}
