"""Exercise 2: twelve-factor configuration, read from the environment only.

| variable        | default   | rule                                         |
|-----------------|-----------|----------------------------------------------|
| PORT            | 8080      | a whole number 0..65535 (0: any free port)   |
| HOST            | 0.0.0.0   | the address to bind (0.0.0.0: every one)    |
| LOG_LEVEL       | info      | one of debug, info, warning, error          |
| APP_SECRET_KEY  | (none)    | required, not empty; never logged or printed |

Anything invalid raises ConfigError with a message that names the variable;
`server.main()` prints it to stderr and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LOG_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(ValueError):
    """The environment does not hold a usable configuration."""


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    log_level: str
    # repr=False: a Config printed in a log or a traceback never shows the secret.
    secret_key: str = field(repr=False)


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"PORT must be a whole number, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be between 0 and 65535, got {port}")
    return port


def load_config(env: Mapping[str, str]) -> Config:
    """Builds the configuration from `env` (os.environ in production)."""
    host = env.get("HOST") or "0.0.0.0"
    port = _port(env.get("PORT") or "8080")
    log_level = (env.get("LOG_LEVEL") or "info").lower()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    secret_key = env.get("APP_SECRET_KEY", "")
    if "APP_SECRET_KEY" not in env:
        raise ConfigError("APP_SECRET_KEY is required: set it in the environment (never in code or git)")
    return Config(host=host, port=port, log_level=log_level, secret_key=secret_key)
