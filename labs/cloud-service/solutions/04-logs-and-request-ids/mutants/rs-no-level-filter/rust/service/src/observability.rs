//! Exercise 4: logs a machine can search, and request ids.
//!
//! Every log record is ONE line of JSON on stdout, for example
//!
//! ```text
//! {"ts":"2026-11-25T10:00:00.123Z","level":"info","msg":"request","method":"GET",
//!  "path":"/healthz","status":200,"duration_ms":0.4,"request_id":"3f2a..."}
//! ```
//!
//! (journald, CloudWatch, Loki and friends index such fields). Records below
//! the configured level are dropped. The listening line, too, must be JSON:
//! its "msg" is "listening on HOST:PORT".

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

pub const MAX_REQUEST_ID: usize = 128;

fn rank(level: &str) -> u8 {
    match level.to_ascii_lowercase().as_str() {
        "debug" => 10,
        "warning" => 30,
        "error" => 40,
        _ => 20,
    }
}

/// Where records go: stdout, or a buffer (for tests).
#[derive(Clone)]
enum Sink {
    Stdout,
    Buffer(Arc<Mutex<Vec<u8>>>),
}

#[derive(Clone)]
pub struct Logger {
    threshold: u8,
    sink: Sink,
}

impl Logger {
    pub fn new(level: &str) -> Logger {
        Logger {
            threshold: rank(level),
            sink: Sink::Stdout,
        }
    }

    /// A logger that writes into the returned buffer instead of stdout.
    pub fn buffered(level: &str) -> (Logger, Arc<Mutex<Vec<u8>>>) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        (
            Logger {
                threshold: rank(level),
                sink: Sink::Buffer(buf.clone()),
            },
            buf,
        )
    }

    /// Writes one line (a newline is added) and flushes, in one piece even
    /// when many tasks log at once.
    pub fn write_line(&self, line: &str) {
        match &self.sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            Sink::Buffer(buf) => {
                let mut b = buf.lock().expect("the log buffer");
                let _ = writeln!(b, "{line}");
            }
        }
    }

    pub fn log(&self, level: &str, msg: &str, fields: &[(&str, Value)]) {
        let mut record = Map::new();
        record.insert("ts".into(), json!(crate::util::now_rfc3339()));
        record.insert("level".into(), json!(level));
        record.insert("msg".into(), json!(msg));
        for (k, v) in fields {
            record.insert((*k).to_string(), v.clone());
        }
        self.write_line(&Value::Object(record).to_string());
    }

    pub fn debug(&self, msg: &str, fields: &[(&str, Value)]) {
        self.log("debug", msg, fields);
    }

    pub fn info(&self, msg: &str, fields: &[(&str, Value)]) {
        self.log("info", msg, fields);
    }

    pub fn warning(&self, msg: &str, fields: &[(&str, Value)]) {
        self.log("warning", msg, fields);
    }

    pub fn error(&self, msg: &str, fields: &[(&str, Value)]) {
        self.log("error", msg, fields);
    }
}

/// The id of this request: the caller's X-Request-Id when it is usable
/// (1..=128 printable ASCII characters), else a new random one.
pub fn request_id(incoming: Option<&str>) -> Option<String> {
    match incoming {
        Some(id)
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID
                && id.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            Some(id.to_string())
        }
        _ => Some(crate::util::random_hex()),
    }
}

/// One access-log record per request (msg "request").
pub fn log_request(
    log: &Logger,
    method: &str,
    path: &str,
    status: u16,
    duration_ms: f64,
    request_id: Option<&str>,
) {
    let level = if status >= 500 { "error" } else { "info" };
    log.log(
        level,
        "request",
        &[
            ("method", json!(method)),
            ("path", json!(path)),
            ("status", json!(status)),
            ("duration_ms", json!(duration_ms)),
            ("request_id", json!(request_id)),
        ],
    );
}
