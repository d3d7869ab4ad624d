//! `kind = "process"`: start the learner's program, wait for its ready line
//! (which gives the address), play `steps` (HTTP requests, possibly in the
//! background, waits, signals), then expect an exit code, an exit time
//! (`within`, counted from the last signal), the status of background
//! requests, and JSON lines on stdout.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::{Job, Outcome};
use crate::check::{Context, services};
use crate::error::{Cause, Error, Result};
use crate::manifest::settings::{self, ProcessExpect, Step};
use crate::{exec, tools};

fn request(
    addr: &str,
    method: &str,
    path: &str,
    timeout: Duration,
) -> std::result::Result<u16, String> {
    let client = crate::net::client_builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    client
        .request(m, format!("http://{addr}{path}"))
        .send()
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

/// `CMD` as `exec CMD` when it is one simple command, so the program itself
/// (not a shell around it) gets the signals and its exit code is the one
/// seen. Compound commands are left alone (their shell gets the signals too).
pub(crate) fn exec_form(cmd: &str) -> String {
    if cmd.contains([';', '&', '|', '(', ')', '<', '>', '`', '\n']) || cmd.contains("$(") {
        return cmd.to_string();
    }
    let trimmed = cmd.trim_start();
    let mut offset = cmd.len() - trimmed.len();
    for word in trimmed.split(' ') {
        if word.is_empty()
            || (word.contains('=') && !word.starts_with('=') && !word.contains(['"', '\'']))
        {
            offset += word.len() + 1;
            continue;
        }
        break;
    }
    let offset = offset.min(cmd.len());
    format!("{}exec {}", &cmd[..offset], &cmd[offset..])
}

/// What is wrong with a foreground request's answer, if anything.
fn step_problem(
    method: &str,
    path: &str,
    want: Option<u16>,
    got: std::result::Result<u16, String>,
) -> Option<String> {
    match (got, want) {
        (Err(e), _) => Some(format!("{method} {path} failed: {e}")),
        (Ok(s), Some(w)) if s != w => Some(format!("{method} {path} got {s}, expected {w}")),
        _ => None,
    }
}

/// What playing the steps left to judge.
struct Played {
    background: Vec<JoinHandle<std::result::Result<u16, String>>>,
    problems: Vec<String>,
    /// When the last signal was sent (or the steps began).
    clock: Instant,
    signalled: Option<Signal>,
}

/// Plays `steps` within the check's `deadline`: each request (foreground or
/// background) and each wait gets at most the time left, so a check with
/// several steps never takes more than its `timeout`; a request whose turn
/// comes after the deadline is not sent and fails the check.
fn play(
    steps: &[Step],
    running: &exec::Running,
    addr: &str,
    timeout: Duration,
    deadline: Instant,
) -> Played {
    let mut p = Played {
        background: Vec::new(),
        problems: Vec::new(),
        clock: Instant::now(),
        signalled: None,
    };
    let used_up = |method: &str, path: &str| {
        format!(
            "{method} {path} was not sent: the check's timeout of {} was used up",
            exec::human_duration(timeout)
        )
    };
    for step in steps {
        let left = deadline.saturating_duration_since(Instant::now());
        match step {
            Step::Http {
                method,
                path,
                background,
                status,
            } => {
                if left.is_zero() {
                    let problem = used_up(method, path);
                    if *background {
                        p.background.push(std::thread::spawn(move || Err(problem)));
                    } else {
                        p.problems.push(problem);
                    }
                } else if *background {
                    let (a, m, pa) = (addr.to_string(), method.clone(), path.clone());
                    p.background
                        .push(std::thread::spawn(move || request(&a, &m, &pa, left)));
                } else if let Some(problem) =
                    step_problem(method, path, *status, request(addr, method, path, left))
                {
                    p.problems.push(problem);
                }
            }
            Step::Wait(d) => std::thread::sleep((*d).min(left)),
            Step::Signal(name) => {
                let s: Signal = format!("SIG{name}").parse().unwrap_or(Signal::SIGTERM);
                running.signal_group(s);
                p.clock = Instant::now();
                p.signalled = Some(s);
            }
        }
    }
    p
}

pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    let c = job.check;
    let Some(cmd) = super::command::command_of(cx, job) else {
        return Ok(Outcome::skipped(format!(
            "no command for the `{}` track",
            cx.track.as_deref().unwrap_or("-")
        )));
    };
    // Validated when the lab was loaded; an error here names the bad key.
    let typed = |e: settings::SettingError| Error::new(e.message).with_help(e.help);
    let steps: Vec<Step> = c
        .steps
        .iter()
        .map(|s| settings::step(s.get_ref(), s.span()).map_err(typed))
        .collect::<Result<_>>()?;
    let expect = match &c.expect {
        Some(e) => settings::process_expect(e).map_err(typed)?,
        None => ProcessExpect::default(),
    };
    let dir = cx.check_dir(c);
    tools::check_command(&cmd, &format!("check `{}`", job.id), &dir)?;
    let mut env = cx.check_env(c);
    env.extend(services::exports(job.services));
    let mut running = exec::spawn(
        exec::shell(&exec_form(&cmd), &dir, &env),
        &format!("`{cmd}`"),
    )?;
    let mut addr = String::new();
    if let Some(ready) = &c.ready {
        let (r, a) = match services::wait_ready(running, ready, &format!("`{cmd}`")) {
            Ok(x) => x,
            Err(e) => {
                let output = match e.cause {
                    Some(Cause::NotReady { output, .. }) => output.join("\n"),
                    _ => String::new(),
                };
                return Ok(Outcome::fail(e.message).with_output(output));
            }
        };
        running = r;
        addr = a;
    }
    // The check's time counts from the ready line (which has its own
    // `ready.timeout`): the steps and the wait for the exit share it.
    let deadline = Instant::now() + job.timeout;
    let played = play(&steps, &running, &addr, job.timeout, deadline);
    let mut problems = played.problems;
    // A program expected to exit gets until `within` (counted from the
    // last signal); any other is stopped once the steps are done.
    let must_exit = played.signalled.is_some() || expect.exit.is_some() || expect.within.is_some();
    let within = expect.within.unwrap_or(job.timeout).min(job.timeout);
    // The program must exit by `within` after the last signal, and within
    // the check's deadline; the earlier of the two is the one reported.
    let exit_by = played.clock + within;
    let check_ends_first = deadline < exit_by;
    let fin = if must_exit {
        running.wait(
            exit_by
                .min(deadline)
                .saturating_duration_since(Instant::now()),
        )?
    } else {
        running.stop(Duration::from_secs(2))
    };
    let after = match played.signalled {
        Some(s) => format!("after {s}"),
        None => "after it started".to_string(),
    };
    if fin.timed_out && check_ends_first {
        problems.push(format!(
            "`{cmd}` did not exit before the check's timeout of {} ran out, so it was killed",
            exec::human_duration(job.timeout)
        ));
    } else if fin.timed_out {
        problems.push(format!(
            "`{cmd}` did not exit within {} {after}, so it was killed",
            exec::human_duration(within)
        ));
    } else if let Some(want) = expect.exit {
        match fin.code {
            Some(code) if code == want => {}
            Some(code) => problems.push(format!("`{cmd}` exited with {code} {after} (expected {want})")),
            None => problems.push(format!(
                "`{cmd}` was ended by a signal {after} (expected exit code {want}); handle the signal and exit"
            )),
        }
    }
    for h in played.background {
        let got = h
            .join()
            .unwrap_or_else(|_| Err("the request thread panicked".into()));
        match (got, expect.background_status) {
            (Ok(s), Some(want)) if s != want => {
                problems.push(format!("the background request got {s}, expected {want}"))
            }
            (Err(e), Some(_)) => problems.push(format!("the background request failed: {e}")),
            _ => {}
        }
    }
    if expect.stdout_json_lines {
        for (i, line) in fin
            .stdout
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
                problems.push(format!(
                    "stdout line {} is not JSON ({e}): {}",
                    i + 1,
                    line.trim()
                ));
                break;
            }
        }
    }
    Ok(if problems.is_empty() {
        Outcome::pass()
    } else {
        Outcome::fail(problems.join("\n")).with_output(fin.tail())
    })
}

#[cfg(test)]
mod tests {
    use super::{exec_form, step_problem};

    #[test]
    fn a_step_status_is_compared() {
        assert_eq!(step_problem("GET", "/readyz", Some(503), Ok(503)), None);
        assert_eq!(
            step_problem("GET", "/readyz", Some(503), Ok(200)).as_deref(),
            Some("GET /readyz got 200, expected 503")
        );
        assert_eq!(step_problem("GET", "/", None, Ok(404)), None);
        assert_eq!(
            step_problem("GET", "/", None, Err("refused".into())).as_deref(),
            Some("GET / failed: refused")
        );
    }

    #[test]
    fn simple_commands_are_execed() {
        assert_eq!(exec_form("python3 -u app.py"), "exec python3 -u app.py");
        assert_eq!(
            exec_form("PORT=0 python3 app.py"),
            "PORT=0 exec python3 app.py"
        );
        assert_eq!(
            exec_form("cd app && python3 main.py"),
            "cd app && python3 main.py"
        );
    }
}
