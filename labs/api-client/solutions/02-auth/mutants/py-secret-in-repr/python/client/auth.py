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
        values = []
        for name in (ENV_CLIENT_ID, ENV_CLIENT_SECRET):
            value = env.get(name, "").strip()
            if not value:
                raise ConfigError(f"{name} is not set; export it (see the README for the practice credentials)")
            values.append(value)
        return cls(base_url, values[0], values[1], **kwargs)  # type: ignore[arg-type]

    def token(self) -> str:
        """A valid access token: the cached one, or a new one when it is
        missing or about to expire. Raises Unauthorized on bad credentials."""
        with self._lock:
            if self._token is not None and self.clock() < self._expires_at:
                return self._token
            return self._fetch()

    def invalidate(self, token: str) -> None:
        """Forgets `token` (after a 401), so the next token() fetches anew."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> str:
        started = self.clock()
        resp = self.session.post(
            f"{self.base_url}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._secret},
            headers={"Accept": "application/json"},
            timeout=self.timeout,
        )
        if resp.status_code in (400, 401):
            raise Unauthorized(resp.status_code, "token request refused", f"check {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}")
        if resp.status_code != 200:
            raise ApiError(resp.status_code, "token request failed", resp.reason or "")
        body = resp.json()
        lifetime = float(body.get("expires_in", 60))
        # Refresh a little early: 10% of the lifetime, at most 30 s.
        margin = min(30.0, lifetime * 0.1)
        self._token = str(body["access_token"])
        self._expires_at = started + lifetime - margin
        log.info("fetched an access token for %s, valid %.0f s", self.client_id, lifetime)
        return self._token

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, secret={self._secret!r})"
