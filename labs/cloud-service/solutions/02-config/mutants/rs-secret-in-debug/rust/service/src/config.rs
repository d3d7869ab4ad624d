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
            .field("secret_key", &self.secret_key)
            .finish()
    }
}

/// Builds the configuration from `env` (the process environment in production).
pub fn load_config(env: &HashMap<String, String>) -> Result<Config, ConfigError> {
    let get = |name: &str| {
        env.get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let host = get("HOST").unwrap_or("0.0.0.0").to_string();
    let raw_port = get("PORT").unwrap_or("8080");
    let port: u16 = raw_port.trim().parse().map_err(|_| {
        ConfigError(format!(
            "PORT must be a whole number between 0 and 65535, got {raw_port:?}"
        ))
    })?;
    let log_level = get("LOG_LEVEL").unwrap_or("info").to_ascii_lowercase();
    if !LOG_LEVELS.contains(&log_level.as_str()) {
        return Err(ConfigError(format!(
            "LOG_LEVEL must be one of {}, got {log_level:?}",
            LOG_LEVELS.join(", ")
        )));
    }
    let secret_key = get("APP_SECRET_KEY")
        .ok_or_else(|| {
            ConfigError(
                "APP_SECRET_KEY is required: set it in the environment (never in code or git)"
                    .into(),
            )
        })?
        .to_string();
    Ok(Config {
        host,
        port,
        log_level,
        secret_key,
    })
}
