"""The API client: one ``request`` pipeline that every exercise plugs into.

    request()                       logical call (counted in stats.calls)
      call_with_retries(...)        exercise 5: transient failures, backoff
        limiter.call(...)           exercise 6: Retry-After and throttling
          _send_authorized(...)     bearer token, one refresh on 401 (exercise 2)
            _send(...)              exercise 1: one HTTP request with timeouts
        raise_for_response(...)     exercise 4: typed errors

The pipeline is given; you write the pieces. Until you write a piece, its
starter passes the call straight through, so earlier exercises keep working.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from .auth import ClientCredentials
from .config import DEFAULT_TIMEOUT, base_url_from_env
from .errors import raise_for_response
from .models import Product
from .pagination import iter_items
from .ratelimit import RateLimiter
from .retry import RetryPolicy, call_with_retries


class TokenSource(Protocol):
    def token(self) -> str: ...
    def invalidate(self, token: str) -> None: ...


@dataclass
class Stats:
    """What the client did, for the capstone's summary."""

    calls: int = 0  # logical requests (request() calls)
    requests: int = 0  # HTTP requests sent to /v1 (not counting /oauth/token)
    rate_limited: int = 0  # 429 responses received

    @property
    def retries(self) -> int:
        return self.requests - self.calls


class ApiClient:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        auth: TokenSource | None = None,
        timeout: tuple[float, float] | None = None,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = (base_url or base_url_from_env()).rstrip("/")
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self.session = session if session is not None else requests.Session()
        self.sleep = sleep
        self.clock = clock
        self.auth: TokenSource = auth if auth is not None else ClientCredentials.from_env(
            self.base_url, session=self.session, timeout=self.timeout, clock=clock
        )
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.stats = Stats()

    # -- the pipeline (given) --------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Sends one logical request through auth, rate limiting, error
        mapping and retries; returns a 2xx/3xx response or raises ApiError
        (or a requests exception for network failures)."""
        self.stats.calls += 1
        hdrs = dict(headers or {})

        def send() -> requests.Response:
            return self._send_authorized(method, path, params=params, json=json, headers=hdrs)

        def attempt() -> requests.Response:
            resp = self.limiter.call(send, sleep=self.sleep)
            raise_for_response(resp)
            return resp

        return call_with_retries(
            attempt,
            policy=self.retry,
            method=method,
            headers=hdrs,
            sleep=self.sleep,
            clock=self.clock,
        )

    def _send_authorized(self, method: str, path: str, **kw: Any) -> requests.Response:
        token = self.auth.token()
        resp = self._counted(method, path, token, **kw)
        if resp.status_code == 401:
            # The token may have expired early or been revoked: refresh once.
            self.auth.invalidate(token)
            fresh = self.auth.token()
            if fresh != token:
                resp = self._counted(method, path, fresh, **kw)
        return resp

    def _counted(self, method: str, path: str, token: str, **kw: Any) -> requests.Response:
        self.stats.requests += 1
        resp = self._send(method, path, token=token, **kw)
        if resp.status_code == 429:
            self.stats.rate_limited += 1
        return resp

    # -- exercise 1 ------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        token: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Sends exactly one HTTP request to ``base_url + path`` with the
        bearer token and explicit timeouts; returns the response whatever
        its status (errors are mapped later in the pipeline)."""
        all_headers = {"Accept": "application/json", **(headers or {}), "Authorization": f"Bearer {token}"}
        return self.session.request(
            method,
            self.base_url + path,
            params=params,
            json=json,
            headers=all_headers,
        )

    def get_product(self, product_id: int) -> Product:
        """``GET /v1/products/{id}`` as a Product."""
        resp = self.request("GET", f"/v1/products/{int(product_id)}")
        return Product.from_json(resp.json())

    # -- given helpers -----------------------------------------------------------
    def iter_products(self, limit: int = 10) -> Iterator[Product]:
        """Every product, page by page (exercise 3 does the paging)."""
        for item in iter_items(self, "/v1/products", limit=limit):
            yield Product.from_json(item)
