//! The API client: one `request` pipeline that every exercise plugs into.
//!
//! ```text
//! request()                         one logical call (counted in stats.calls)
//!   call_with_retries(..)           exercise 5: transient failures, backoff
//!     limiter.call(..)              exercise 6: Retry-After and throttling
//!       send_authorized(..)         bearer token, one refresh on 401 (exercise 2)
//!         send(..)                  exercise 1: one HTTP request with timeouts
//!     error_for_response(..)        exercise 4: typed errors
//! ```
//!
//! The pipeline is given; you write the pieces (exercise 1: `send` and
//! `get_product`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Method;
use reqwest::blocking::{Client, Response};
use serde_json::Value;

use crate::auth::{ClientCredentials, TokenSource};
use crate::config;
use crate::errors::{ApiError, error_for_response};
use crate::models::Product;
use crate::pagination::iter_items;
use crate::ratelimit::RateLimiter;
use crate::retry::{RealSleeper, RetryPolicy, Sleeper, call_with_retries, random_unit};

/// What the client did, for the capstone's summary.
#[derive(Debug, Default)]
pub struct Stats {
    /// Logical requests (`request()` calls).
    pub calls: AtomicU64,
    /// HTTP requests sent to `/v1` (not counting `/oauth/token`).
    pub requests: AtomicU64,
    /// 429 responses received.
    pub rate_limited: AtomicU64,
}

impl Stats {
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::SeqCst)
    }
    /// Requests sent beyond one per logical call.
    pub fn retries(&self) -> u64 {
        self.requests().saturating_sub(self.calls())
    }
}

/// One outgoing request of the pipeline.
#[derive(Clone, Debug)]
pub struct Call<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(&'a str, String)],
    pub json: Option<&'a Value>,
    pub headers: &'a [(&'a str, String)],
}

pub struct ApiClient {
    pub base_url: String,
    pub http: Client,
    pub auth: Box<dyn TokenSource>,
    pub retry: RetryPolicy,
    pub limiter: RateLimiter,
    pub sleeper: Arc<dyn Sleeper>,
    pub stats: Stats,
}

impl ApiClient {
    /// A client for `base_url` that gets its bearer tokens from `auth`.
    pub fn new(base_url: &str, auth: impl TokenSource + 'static) -> Result<ApiClient, ApiError> {
        Ok(ApiClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            http: config::http_client()?,
            auth: Box::new(auth),
            retry: RetryPolicy::default(),
            limiter: RateLimiter::default(),
            sleeper: Arc::new(RealSleeper),
            stats: Stats::default(),
        })
    }

    /// Configured from the environment: `PRACTICE_API_URL`, `PRACTICE_API_CLIENT_ID`,
    /// `PRACTICE_API_CLIENT_SECRET`.
    pub fn from_env() -> Result<ApiClient, ApiError> {
        let base_url = config::base_url_from_env()?;
        let auth = ClientCredentials::from_env(&base_url)?;
        ApiClient::new(&base_url, auth)
    }

    /// Waits and reads the time through `sleeper` (tests pass a fake one).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> ApiClient {
        self.sleeper = sleeper;
        self
    }

    /// Replaces the configured timeouts (tests use short ones).
    pub fn with_timeouts(
        mut self,
        connect: Duration,
        request: Duration,
    ) -> Result<ApiClient, ApiError> {
        self.http = config::http_client_with(Some(connect), Some(request))?;
        Ok(self)
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> ApiClient {
        self.retry = retry;
        self
    }

    pub fn with_limiter(mut self, limiter: RateLimiter) -> ApiClient {
        self.limiter = limiter;
        self
    }

    // -- the pipeline (given) ---------------------------------------------------

    /// Sends one logical request through auth, rate limiting, error mapping and
    /// retries; returns a 2xx/3xx response or an [`ApiError`].
    pub fn request(&self, call: &Call<'_>) -> Result<Response, ApiError> {
        self.stats.calls.fetch_add(1, Ordering::SeqCst);
        call_with_retries(
            &self.retry,
            &call.method,
            call.headers,
            &*self.sleeper,
            random_unit,
            || {
                let resp = self
                    .limiter
                    .call(&*self.sleeper, || self.send_authorized(call))?;
                error_for_response(resp)
            },
        )
    }

    /// `GET path?query` through the pipeline.
    pub fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Response, ApiError> {
        self.request(&Call {
            method: Method::GET,
            path,
            query,
            json: None,
            headers: &[],
        })
    }

    fn send_authorized(&self, call: &Call<'_>) -> Result<Response, ApiError> {
        let token = self.auth.token()?;
        let resp = self.counted(call, &token)?;
        if resp.status() == 401 {
            // The token may have expired early or been revoked: refresh once.
            self.auth.invalidate(&token);
            let fresh = self.auth.token()?;
            if fresh != token {
                return self.counted(call, &fresh);
            }
        }
        Ok(resp)
    }

    fn counted(&self, call: &Call<'_>, token: &str) -> Result<Response, ApiError> {
        self.stats.requests.fetch_add(1, Ordering::SeqCst);
        let resp = self.send(call, token)?;
        if resp.status() == 429 {
            self.stats.rate_limited.fetch_add(1, Ordering::SeqCst);
        }
        Ok(resp)
    }

    /// Every product, page by page (exercise 3 does the paging).
    pub fn iter_products(
        &self,
        limit: u32,
    ) -> impl Iterator<Item = Result<Product, ApiError>> + '_ {
        iter_items(self, "/v1/products", limit)
            .map(|item| item.and_then(|v| Product::from_json(&v)))
    }

    // -- exercise 1 ---------------------------------------------------------------

    /// Sends exactly one HTTP request to `base_url + path` with the query, the JSON
    /// body, the headers and `Authorization: Bearer <token>`; returns the response
    /// whatever its status (errors are mapped later in the pipeline). Transport
    /// failures become `ApiError::Timeout` / `ApiError::Transport` (see `From<reqwest::Error>`).
    pub fn send(&self, call: &Call<'_>, token: &str) -> Result<Response, ApiError> {
        let url = format!("{}{}", self.base_url, call.path);
        let mut req = self
            .http
            .request(call.method.clone(), url)
            .query(call.query)
            .bearer_auth(token);
        for (name, value) in call.headers {
            req = req.header(*name, value);
        }
        if let Some(body) = call.json {
            req = req.json(body);
        }
        Ok(req.send()?)
    }

    /// `GET /v1/products/{id}` as a [`Product`], through [`ApiClient::request`].
    pub fn get_product(&self, id: u64) -> Result<Product, ApiError> {
        let resp = self.get(&format!("/v1/products/{id}"), &[])?;
        let body: Value = resp.json()?;
        Product::from_json(&body)
    }
}
