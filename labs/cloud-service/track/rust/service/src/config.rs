//! Exercise 2: twelve-factor configuration, read from the environment only.
//!
//! | variable       | default   | rule                                         |
//! |----------------|-----------|----------------------------------------------|
//! | PORT           | 8080      | a whole number 0..65535 (0: any free port)   |
//! | HOST           | 0.0.0.0   | the address to bind (0.0.0.0: every one)    |
//! | LOG_LEVEL      | info      | one of debug, info, warning, error          |
//! | APP_SECRET_KEY | (none)    | required, not empty; never logged or printed |
//!
//! Anything invalid is a [`ConfigError`] whose message names the variable;
//! `server::main` prints it to stderr and exits with status 2.

use std::collections::HashMap;
use std::fmt;

pub const LOG_LEVELS: [&str; 4] = ["debug", "info", "warning", "error"];

/// The environment does not hold a usable configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub log_level: String,
    pub secret_key: String,
}

/// Debug without the secret: a Config in a log or a panic never shows it.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("log_level", &self.log_level)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// Builds the configuration from `env` (the process environment in production).
pub fn load_config(env: &HashMap<String, String>) -> Result<Config, ConfigError> {
    // TODO(lab): exercise 2. Apply the defaults of the table above (HOST is
    // 0.0.0.0 so the service is reachable on a VM), validate PORT and
    // LOG_LEVEL, and require APP_SECRET_KEY. Every ConfigError names the variable.
    Ok(Config {
        host: env
            .get("HOST")
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".into()),
        port: env.get("PORT").and_then(|p| p.parse().ok()).unwrap_or(8080),
        log_level: env
            .get("LOG_LEVEL")
            .cloned()
            .unwrap_or_else(|| "info".into()),
        secret_key: env.get("APP_SECRET_KEY").cloned().unwrap_or_default(),
    })
}
