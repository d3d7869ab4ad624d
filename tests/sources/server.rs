//! A tiny HTTP/1.1 server on 127.0.0.1 for the archive tests: each path maps
//! to a canned [`Reply`]; requests are logged so tests can count retries.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub enum Reply {
    /// 200 with this body.
    Ok(Vec<u8>),
    /// This status with a short body.
    Status(u16),
    /// 302 to this location.
    Redirect(String),
    /// Declares `Content-Length` of the full body, sends half, closes.
    Truncated(Vec<u8>),
    /// Never answers (the connection stays open for 30 s).
    Hang,
    /// The first `n` requests get 503, then the body.
    FailFirst(usize, Vec<u8>),
    /// Declares a body of this many bytes, then sends one byte a second.
    Trickle(u64),
}

pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(routes: BTreeMap<String, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(routes);
        let thread_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = routes.clone();
                let log = thread_log.clone();
                std::thread::spawn(move || serve(stream, &routes, &log));
            }
        });
        Server { port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

fn serve(stream: TcpStream, routes: &BTreeMap<String, Reply>, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map(|n| n == 0).unwrap_or(true) || line == "\r\n" {
            break;
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let seen = {
        let mut l = log.lock().unwrap();
        l.push(path.clone());
        l.iter().filter(|p| **p == path).count()
    };
    let mut out = stream;
    let reply = routes.get(&path).cloned().unwrap_or(Reply::Status(404));
    let _ = match reply {
        Reply::Ok(body) => respond(&mut out, "200 OK", &[], &body),
        Reply::Status(code) => respond(
            &mut out,
            &format!("{code} Status"),
            &[],
            format!("status {code}\n").as_bytes(),
        ),
        Reply::Redirect(to) => respond(&mut out, "302 Found", &[("Location", to.as_str())], b""),
        Reply::FailFirst(n, _) if seen <= n => {
            respond(&mut out, "503 Service Unavailable", &[], b"busy\n")
        }
        Reply::FailFirst(_, body) => respond(&mut out, "200 OK", &[], &body),
        Reply::Hang => {
            std::thread::sleep(std::time::Duration::from_secs(30));
            Ok(())
        }
        Reply::Trickle(len) => {
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n");
            let mut r = out.write_all(head.as_bytes());
            for _ in 0..len.min(120) {
                if r.is_err() {
                    break;
                }
                r = out.write_all(b"x").and_then(|_| out.flush());
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            r
        }
        Reply::Truncated(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            out.write_all(head.as_bytes())
                .and_then(|_| out.write_all(&body[..body.len() / 2]))
        }
    };
    let _ = out.flush();
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
