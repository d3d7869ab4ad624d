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


def load_config(env: Mapping[str, str]) -> Config:
    """Builds the configuration from `env` (os.environ in production)."""
    # TODO(lab): exercise 2. Apply the defaults of the table above (HOST is
    # 0.0.0.0 so the service is reachable on a VM), validate PORT and
    # LOG_LEVEL, and require APP_SECRET_KEY. Every ConfigError names the variable.
    return Config(
        host=env.get("HOST", "127.0.0.1"),
        port=int(env.get("PORT", "8080")),
        log_level=env.get("LOG_LEVEL", "info"),
        secret_key=env.get("APP_SECRET_KEY", ""),
    )
