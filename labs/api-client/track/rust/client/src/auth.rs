//! Bearer tokens (exercise 2): the OAuth 2 client-credentials grant, cached
//! until shortly before it expires, refreshed on expiry or after a 401.
//!
//! Secrets come from the environment, never from source code, and neither the
//! secret nor a token is ever printed (not even by `{:?}`).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;

use crate::config;
use crate::errors::ApiError;
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
        // TODO(lab): exercise 2. Show base_url and client_id, and "<redacted>" in
        // place of the secret and of any token (f.debug_struct("ClientCredentials")...).
        let _ = f;
        todo!("exercise 2: write Debug for ClientCredentials in client/src/auth.rs")
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
        // TODO(lab): exercise 2. Read ENV_CLIENT_ID and ENV_CLIENT_SECRET with env(..),
        // then ClientCredentials::new(base_url, &id, &secret).
        let _ = (base_url, env);
        todo!("exercise 2: write ClientCredentials::from_vars in client/src/auth.rs")
    }
}

impl TokenSource for ClientCredentials {
    /// The cached token while it is valid (minus a margin); otherwise a new one.
    fn token(&self) -> Result<String, ApiError> {
        // TODO(lab): exercise 2. Return the cached token while self.clock.now() is
        // before its expiry; otherwise POST a form (grant_type=client_credentials,
        // client_id, client_secret) to {base_url}/oauth/token with self.http, map a 401
        // to ApiError::Unauthorized, read access_token and expires_in, and cache the
        // token until now + expires_in - EXPIRY_MARGIN. Never print the token or the secret.
        let _ = (&self.http, &self.clock, &self.cached, &self.client_secret);
        todo!("exercise 2: write ClientCredentials::token in client/src/auth.rs")
    }

    fn invalidate(&self, token: &str) {
        // TODO(lab): exercise 2. Forget the cached token if it is `token`.
        let _ = token;
        todo!("exercise 2: write ClientCredentials::invalidate in client/src/auth.rs")
    }
}
