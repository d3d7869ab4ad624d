//! Everything the server remembers: tokens, rate-limit buckets, orders,
//! idempotency keys, fault counters and the request journal. One lock guards
//! it all, so the HTTP layer (`http.rs`) stays thin. Mirrors the Python
//! track's `practice_api/state.py`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use crate::data::{self, Product, Rng};
use crate::{Clock, Config, PRODUCT_COUNT, Scenario};

/// One API request as the journal records it (secrets are never recorded).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct JournalEntry {
    /// Milliseconds since the server started or was reset (on its own clock).
    pub t_ms: u64,
    pub method: String,
    pub path: String,
    /// The route template, e.g. `/v1/products/{id}`.
    pub route: String,
    /// The raw query string, `""` when there is none.
    pub query: String,
    /// The status sent; 0 when the server reset the connection instead of answering.
    pub status: u16,
    pub idempotency_key: Option<String>,
    /// `"present"` or `"missing"`: whether an `Authorization` header was sent.
    pub auth: String,
    /// The client of a valid token, if any.
    pub client_id: Option<String>,
    /// For a 429: the earliest `t_ms` the client may call again.
    pub retry_at_ms: Option<u64>,
    /// The scheduled fault this request hit (`reset`, `503`, `500`, `502-after-commit`).
    pub fault: Option<String>,
}

/// A committed order, as `GET /__admin/orders` lists it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Order {
    pub id: String,
    pub product_id: u32,
    pub quantity: u64,
    pub total_cents: u64,
    pub note: Option<String>,
    pub created_at: String,
    pub idempotency_key: Option<String>,
    pub client_id: String,
}

impl Order {
    /// The body `POST /v1/orders` answers with (no key, no client).
    pub fn public(&self) -> Value {
        serde_json::json!({
            "id": self.id, "product_id": self.product_id, "quantity": self.quantity,
            "total_cents": self.total_cents, "note": self.note, "created_at": self.created_at,
        })
    }
}

/// A token bucket (fractional tokens, refilled lazily).
#[derive(Debug)]
struct Bucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    updated: f64,
}

impl Bucket {
    fn seconds_until(&self, tokens: f64) -> f64 {
        ((tokens - self.tokens) / self.per_second).max(0.0)
    }
}

/// What the rate limiter does in the current scenario.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub capacity: f64,
    pub window_s: f64,
    /// `Retry-After` as an HTTP-date instead of seconds.
    pub date: bool,
    pub start_empty: bool,
}

/// The outcome of taking (or peeking at) one request from a bucket.
pub struct Take {
    pub allowed: bool,
    /// `X-RateLimit-Limit`, `-Remaining`, `-Reset`.
    pub headers: [(&'static str, String); 3],
    /// Seconds until one request is available.
    pub wait_s: f64,
}

/// The mutable part of the server.
pub struct Inner {
    pub scenario: Scenario,
    pub journal: Vec<JournalEntry>,
    pub orders: Vec<Order>,
    /// Idempotency key -> (request body, stored response body).
    pub keys: HashMap<String, (Value, Value)>,
    tokens: HashMap<String, (String, u64)>,
    buckets: HashMap<String, Bucket>,
    route_counts: HashMap<&'static str, u64>,
    pub latency_rng: Rng,
    token_rng: Rng,
}

impl Inner {
    fn new(seed: u64) -> Inner {
        Inner {
            scenario: Scenario::Default,
            journal: Vec::new(),
            orders: Vec::new(),
            keys: HashMap::new(),
            tokens: HashMap::new(),
            buckets: HashMap::new(),
            route_counts: HashMap::new(),
            latency_rng: Rng::new(seed.wrapping_add(1)),
            token_rng: Rng::new(seed.wrapping_add(2)),
        }
    }

    /// Switching scenario empties the buckets and restarts the fault schedule.
    pub fn set_scenario(&mut self, scenario: Scenario) {
        self.scenario = scenario;
        self.buckets.clear();
        self.route_counts.clear();
    }

    pub fn token_lifetime_s(&self) -> u64 {
        if self.scenario == Scenario::ShortTokens {
            3
        } else {
            60
        }
    }

    /// Issues a new token for `client_id`, valid `token_lifetime_s` from `now_ms`.
    pub fn issue_token(&mut self, client_id: &str, now_ms: u64) -> (String, u64) {
        let token = format!(
            "{:016x}{:016x}",
            self.token_rng.next_u64(),
            self.token_rng.next_u64()
        );
        let life = self.token_lifetime_s();
        self.tokens
            .insert(token.clone(), (client_id.into(), now_ms + life * 1000));
        (token, life)
    }

    /// The client a bearer token belongs to, if it is known and not expired.
    pub fn client_of(&self, token: &str, now_ms: u64) -> Option<String> {
        self.tokens
            .get(token)
            .filter(|(_, expires)| now_ms < *expires)
            .map(|(c, _)| c.clone())
    }

    pub fn limits(&self, config: &Config) -> Limits {
        let scenario_bucket = |date, start_empty, window_s| Limits {
            capacity: 10.0,
            window_s,
            date,
            start_empty,
        };
        match self.scenario {
            Scenario::RateLimit => scenario_bucket(false, false, 2.0),
            Scenario::RetryAfterDate => scenario_bucket(true, false, 2.0),
            Scenario::LongWait => scenario_bucket(false, true, 36_000.0),
            _ => Limits {
                capacity: f64::from(config.rate_limit.capacity),
                window_s: config.rate_limit.per.as_secs_f64(),
                date: false,
                start_empty: false,
            },
        }
    }

    /// Takes one request from `key`'s bucket (or only looks, when `consume` is false).
    pub fn take(&mut self, key: &str, consume: bool, now_s: f64, limits: Limits) -> Take {
        let b = self.buckets.entry(key.to_string()).or_insert(Bucket {
            capacity: limits.capacity,
            per_second: limits.capacity / limits.window_s,
            tokens: if limits.start_empty {
                0.0
            } else {
                limits.capacity
            },
            updated: now_s,
        });
        b.tokens = (b.tokens + (now_s - b.updated).max(0.0) * b.per_second).min(b.capacity);
        b.updated = now_s;
        let allowed = b.tokens >= 1.0;
        if allowed && consume {
            b.tokens -= 1.0;
        }
        Take {
            allowed,
            headers: [
                ("x-ratelimit-limit", format!("{}", b.capacity as u64)),
                (
                    "x-ratelimit-remaining",
                    format!("{}", b.tokens.floor() as u64),
                ),
                (
                    "x-ratelimit-reset",
                    format!("{}", b.seconds_until(b.capacity).ceil() as u64),
                ),
            ],
            wait_s: b.seconds_until(1.0),
        }
    }

    /// Counts a call of `route` and returns its number (1-based).
    pub fn count(&mut self, route: &'static str) -> u64 {
        let n = self.route_counts.entry(route).or_insert(0);
        *n += 1;
        *n
    }

    /// `GET /__admin/journal/summary`.
    pub fn summary(&self) -> Value {
        let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_route: BTreeMap<String, u64> = BTreeMap::new();
        for e in &self.journal {
            *by_status.entry(e.status.to_string()).or_default() += 1;
            *by_route
                .entry(format!("{} {}", e.method, e.route))
                .or_default() += 1;
        }
        serde_json::json!({
            "total": self.journal.len(),
            "token_requests": self.journal.iter().filter(|e| e.path == "/oauth/token").count(),
            "rate_limited": by_status.get("429").copied().unwrap_or(0),
            "unauthorized": by_status.get("401").copied().unwrap_or(0),
            "faults": self.journal.iter().filter(|e| e.fault.is_some()).count(),
            "by_status": by_status,
            "by_route": by_route,
        })
    }
}

/// The server state shared by all handlers.
#[derive(Clone)]
pub struct Shared(Arc<SharedInner>);

pub struct SharedInner {
    pub config: Config,
    pub products: Vec<Product>,
    inner: Mutex<Inner>,
}

impl Shared {
    pub fn new(config: Config) -> Shared {
        let products = data::products(config.seed, PRODUCT_COUNT);
        let mut inner = Inner::new(config.seed);
        inner.set_scenario(config.scenario);
        Shared(Arc::new(SharedInner {
            config,
            products,
            inner: Mutex::new(inner),
        }))
    }
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    pub fn config(&self) -> &Config {
        &self.0.config
    }
    pub fn clock(&self) -> &Clock {
        &self.0.config.clock
    }
    pub fn products(&self) -> &[Product] {
        &self.0.products
    }
    /// Forgets everything and restarts the clock; the scenario goes back to `default`.
    pub fn reset(&self) {
        let mut st = self.lock();
        *st = Inner::new(self.0.config.seed);
        self.clock().reset();
    }
}
