//! The offline practice API of the api-client lab.
//!
//! It behaves like a real API on a bad day: OAuth client-credentials tokens that
//! expire, cursor pagination, idempotent writes, a token-bucket rate limit and a
//! seeded fault schedule. Every request is written to a journal (`GET
//! /__admin/journal`, or [`Handle::journal`] in-process) so tests can check *how*
//! a client behaved, not only what it returned.
//!
//! Tests start it in-process: [`spawn`] runs its own tokio runtime on a
//! background thread, listening on 127.0.0.1 on a free port.
//!
//! ```no_run
//! let api = practice_api::spawn(practice_api::Config { seed: 7, ..Default::default() });
//! println!("{}", api.url()); // http://127.0.0.1:PORT
//! ```

mod admin;
mod clock;
mod data;
mod handlers;
mod http;
mod serve;
mod state;

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

pub use clock::Clock;
pub use state::{JournalEntry, Order};

/// The client id the practice API accepts at `POST /oauth/token`.
pub const CLIENT_ID: &str = "lab-client";
/// The matching client secret (a lab-only value; keep it out of your source code anyway).
pub const CLIENT_SECRET: &str = "practice-secret-5f2c9a";
/// How many products the catalogue holds.
pub const PRODUCT_COUNT: u32 = 137;

/// A named behaviour of the server (`--scenario`, `POST /__admin/scenario`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scenario {
    /// Everything works; the `--rate-limit` bucket applies (10 per 2 s unless told).
    #[default]
    Default,
    /// Tokens live 3 s instead of 60 s.
    ShortTokens,
    /// List calls fail on a schedule: one connection reset (the 2nd, 3rd or 4th
    /// call, by seed), every 5th a 503 with `Retry-After: 1`, every 7th a 500.
    Flaky,
    /// A POST that creates an order commits it, then answers 502.
    AmbiguousWrite,
    /// A bucket of 10 requests per 2 s; 429 with `Retry-After` in seconds.
    RateLimit,
    /// The same bucket; `Retry-After` is an HTTP-date.
    RetryAfterDate,
    /// An empty bucket that refills one request per hour: `Retry-After: 3600`.
    LongWait,
    /// A server bug: the page after a cursor names that same cursor again.
    RepeatCursor,
}

impl Scenario {
    /// Every scenario, in documentation order.
    pub const ALL: [Scenario; 8] = [
        Scenario::Default,
        Scenario::ShortTokens,
        Scenario::Flaky,
        Scenario::AmbiguousWrite,
        Scenario::RateLimit,
        Scenario::RetryAfterDate,
        Scenario::LongWait,
        Scenario::RepeatCursor,
    ];

    /// The name used on the command line and in `POST /__admin/scenario`.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Default => "default",
            Scenario::ShortTokens => "short-tokens",
            Scenario::Flaky => "flaky",
            Scenario::AmbiguousWrite => "ambiguous-write",
            Scenario::RateLimit => "rate-limit",
            Scenario::RetryAfterDate => "retry-after-date",
            Scenario::LongWait => "long-wait",
            Scenario::RepeatCursor => "repeat-cursor",
        }
    }

    /// `default, short-tokens, ...`
    pub fn names() -> String {
        Scenario::ALL
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.name() == s)
            .ok_or_else(|| format!("unknown scenario `{s}` (known: {})", Scenario::names()))
    }
}

/// The bucket of scenario `default`: `capacity` requests, refilled evenly over `per`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    pub capacity: u32,
    pub per: Duration,
}

impl Default for RateLimit {
    /// 10 requests per 2 seconds, per client.
    fn default() -> Self {
        RateLimit {
            capacity: 10,
            per: Duration::from_secs(2),
        }
    }
}

impl RateLimit {
    /// A limit that tests of unrelated behaviour never reach.
    pub fn relaxed() -> Self {
        RateLimit {
            capacity: 10_000,
            per: Duration::from_secs(1),
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;
    /// `10/2s`: 10 requests per 2 seconds.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("invalid rate limit `{s}`: write CAPACITY/SECONDSs, for example 10/2s");
        let (cap, per) = s.split_once('/').ok_or_else(bad)?;
        let capacity: u32 = cap.trim().parse().map_err(|_| bad())?;
        let secs: f64 = per
            .trim()
            .strip_suffix('s')
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?;
        if capacity == 0 || !(secs > 0.0 && secs.is_finite()) {
            return Err(bad());
        }
        Ok(RateLimit {
            capacity,
            per: Duration::from_secs_f64(secs),
        })
    }
}

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Config {
    /// Seeds the catalogue, the latency jitter and the fault schedule.
    pub seed: u64,
    /// The scenario at start (`POST /__admin/reset` goes back to `default`).
    pub scenario: Scenario,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Extra latency per API request, drawn from `lo..=hi` milliseconds.
    pub latency: Option<(u64, u64)>,
    /// The per-client token bucket.
    pub rate_limit: RateLimit,
    /// The server's clock: real time, or a manual clock tests move with [`Handle::advance`].
    pub clock: Clock,
    /// The credentials `POST /oauth/token` accepts.
    pub client_id: String,
    pub client_secret: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 7,
            scenario: Scenario::Default,
            port: 0,
            latency: None,
            rate_limit: RateLimit::default(),
            clock: Clock::real(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }
    }
}

/// A running practice API; dropping it stops the server.
pub struct Handle {
    /// The address it listens on (127.0.0.1:PORT).
    pub addr: SocketAddr,
    app: state::Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts the practice API on a background thread and returns once it accepts connections.
///
/// Panics if the port cannot be bound (tests want a loud failure).
pub fn spawn(config: Config) -> Handle {
    let std_listener =
        std::net::TcpListener::bind(("127.0.0.1", config.port)).unwrap_or_else(|e| {
            panic!(
                "practice-api: cannot listen on 127.0.0.1:{}: {e}",
                config.port
            )
        });
    std_listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let addr = std_listener.local_addr().expect("local address");
    let app = state::Shared::new(config);
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let server_app = app.clone();
    let thread = std::thread::Builder::new()
        .name(format!("practice-api-{}", addr.port()))
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(std_listener).expect("tokio listener");
                serve::serve(listener, http::router(server_app), stopped).await;
            });
        })
        .expect("server thread");
    Handle {
        addr,
        app,
        stop: Some(stop),
        thread: Some(thread),
    }
}

impl Handle {
    /// `http://127.0.0.1:PORT`, the value for `PRACTICE_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// Moves the server's clock forward (token expiry, rate-limit refill, journal
    /// times), as `POST /__admin/clock {"advance_ms": N}` does.
    pub fn advance(&self, by: Duration) {
        self.app.clock().advance(by);
    }
    /// The server's clock (milliseconds since start).
    pub fn now_ms(&self) -> u64 {
        self.app.clock().now_ms()
    }
    /// Every API request so far (admin calls are not journaled).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.app.lock().journal.clone()
    }
    /// Every order created so far.
    pub fn orders(&self) -> Vec<Order> {
        self.app.lock().orders.clone()
    }
    /// Switches the scenario (as `POST /__admin/scenario` does).
    pub fn set_scenario(&self, scenario: Scenario) {
        self.app.lock().set_scenario(scenario);
    }
    /// Forgets journal, tokens, orders and counters, restarts the clock and goes back
    /// to scenario `default` (as `POST /__admin/reset` does).
    pub fn reset(&self) {
        self.app.reset();
    }
    /// Blocks until the server stops (the binary uses this).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
