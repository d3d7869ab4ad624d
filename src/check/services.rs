//! Services (`[service.NAME]`): one fresh instance per check that names it,
//! started on port 0; its address comes from the `ready.log` regex (named
//! group `addr`) matched against stdout and stderr lines, so no port is ever
//! guessed. The process group is killed when the check ends.

use std::time::{Duration, Instant};

use regex::Regex;

use super::Context;
use crate::error::{Cause, Error, Result};
use crate::exec::{self, Env, Running};
use crate::manifest::{Ready, parse_duration};

/// How long a service may take to print its ready line by default.
pub(crate) const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A started service; dropping it kills its process group.
pub(crate) struct Instance {
    pub(crate) name: String,
    /// Held for its drop, which kills the service's process group.
    _running: Running,
    /// What the `addr` group captured (`127.0.0.1:PORT`).
    pub(crate) addr: String,
    /// The `export` variables with `{addr}` filled in.
    pub(crate) exports: Env,
}

/// Starts `[service.NAME]` and waits for its ready line.
pub(crate) fn start(cx: &Context, name: &str) -> Result<Instance> {
    let svc = cx.manifest().service.get(name).ok_or_else(|| {
        Error::new(format!("service `{name}` is not declared"))
            .with_help(format!("declare `[service.{name}]` in lab.toml"))
    })?;
    let track = cx.track.as_deref();
    let cmd = svc.run.for_track(track).ok_or_else(|| {
        Error::new(format!(
            "service `{name}` has no `run` command for track `{}`",
            track.unwrap_or("-")
        ))
        .with_help(format!(
            "add `run.{} = \"…\"` to `[service.{name}]`",
            track.unwrap_or("TRACK")
        ))
    })?;
    let cmd = cx.expand(cmd);
    let dir = match &svc.cwd {
        Some(c) => cx.root.join(cx.expand(c)),
        None => cx.root.clone(),
    };
    crate::tools::check_command(&cmd, &format!("service `{name}`"), &dir)?;
    let mut env = cx.env.clone();
    for (k, v) in &svc.env {
        env.insert(k.clone(), cx.expand(v));
    }
    let running = exec::spawn(exec::shell(&cmd, &dir, &env), &format!("service `{name}`"))?;
    let (running, addr) = wait_ready(running, &svc.ready, &format!("service `{name}` (`{cmd}`)"))?;
    let exports = svc
        .export
        .iter()
        .map(|(k, v)| (k.clone(), v.replace("{addr}", &addr)))
        .collect();
    Ok(Instance {
        name: name.to_string(),
        _running: running,
        addr,
        exports,
    })
}

/// Waits until a line of output matches `ready.log`; returns the `addr`
/// capture. Errors (with the output so far) when the process exits first or
/// the ready timeout passes.
pub(crate) fn wait_ready(
    mut running: Running,
    ready: &Ready,
    what: &str,
) -> Result<(Running, String)> {
    let re = Regex::new(&ready.log)
        .map_err(|e| Error::new(format!("`ready.log` of {what} is not a valid regex: {e}")))?;
    let timeout = ready
        .timeout
        .as_ref()
        .and_then(|t| parse_duration(t.get_ref()).ok())
        .unwrap_or(DEFAULT_READY_TIMEOUT);
    // None: a timeout beyond the clock's range never passes (no overflow panic).
    let deadline = Instant::now().checked_add(timeout);
    let mut seen = 0;
    loop {
        {
            let out = running.output.lock().expect("output lock");
            for line in &out.lines[seen..] {
                if let Some(caps) = re.captures(line) {
                    let addr = caps.name("addr").map_or("", |m| m.as_str()).to_string();
                    drop(out);
                    return Ok((running, addr));
                }
            }
            seen = out.lines.len();
        }
        if let Ok(Some(status)) = running.child.try_wait() {
            let fin = running.stop(Duration::from_millis(10));
            let code = status
                .code()
                .map_or("a signal".to_string(), |c| format!("code {c}"));
            return Err(Error::new(format!("{what} exited with {code} before it printed a line matching `{}`", ready.log))
            .with_cause(not_ready(true, &fin.merged))
            // The learner's code that does not build or crashes at start is
            // work to do, not a broken environment: the check fails.
            .with_status(crate::error::Status::No)
            .with_help("it stopped before it was ready: the output above says why (a compile error, an exception at start)"));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let fin = running.stop(Duration::from_millis(200));
            return Err(Error::new(format!(
                "{what} printed no line matching `{}` within {}",
                ready.log,
                exec::human_duration(timeout)
            ))
            .with_cause(not_ready(false, &fin.merged))
            .with_help("the service must print its address (it binds port 0) on stdout or stderr, and flush it"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The cause of a ready wait that ended without the line, with the last
/// lines of the program's `output`.
fn not_ready(exited: bool, output: &str) -> Cause {
    let tail = exec::tail(output, exec::TAIL_BYTES);
    let output = if tail.trim().is_empty() {
        Vec::new()
    } else {
        tail.trim_end().lines().map(str::to_string).collect()
    };
    Cause::NotReady { exited, output }
}

/// Starts every service in `names`, in order.
pub(crate) fn start_all(cx: &Context, names: &[String]) -> Result<Vec<Instance>> {
    names.iter().map(|n| start(cx, n)).collect()
}

/// The exports of all started services.
pub(crate) fn exports(instances: &[Instance]) -> Env {
    instances.iter().flat_map(|i| i.exports.clone()).collect()
}
