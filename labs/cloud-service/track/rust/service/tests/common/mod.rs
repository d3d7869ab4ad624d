//! Shared helpers: the service binary started the way EC2 or a container
//! runtime starts it (environment variables, PORT=0 so the system picks a
//! free port, HOST=127.0.0.1 so nothing listens beyond this machine). The
//! address comes from the "listening on 127.0.0.1:PORT" line it prints.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_notes-service");

pub struct Service {
    child: Child,
    pub url: String,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

fn collect(stream: impl std::io::Read + Send + 'static, sink: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
}

/// Starts the service with the lab's environment plus `extra`.
pub fn start(extra: &[(&str, &str)]) -> Service {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("APP_SECRET_KEY")
        .envs([
            ("PORT", "0"),
            ("HOST", "127.0.0.1"),
            ("APP_SECRET_KEY", "lab-only-secret"),
            ("LOG_LEVEL", "info"),
        ])
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start the notes-service binary");
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(Vec::new()));
    collect(child.stdout.take().unwrap(), stdout.clone());
    collect(child.stderr.take().unwrap(), stderr.clone());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = stdout.lock().unwrap().iter().find_map(|l| address(l));
        if let Some(addr) = found {
            return Service {
                child,
                url: format!("http://{addr}"),
                stdout,
                stderr,
            };
        }
        if let Ok(Some(status)) = child.try_wait() {
            std::thread::sleep(Duration::from_millis(50));
            panic!(
                "the service exited ({status}) before printing 'listening on 127.0.0.1:PORT'; its output:\n{}\n{}",
                stdout.lock().unwrap().join("\n"),
                stderr.lock().unwrap().join("\n")
            );
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the service printed no line 'listening on 127.0.0.1:PORT' within 15 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `127.0.0.1:PORT` from a line that says "listening on 127.0.0.1:PORT".
fn address(line: &str) -> Option<String> {
    let rest = &line[line.find("listening on 127.0.0.1:")? + "listening on ".len()..];
    let end = rest[10..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |i| i + 10);
    (end > 10).then(|| rest[..end].to_string())
}

impl Service {
    /// Every non-empty stdout line, parsed as JSON (panics on one that is not).
    pub fn json_lines(&self) -> Vec<Value> {
        let lines = self.stdout.lock().unwrap().clone();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("stdout line {} is not JSON ({e}): {l}", i + 1))
            })
            .collect()
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit code.
    pub fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        let ok = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -TERM failed");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the service did not exit within {timeout:?} after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}
