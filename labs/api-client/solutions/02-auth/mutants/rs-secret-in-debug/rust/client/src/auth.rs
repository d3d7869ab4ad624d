//! Bearer tokens (exercise 2): the OAuth 2 client-credentials grant, cached
//! until shortly before it expires, refreshed on expiry or after a 401.
//!
//! Secrets come from the environment, never from source code, and neither the
//! secret nor a token is ever printed (not even by `{:?}`).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::Value;

use crate::config;
use crate::errors::{ApiError, Problem};
use crate::retry::{RealSleeper, Sleeper};

pub const ENV_CLIENT_ID: &str = "PRACTICE_API_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "PRACTICE_API_CLIENT_SECRET";

/// Refresh this long before the server's expiry, so a token never dies in flight.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(1);

/// Where the pipeline gets bearer tokens.
pub trait TokenSource: Send + Sync {
    /// A token to send now.
    fn token(&self) -> Result<String, ApiError>;
    /// Forgets `token` (after a 401), so the next `token()` fetches a new one.
    fn invalidate(&self, token: &str);
}

/// A fixed token (tests, scripts). It cannot be refreshed.
pub struct StaticToken(pub String);

impl TokenSource for StaticToken {
    fn token(&self) -> Result<String, ApiError> {
        Ok(self.0.clone())
    }
    fn invalidate(&self, _token: &str) {}
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

/// Fetches tokens from `POST {base_url}/oauth/token` and caches them.
pub struct ClientCredentials {
    pub base_url: String,
    pub client_id: String,
    client_secret: String,
    http: Client,
    clock: Arc<dyn Sleeper>,
    /// The cached token and when (on `clock`) to stop using it.
    cached: Mutex<Option<(String, Instant)>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field(
                "token",
                &self
                    .cached
                    .lock()
                    .map(|c| c.as_ref().map(|_| "<redacted>"))
                    .unwrap_or(None),
            )
            .finish()
    }
}

impl ClientCredentials {
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<ClientCredentials, ApiError> {
        Ok(ClientCredentials {
            base_url: base_url.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            http: config::http_client()?,
            clock: Arc::new(RealSleeper),
            cached: Mutex::new(None),
        })
    }

    /// Reads the time from `clock` (tests pass a fake one that they move forward).
    pub fn with_clock(mut self, clock: Arc<dyn Sleeper>) -> ClientCredentials {
        self.clock = clock;
        self
    }

    /// From the real environment (given).
    pub fn from_env(base_url: &str) -> Result<ClientCredentials, ApiError> {
        ClientCredentials::from_vars(base_url, |name| std::env::var(name).ok())
    }

    /// Reads `PRACTICE_API_CLIENT_ID` and `PRACTICE_API_CLIENT_SECRET` through `env`;
    /// `ApiError::Config` names the missing variable.
    pub fn from_vars(
        base_url: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientCredentials, ApiError> {
        let var = |name: &str| {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| ApiError::Config(format!("{name} is not set")))
        };
        ClientCredentials::new(base_url, &var(ENV_CLIENT_ID)?, &var(ENV_CLIENT_SECRET)?)
    }

    /// `POST /oauth/token`: a new token and its lifetime.
    fn fetch(&self) -> Result<(String, Duration), ApiError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        let resp = self
            .http
            .post(format!("{}/oauth/token", self.base_url))
            .form(&form)
            .send()?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().unwrap_or(Value::Null);
        let text = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        if status != 200 {
            let problem = Problem {
                status,
                title: text("title"),
                detail: text("detail"),
            };
            return Err(if status == 401 {
                ApiError::Unauthorized(problem)
            } else {
                ApiError::Http(problem)
            });
        }
        let token = text("access_token");
        let expires_in = body.get("expires_in").and_then(Value::as_u64);
        match (token.is_empty(), expires_in) {
            (false, Some(secs)) => Ok((token, Duration::from_secs(secs))),
            _ => Err(ApiError::Decode(
                "the token response lacks access_token or expires_in".into(),
            )),
        }
    }
}

impl TokenSource for ClientCredentials {
    /// The cached token while it is valid (minus a margin); otherwise a new one.
    fn token(&self) -> Result<String, ApiError> {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        if let Some((token, _)) = cached.as_ref().filter(|(_, until)| now < *until) {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.fetch()?;
        *cached = Some((token.clone(), now + lifetime.saturating_sub(EXPIRY_MARGIN)));
        Ok(token)
    }

    fn invalidate(&self, token: &str) {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = None;
        }
    }
}
