//! Shared test helpers: a practice API per test (in-process, on port 0), and a
//! fake clock that moves the server's clock instead of sleeping for real.
//! Given: you do not need to change this file.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::{ApiClient, Sleeper, StaticToken};
use practice_api::{Clock, Config, Handle, JournalEntry, Order, RateLimit, Scenario};
use serde_json::Value;

pub const CLIENT_ID: &str = practice_api::CLIENT_ID;
pub const CLIENT_SECRET: &str = practice_api::CLIENT_SECRET;

/// A running practice API (stopped when dropped), talked to with plain reqwest
/// so a broken client never breaks the harness.
pub struct Lab {
    pub api: Handle,
    clock: Clock,
    http: reqwest::blocking::Client,
}

/// A fresh practice API: seed 7, scenario `default`, a rate limit that is never reached.
pub fn lab() -> Lab {
    let clock = Clock::real();
    let config = Config {
        seed: 7,
        rate_limit: RateLimit {
            capacity: 1000,
            per: Duration::from_secs(1),
        },
        clock: clock.clone(),
        ..Config::default()
    };
    Lab {
        api: practice_api::spawn(config),
        clock,
        http: reqwest::blocking::Client::new(),
    }
}

impl Lab {
    pub fn url(&self) -> String {
        self.api.url()
    }

    pub fn scenario(&self, name: &str) {
        let scenario: Scenario = name.parse().expect("scenario name");
        self.api.set_scenario(scenario);
    }

    /// A valid access token, fetched directly.
    pub fn token(&self) -> String {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ];
        let resp = self
            .http
            .post(format!("{}/oauth/token", self.url()))
            .form(&form)
            .send()
            .expect("token request");
        assert_eq!(
            resp.status(),
            200,
            "the practice API refused the lab credentials"
        );
        resp.json::<Value>().expect("token json")["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// `GET /v1/products/{id}`, directly.
    pub fn product(&self, id: u64) -> Value {
        let resp = self
            .http
            .get(format!("{}/v1/products/{id}", self.url()))
            .bearer_auth(self.token())
            .send()
            .expect("product");
        assert_eq!(resp.status(), 200);
        resp.json().expect("product json")
    }

    /// The journal, all of it or one route (`/v1/products/{id}`, `/oauth/token`...).
    pub fn journal(&self, route: Option<&str>) -> Vec<JournalEntry> {
        self.api
            .journal()
            .into_iter()
            .filter(|e| route.is_none_or(|r| e.route == r))
            .collect()
    }

    pub fn orders(&self) -> Vec<Order> {
        self.api.orders()
    }

    /// Empties the rate-limit bucket with direct requests (never a 429).
    pub fn drain(&self) {
        let token = self.token();
        for _ in 0..100 {
            let resp = self
                .http
                .get(format!("{}/v1/products/1", self.url()))
                .bearer_auth(&token)
                .send()
                .expect("drain");
            assert_eq!(resp.status(), 200, "drain got {}", resp.status());
            if resp
                .headers()
                .get("x-ratelimit-remaining")
                .is_some_and(|v| v == "0")
            {
                return;
            }
        }
        panic!("the bucket never emptied");
    }

    /// A fake clock for the client that moves this server's clock.
    pub fn clock(&self) -> Arc<LabClock> {
        Arc::new(LabClock {
            server: self.clock.clone(),
            offset: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        })
    }

    /// A client with a fixed token (no need for exercise 2).
    pub fn client(&self) -> ApiClient {
        ApiClient::new(&self.url(), StaticToken(self.token())).expect("client")
    }

    /// The same, waiting on `clock`.
    pub fn client_with(&self, clock: &Arc<LabClock>) -> ApiClient {
        self.client().with_sleeper(clock.clone())
    }
}

/// Sleeping records the wait and moves the practice API's clock forward instead
/// of waiting for real.
pub struct LabClock {
    server: Clock,
    offset: Mutex<Duration>,
    pub sleeps: Mutex<Vec<Duration>>,
}

impl LabClock {
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

impl Sleeper for LabClock {
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
        *self.offset.lock().unwrap() += d;
        self.server.advance(d);
    }
    fn now(&self) -> Instant {
        Instant::now() + *self.offset.lock().unwrap()
    }
}

/// A fake clock that stands still except when it sleeps.
#[derive(Default)]
pub struct FakeClock {
    start: Option<Instant>,
    elapsed: Mutex<Duration>,
    pub sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    pub fn new() -> FakeClock {
        FakeClock {
            start: Some(Instant::now()),
            ..FakeClock::default()
        }
    }
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

impl Sleeper for FakeClock {
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
        *self.elapsed.lock().unwrap() += d;
    }
    fn now(&self) -> Instant {
        self.start.expect("FakeClock::new()") + *self.elapsed.lock().unwrap()
    }
}

/// The query of a journal entry as a map.
pub fn query(entry: &JournalEntry) -> HashMap<String, String> {
    entry
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Milliseconds as a Duration (readable test tables).
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
