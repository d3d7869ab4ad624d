//! Downloads over HTTP(S) with reqwest (rustls): connect and total
//! timeouts, at most 10 redirects, a size cap, and retries with backoff on
//! transient failures (timeouts, dropped connections, 5xx, 429). A refused
//! connection, a TLS failure, a 4xx or a redirect loop is not retried: it will
//! not fix itself. `file://` URLs are read from disk under the same cap.

use std::io::{IsTerminal, Read};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::fsx;

pub const MAX_REDIRECTS: usize = 10;
const ATTEMPTS: u32 = 3;

/// Fetches `url` (without its `#fragment`) into memory, at most `cap` bytes.
pub fn download(url: &str, cap: u64) -> Result<Vec<u8>> {
    if let Some(raw) = url.strip_prefix("file://") {
        // `file:///a%20b.tgz` names `/a b.tgz`.
        let path = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .unwrap_or_else(|| std::path::PathBuf::from(raw));
        return read_file(url, &path, cap);
    }
    let client = client()?;
    let mut delay = Duration::from_millis(retry_delay_ms());
    let mut attempt = 1;
    loop {
        match fetch_once(&client, url, cap) {
            Ok(bytes) => return Ok(bytes),
            Err(Failure::Transient(e)) if attempt < ATTEMPTS => {
                if std::io::stderr().is_terminal() {
                    eprintln!(
                        "note: {} (attempt {attempt} of {ATTEMPTS}); retrying in {} ms",
                        e.message,
                        delay.as_millis()
                    );
                }
                std::thread::sleep(delay);
                delay *= 2;
                attempt += 1;
            }
            Err(Failure::Transient(e)) => {
                return Err(e.with_detail(format!("gave up after {ATTEMPTS} attempts")));
            }
            Err(Failure::Fatal(e)) => return Err(e),
        }
    }
}

fn read_file(url: &str, path: &std::path::Path, cap: u64) -> Result<Vec<u8>> {
    let meta = fsx::metadata(path).map_err(|e| {
        Error::new(format!("could not read `{url}`: {}", e.message))
            .with_help("check the path of the archive")
    })?;
    if meta.len() > cap {
        return Err(too_big(url, cap));
    }
    fsx::read(path)
}

fn retry_delay_ms() -> u64 {
    std::env::var("LABFORGE_RETRY_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn client() -> Result<reqwest::blocking::Client> {
    let total = std::env::var("LABFORGE_HTTP_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    reqwest::blocking::Client::builder()
        .user_agent(concat!("labforge/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(total))
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .no_gzip()
        .build()
        .map_err(|e| Error::new(format!("could not set up the HTTP client: {e}")))
}

enum Failure {
    Transient(Error),
    Fatal(Error),
}

fn fetch_once(client: &reqwest::blocking::Client, url: &str, cap: u64) -> Result<Vec<u8>, Failure> {
    let mut resp = client.get(url).send().map_err(|e| classify(url, &e))?;
    let status = resp.status();
    if !status.is_success() {
        let e = Error::new(format!(
            "could not download `{url}`: the server answered {status}"
        ));
        return Err(if status.is_server_error() || status.as_u16() == 429 {
            Failure::Transient(e.with_help(
                "the server is failing; try again later, or use a cached copy with --offline",
            ))
        } else if status.as_u16() == 404 || status.as_u16() == 410 {
            Failure::Fatal(e.with_help("check the URL: there is no archive there (ask the lab's author for the current link)"))
        } else if status.as_u16() == 401 || status.as_u16() == 403 {
            Failure::Fatal(e.with_help("the server wants credentials; download the archive yourself and give its path instead"))
        } else {
            Failure::Fatal(e.with_help("check the URL of the archive"))
        });
    }
    let expected = resp.content_length();
    if expected.is_some_and(|n| n > cap) {
        return Err(Failure::Fatal(too_big(url, cap)));
    }
    let bar = progress(expected);
    let mut bytes = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                return Err(Failure::Transient(cut_short(
                    url,
                    bytes.len(),
                    expected,
                    &e.to_string(),
                )));
            }
        };
        bytes.extend_from_slice(&buf[..n]);
        if let Some(b) = &bar {
            b.set_position(bytes.len() as u64);
        }
        if bytes.len() as u64 > cap {
            return Err(Failure::Fatal(too_big(url, cap)));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(n) = expected
        && (bytes.len() as u64) < n
    {
        return Err(Failure::Transient(cut_short(
            url,
            bytes.len(),
            expected,
            "the connection closed early",
        )));
    }
    Ok(bytes)
}

fn cut_short(url: &str, got: usize, expected: Option<u64>, why: &str) -> Error {
    let of = expected.map(|n| format!(" of {n}")).unwrap_or_default();
    Error::new(format!(
        "the download of `{url}` was cut short after {got}{of} bytes: {why}"
    ))
    .with_help("check your network and try again; nothing was cached")
}

fn too_big(url: &str, cap: u64) -> Error {
    Error::new(format!("`{url}` is larger than the download limit of {cap} bytes"))
        .with_help("a lab archive is normally small; if you trust this one, raise the limit with LABFORGE_MAX_DOWNLOAD=BYTES")
}

fn classify(url: &str, e: &reqwest::Error) -> Failure {
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if e.is_redirect() {
        return Failure::Fatal(
            Error::new(format!(
                "`{url}` redirects too many times (more than {MAX_REDIRECTS}; a redirect loop?)"
            ))
            .with_help(
                "open the URL in a browser to find where the archive really is, and use that URL",
            ),
        );
    }
    if e.is_timeout() {
        return Failure::Transient(
            Error::new(format!("the download of `{url}` timed out"))
                .with_help("check your network and try again, or use a cached copy with --offline"),
        );
    }
    let tls = [
        "tls",
        "certificate",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
        "peer misbehaved",
        "unexpected message",
    ];
    if url.starts_with("https://") && tls.iter().any(|w| lower.contains(w)) {
        return Failure::Fatal(
            Error::new(format!("could not connect securely to `{url}`: the TLS handshake failed"))
                .with_detail(chain)
                .with_help("check that the server speaks HTTPS at this address and has a trusted certificate (a plain HTTP server needs an http:// URL)"),
        );
    }
    if lower.contains("connection refused") {
        return Failure::Fatal(
            Error::new(format!("could not connect to `{url}`: connection refused"))
                .with_help("check the host and port in the URL and that the server is running; a cached copy works with --offline"),
        );
    }
    if e.is_connect() && (e.is_dns() || lower.contains("dns") || lower.contains("resolve")) {
        return Failure::Fatal(
            Error::new(format!("could not find the host of `{url}`"))
                .with_help("check the host name in the URL and your network"),
        );
    }
    Failure::Transient(
        Error::new(format!("could not download `{url}`"))
            .with_detail(chain)
            .with_help("check your network and try again"),
    )
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// A byte progress bar on stderr when it is a terminal.
fn progress(len: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "downloading {bytes}/{total_bytes} {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
