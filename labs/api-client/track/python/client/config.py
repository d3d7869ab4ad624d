"""Where the client connects, and how long it waits (exercise 1)."""

from __future__ import annotations

import os
from collections.abc import Mapping

ENV_BASE_URL = "PRACTICE_API_URL"

# TODO(lab): exercise 1. Set explicit (connect, read) timeouts in seconds, for
# example (3.05, 10.0). `None` means requests waits forever on a server that
# accepted the connection and never answers.
DEFAULT_TIMEOUT: tuple[float, float] | None = None


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def base_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The API's base URL from ``PRACTICE_API_URL``, without a trailing ``/``.

    `environ` defaults to ``os.environ`` (tests pass a dict). Raises
    ConfigError naming the variable when it is unset or not http(s).
    """
    env = os.environ if environ is None else environ
    # TODO(lab): exercise 1. Read ENV_BASE_URL from `env`, check it, strip a trailing "/".
    raise NotImplementedError("TODO(lab): exercise 1, base_url_from_env in client/config.py")
