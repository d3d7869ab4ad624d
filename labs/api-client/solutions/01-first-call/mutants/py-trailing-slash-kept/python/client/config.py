"""Where the client connects, and how long it waits (exercise 1)."""

from __future__ import annotations

import os
from collections.abc import Mapping

ENV_BASE_URL = "PRACTICE_API_URL"

# (connect, read) in seconds. Without a timeout, requests waits forever on a
# server that accepted the connection and never answers.
DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def base_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The API's base URL from ``PRACTICE_API_URL``, without a trailing ``/``.

    Raises ConfigError naming the variable when it is unset or not http(s).
    """
    env = os.environ if environ is None else environ
    url = env.get(ENV_BASE_URL, "").strip()
    if not url:
        raise ConfigError(f"{ENV_BASE_URL} is not set; export it, for example {ENV_BASE_URL}=http://127.0.0.1:8080")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{ENV_BASE_URL}={url!r} is not an http(s) URL")
    return url
