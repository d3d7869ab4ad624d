"""Bearer tokens (exercise 2): the OAuth 2 client-credentials grant, cached
until shortly before it expires, refreshed on expiry or after a 401.

Secrets come from the environment, never from source code, and neither the
secret nor a token is ever logged.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

import requests

from .config import DEFAULT_TIMEOUT, ConfigError
from .errors import ApiError, Unauthorized

log = logging.getLogger(__name__)

ENV_CLIENT_ID = "PRACTICE_API_CLIENT_ID"
ENV_CLIENT_SECRET = "PRACTICE_API_CLIENT_SECRET"


class StaticToken:
    """A fixed token (tests, scripts). It cannot be refreshed."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> None:
        pass

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"


class ClientCredentials:
    """Fetches tokens from ``POST {base_url}/oauth/token`` and caches them."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls,
        base_url: str,
        *,
        environ: Mapping[str, str] | None = None,
        **kwargs: object,
    ) -> "ClientCredentials":
        """Reads PRACTICE_API_CLIENT_ID and PRACTICE_API_CLIENT_SECRET;
        raises ConfigError naming the missing variable."""
        env = os.environ if environ is None else environ
        # TODO(lab): exercise 2. Read ENV_CLIENT_ID and ENV_CLIENT_SECRET from `env`
        # and return cls(base_url, client_id, client_secret, **kwargs).
        raise NotImplementedError("TODO(lab): exercise 2, ClientCredentials.from_env in client/auth.py")

    def token(self) -> str:
        """A valid access token: the cached one, or a new one when it is
        missing or about to expire. Raises Unauthorized on bad credentials."""
        # TODO(lab): exercise 2. Return the cached token while
        # self.clock() is before its expiry (minus a small margin); otherwise
        # POST grant_type=client_credentials, client_id and client_secret as a
        # form to /oauth/token, with self.timeout; raise Unauthorized on 401.
        # Log that you fetched a token, never the token or the secret.
        raise NotImplementedError("TODO(lab): exercise 2, ClientCredentials.token in client/auth.py")

    def invalidate(self, token: str) -> None:
        """Forgets `token` (after a 401), so the next token() fetches anew."""
        # TODO(lab): exercise 2. Forget the cached token if it is `token`.
        raise NotImplementedError("TODO(lab): exercise 2, ClientCredentials.invalidate in client/auth.py")

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, secret=<redacted>)"
