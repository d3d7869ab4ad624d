//! Downloads over HTTP(S) with reqwest (rustls): a connect timeout, a
//! deadline for the whole download (retries included, `LABFORGE_HTTP_TIMEOUT`),
//! a stall timeout per read, a minimum rate (`LABFORGE_HTTP_MIN_RATE`), at
//! most 10 redirects, a size cap, and retries with backoff on transient
//! failures (timeouts, dropped connections, 5xx, 429). A refused connection,
//! a TLS failure, a 4xx or a redirect loop is not retried: it will not fix
//! itself. `file://` URLs are read from disk under the same cap.

use std::io::{IsTerminal, Read, Seek, Write};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::fsx;

pub(crate) const MAX_REDIRECTS: usize = 10;
const ATTEMPTS: u32 = 3;
/// A connection that sends nothing for this long is dropped (and retried).
const STALL: Duration = Duration::from_secs(30);
/// The minimum rate is measured over windows of this length.
const RATE_WINDOW: Duration = Duration::from_secs(30);

/// Where a download goes: memory or a (temporary) file, emptied again
/// before a retry.
pub(crate) trait Sink: Write {
    fn restart(&mut self) -> std::io::Result<()>;
}

impl Sink for Vec<u8> {
    fn restart(&mut self) -> std::io::Result<()> {
        self.clear();
        Ok(())
    }
}

impl Sink for std::fs::File {
    fn restart(&mut self) -> std::io::Result<()> {
        self.set_len(0)?;
        self.rewind()
    }
}

/// Fetches `url` (without its `#fragment`) into memory, at most `cap` bytes.
pub(crate) fn download(url: &str, cap: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    download_to(url, cap, &mut bytes)?;
    Ok(bytes)
}

/// Fetches `url` into `sink`, at most `cap` bytes, within the deadline.
pub(crate) fn download_to(url: &str, cap: u64, sink: &mut dyn Sink) -> Result<()> {
    if let Some(raw) = url.strip_prefix("file://") {
        // `file:///a%20b.tgz` names `/a b.tgz`.
        let path = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .unwrap_or_else(|| std::path::PathBuf::from(raw));
        let bytes = read_file(url, &path, cap)?;
        return sink
            .write_all(&bytes)
            .map_err(|e| Error::new(format!("could not store the download of `{url}`: {e}")));
    }
    let limits = Limits::from_env()?;
    let client = client()?;
    let started = Instant::now();
    let mut delay = Duration::from_millis(retry_delay_ms());
    let mut attempt = 1;
    loop {
        sink.restart()
            .map_err(|e| Error::new(format!("could not store the download of `{url}`: {e}")))?;
        let result = fetch_once(&client, url, cap, &limits, started, sink);
        let time_left = limits.total.saturating_sub(started.elapsed()) > delay;
        match result {
            Ok(()) => return Ok(()),
            Err(Failure::Transient(e)) if attempt < ATTEMPTS && time_left => {
                if std::io::stderr().is_terminal() {
                    crate::eoutln!(
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
                let n = attempt;
                let s = if n == 1 { "" } else { "s" };
                return Err(e.with_detail(format!("gave up after {n} attempt{s}")));
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
    if !meta.is_file() {
        return Err(Error::new(format!("`{url}` is not a regular file"))
            .with_help("give the path of an archive file"));
    }
    if meta.len() > cap {
        return Err(too_big(url, cap));
    }
    // Read under the cap too: the file may grow while it is read.
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_big(url, cap));
    }
    Ok(bytes)
}

fn retry_delay_ms() -> u64 {
    std::env::var("LABFORGE_RETRY_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

/// The time limits of a download.
struct Limits {
    /// The whole download, retries included.
    total: Duration,
    /// Bytes per second, averaged over [`RATE_WINDOW`]; 0 turns it off.
    min_rate: u64,
}

impl Limits {
    fn from_env() -> Result<Limits> {
        Ok(Limits {
            total: Duration::from_secs(env_number("LABFORGE_HTTP_TIMEOUT", 300)?),
            min_rate: env_number("LABFORGE_HTTP_MIN_RATE", 1024)?,
        })
    }
}

fn env_number(var: &str, default: u64) -> Result<u64> {
    match std::env::var(var) {
        Err(_) => Ok(default),
        Ok(text) => text.trim().parse().map_err(|_| {
            Error::new(format!(
                "{var}=`{}` is not a whole number",
                super::archive::shorten(&text)
            ))
            .with_help(format!(
                "set {var} to a number (or unset it for the default of {default})"
            ))
        }),
    }
}

/// Tracks the rate of a download: fails when a whole window passed with
/// fewer than `min_rate * window` bytes.
struct RateGuard {
    min_rate: u64,
    window: Duration,
    since: Instant,
    at: u64,
}

impl RateGuard {
    fn new(min_rate: u64, window: Duration, now: Instant) -> RateGuard {
        RateGuard {
            min_rate,
            window,
            since: now,
            at: 0,
        }
    }

    /// Ok, or the average rate of the window that was too slow.
    fn update(&mut self, now: Instant, total: u64) -> std::result::Result<(), u64> {
        let spent = now.saturating_duration_since(self.since);
        if self.min_rate == 0 || spent < self.window {
            return Ok(());
        }
        let got = total - self.at;
        let rate = got / spent.as_secs().max(1);
        if rate < self.min_rate {
            return Err(rate);
        }
        self.since = now;
        self.at = total;
        Ok(())
    }
}

fn client() -> Result<reqwest::blocking::Client> {
    crate::net::client_builder()
        .user_agent(concat!("labforge/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .no_gzip()
        .build()
        .map_err(|e| Error::new(format!("could not set up the HTTP client: {e}")))
}

enum Failure {
    Transient(Error),
    Fatal(Error),
}

fn fetch_once(
    client: &reqwest::blocking::Client,
    url: &str,
    cap: u64,
    limits: &Limits,
    started: Instant,
    sink: &mut dyn Sink,
) -> Result<(), Failure> {
    let left = limits.total.saturating_sub(started.elapsed());
    if left.is_zero() {
        return Err(Failure::Fatal(deadline(url, limits, 0)));
    }
    // reqwest's blocking timeout bounds the request and then each read; the
    // whole transfer is bounded below.
    let mut resp = client
        .get(url)
        .timeout(left.min(STALL))
        .send()
        .map_err(|e| classify(url, &e, limits, started))?;
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
    let mut got: u64 = 0;
    let mut rate = RateGuard::new(limits.min_rate, RATE_WINDOW, Instant::now());
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                if started.elapsed() >= limits.total {
                    return Err(Failure::Fatal(deadline(url, limits, got)));
                }
                return Err(Failure::Transient(cut_short(
                    url,
                    got,
                    expected,
                    &e.to_string(),
                )));
            }
        };
        got += n as u64;
        if got > cap {
            return Err(Failure::Fatal(too_big(url, cap)));
        }
        sink.write_all(&buf[..n]).map_err(|e| {
            Failure::Fatal(Error::new(format!(
                "could not store the download of `{url}`: {e}"
            )))
        })?;
        if let Some(b) = &bar {
            b.set_position(got);
        }
        if started.elapsed() >= limits.total {
            return Err(Failure::Fatal(deadline(url, limits, got)));
        }
        if let Err(r) = rate.update(Instant::now(), got) {
            return Err(Failure::Transient(too_slow(url, limits, r)));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(n) = expected
        && got < n
    {
        return Err(Failure::Transient(cut_short(
            url,
            got as usize,
            expected,
            "the connection closed early",
        )));
    }
    Ok(())
}

fn deadline(url: &str, limits: &Limits, got: u64) -> Error {
    Error::new(format!(
        "the download of `{url}` did not finish within {} s ({got} bytes received)",
        limits.total.as_secs()
    ))
    .with_help("check your network and try again; a slow server needs a longer LABFORGE_HTTP_TIMEOUT=SECONDS; nothing was cached")
}

fn too_slow(url: &str, limits: &Limits, rate: u64) -> Error {
    Error::new(format!(
        "the download of `{url}` is too slow: {rate} bytes/s over the last {} s, below the minimum of {} bytes/s",
        RATE_WINDOW.as_secs(),
        limits.min_rate
    ))
    .with_help("check your network and try again; LABFORGE_HTTP_MIN_RATE=BYTES lowers the minimum (0 turns it off)")
}

fn cut_short(url: &str, got: impl std::fmt::Display, expected: Option<u64>, why: &str) -> Error {
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

fn classify(url: &str, e: &reqwest::Error, limits: &Limits, started: Instant) -> Failure {
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
    if e.is_timeout() && started.elapsed() >= limits.total {
        return Failure::Fatal(deadline(url, limits, 0));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_guard_fails_a_window_below_the_minimum_only() {
        let t0 = Instant::now();
        let w = Duration::from_secs(10);
        let mut g = RateGuard::new(100, w, t0);
        // Within the first window nothing is judged, however slow.
        assert_eq!(g.update(t0 + Duration::from_secs(9), 1), Ok(()));
        // 1,000 bytes in 10 s is exactly the minimum.
        assert_eq!(g.update(t0 + w, 1000), Ok(()));
        // The next window starts there: 10 more bytes in 10 s is 1 byte/s.
        assert_eq!(g.update(t0 + w * 2, 1010), Err(1));
        // 0 turns the minimum off.
        let mut off = RateGuard::new(0, w, t0);
        assert_eq!(off.update(t0 + w * 5, 0), Ok(()));
    }
}
