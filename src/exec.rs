//! Running the shell commands of a lab: `sh -c` in the lab root, in its own
//! process group (so a timeout or the end of a check kills every process the
//! command started), with stdout and stderr captured while they are written.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use wait_timeout::ChildExt;

use crate::error::{Error, Result};

/// The most output kept per stream (older bytes are dropped first).
pub(crate) const KEEP_BYTES: usize = 4 << 20;

/// Bytes of output shown in reports and results.json.
pub(crate) const TAIL_BYTES: usize = 2048;

/// The environment a lab command runs with, on top of the user's.
pub(crate) type Env = BTreeMap<String, String>;

/// Lines kept in [`Captured::lines`] (ready lines come first; the rest of a
/// long-running child's output is only kept as its last bytes).
const MAX_LINES: usize = 10_000;
/// The longest unfinished line kept.
const MAX_LINE: usize = 64 * 1024;

/// Output captured from a child, written by reader threads.
#[derive(Debug, Default)]
pub(crate) struct Captured {
    /// stdout and stderr interleaved, as written.
    pub(crate) merged: Vec<u8>,
    pub(crate) stdout: Vec<u8>,
    /// Complete lines seen so far, in order (for ready regexes).
    pub(crate) lines: Vec<String>,
    partial: [Vec<u8>; 2],
}

impl Captured {
    fn push(&mut self, stream: usize, bytes: &[u8]) {
        append_capped(&mut self.merged, bytes);
        if stream == 0 {
            append_capped(&mut self.stdout, bytes);
        }
        let partial = &mut self.partial[stream];
        partial.extend_from_slice(bytes);
        while let Some(nl) = partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = partial.drain(..=nl).collect();
            if self.lines.len() < MAX_LINES {
                let text = String::from_utf8_lossy(&line[..line.len() - 1]);
                self.lines.push(text.trim_end_matches('\r').to_string());
            }
        }
        // A child that never ends a line (progress with `\r`, a hostile
        // server's stderr) keeps only the end of it.
        if partial.len() > MAX_LINE {
            let cut = partial.len() - MAX_LINE;
            partial.drain(..cut);
        }
    }

    fn finish(&mut self, stream: usize) {
        let rest = std::mem::take(&mut self.partial[stream]);
        if !rest.is_empty() {
            self.lines.push(String::from_utf8_lossy(&rest).into_owned());
        }
    }
}

fn append_capped(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(bytes);
    if buf.len() > KEEP_BYTES {
        let cut = buf.len() - KEEP_BYTES;
        buf.drain(..cut);
    }
}

/// A child process running in its own process group.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) output: Arc<Mutex<Captured>>,
    readers: Vec<JoinHandle<()>>,
}

/// How a finished command ended.
#[derive(Debug, Clone)]
pub(crate) struct Finished {
    /// The exit code; None when a signal ended it.
    pub(crate) code: Option<i32>,
    pub(crate) timed_out: bool,
    pub(crate) merged: String,
    pub(crate) stdout: String,
}

impl Finished {
    /// The last [`TAIL_BYTES`] of the interleaved output.
    pub(crate) fn tail(&self) -> String {
        tail(&self.merged, TAIL_BYTES)
    }
}

/// The end of `text`, at most `max` bytes, cut at a line start when possible.
pub(crate) fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let cut = &text[start..];
    match cut.find('\n') {
        Some(nl) if nl + 1 < cut.len() => cut[nl + 1..].to_string(),
        _ => cut.to_string(),
    }
}

/// Builds `sh -c CMD` in `cwd` with `env`, stdin closed, in a new process group.
pub(crate) fn shell(cmd: &str, cwd: &Path, env: &Env) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(cmd).current_dir(cwd).envs(env);
    c.stdin(Stdio::null()).process_group(0);
    c
}

/// Starts `cmd` with captured output; its process group is registered with
/// `interrupt`, so a Ctrl-C stops it too.
pub(crate) fn spawn(mut cmd: Command, what: &str) -> Result<Running> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        Error::new(format!("could not start {what}: {e}"))
            .with_help("check that `sh` is installed and the lab folder is readable")
    })?;
    let output = Arc::new(Mutex::new(Captured::default()));
    let mut readers = Vec::new();
    let streams: [Option<Box<dyn Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ];
    for (i, stream) in streams.into_iter().enumerate() {
        let Some(mut stream) = stream else { continue };
        let out = Arc::clone(&output);
        readers.push(std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => out.lock().expect("output lock").push(i, &buf[..n]),
                }
            }
            out.lock().expect("output lock").finish(i);
        }));
    }
    let running = Running {
        child,
        output,
        readers,
    };
    // After Ctrl-C nothing new starts (dropping `running` kills the group).
    crate::interrupt::register_group(running.pid().as_raw())?;
    Ok(running)
}

impl Running {
    pub(crate) fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    /// Sends `signal` to the whole process group (errors ignored: the group
    /// may be gone already).
    pub(crate) fn signal_group(&self, signal: Signal) {
        let _ = killpg(self.pid(), signal);
    }

    /// Waits until the child exits or `timeout` passes (then kills the group).
    pub(crate) fn wait(mut self, timeout: Duration) -> Result<Finished> {
        let waited = self
            .child
            .wait_timeout(timeout)
            .map_err(|e| Error::new(format!("could not wait for a command: {e}")))?;
        let (status, timed_out) = match waited {
            Some(s) => (s, false),
            None => {
                self.signal_group(Signal::SIGKILL);
                let s = self
                    .child
                    .wait()
                    .map_err(|e| Error::new(format!("could not wait for a command: {e}")))?;
                (s, true)
            }
        };
        Ok(self.collect(status.code(), timed_out))
    }

    /// Kills the process group (TERM, then KILL after a grace period) and
    /// returns what it wrote.
    pub(crate) fn stop(mut self, grace: Duration) -> Finished {
        self.signal_group(Signal::SIGTERM);
        let code = match self.child.wait_timeout(grace) {
            Ok(Some(s)) => s.code(),
            _ => {
                self.signal_group(Signal::SIGKILL);
                self.child.wait().ok().and_then(|s| s.code())
            }
        };
        self.collect(code, false)
    }

    /// After the leader exited: kill what is left of the group, and wait
    /// briefly for the readers (a grandchild in another group may still hold
    /// the pipes; it is not waited for).
    fn collect(mut self, code: Option<i32>, timed_out: bool) -> Finished {
        self.signal_group(Signal::SIGKILL);
        let deadline = Instant::now() + Duration::from_secs(2);
        for r in std::mem::take(&mut self.readers) {
            while !r.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if r.is_finished() {
                let _ = r.join();
            }
        }
        let out = self.output.lock().expect("output lock");
        Finished {
            code,
            timed_out,
            merged: String::from_utf8_lossy(&out.merged).into_owned(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        }
    }
}

/// Whatever happened, nothing the command started outlives it: the group is
/// killed even when its leader already exited (a server it left behind).
impl Drop for Running {
    fn drop(&mut self) {
        self.signal_group(Signal::SIGKILL);
        let _ = self.child.wait();
        crate::interrupt::forget_group(self.pid().as_raw());
    }
}

/// Runs `cmd` with `sh -c` and waits at most `timeout`.
pub(crate) fn run_shell(cmd: &str, cwd: &Path, env: &Env, timeout: Duration) -> Result<Finished> {
    spawn(shell(cmd, cwd, env), &format!("`{cmd}`"))?.wait(timeout)
}

/// Formats a duration for people: `850ms`, `2.5s`, `2m 05s`.
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m {:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_cuts_at_a_line_start() {
        assert_eq!(tail("abc", 10), "abc");
        assert_eq!(tail("line one\nline two\n", 12), "line two\n");
    }

    #[test]
    fn a_timeout_kills_the_group() {
        let dir = std::env::temp_dir();
        let started = Instant::now();
        let out = run_shell(
            "echo started; sleep 30 & sleep 30",
            &dir,
            &Env::new(),
            Duration::from_millis(1500),
        )
        .unwrap();
        assert!(out.timed_out);
        assert_eq!(out.merged, "started\n");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn captures_both_streams_and_the_code() {
        let dir = std::env::temp_dir();
        let out = run_shell(
            "echo out; echo err >&2; exit 3",
            &dir,
            &Env::new(),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout, "out\n");
        assert!(out.merged.contains("err\n"));
    }
}
