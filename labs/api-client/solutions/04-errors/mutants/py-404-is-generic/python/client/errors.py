"""Typed errors of the client (exercise 4).

Callers catch what they can act on (``NotFound``, ``ValidationError``,
``Unauthorized``, ``RateLimited``) instead of inspecting status codes, and
transient server failures (``ServerError``) are what exercise 5 retries.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class FieldError:
    """One entry of a 422 response's ``errors`` list."""

    field: str
    msg: str


class ApiError(Exception):
    """An HTTP error response, with the problem+json fields (RFC 9457)."""

    def __init__(self, status: int, title: str = "", detail: str = "", *, body: object = None) -> None:
        super().__init__(f"{status} {title}: {detail}".strip(": "))
        self.status = status
        self.title = title
        self.detail = detail
        self.body = body


class Unauthorized(ApiError):
    """401: the token (or the client secret) was refused."""


class NotFound(ApiError):
    """404: the resource does not exist. Never worth a retry."""


class ValidationError(ApiError):
    """422: the request was understood but invalid; ``errors`` says why."""

    def __init__(self, status: int, title: str = "", detail: str = "", *, body: object = None, errors: list[FieldError] | None = None) -> None:
        super().__init__(status, title, detail, body=body)
        self.errors = errors or []


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` is the wait in seconds the server asked for (None when unknown)."""

    def __init__(self, status: int = 429, title: str = "", detail: str = "", *, body: object = None, retry_after: float | None = None) -> None:
        super().__init__(status, title, detail, body=body)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server failed; maybe transient. ``retry_after`` as for RateLimited."""

    def __init__(self, status: int, title: str = "", detail: str = "", *, body: object = None, retry_after: float | None = None) -> None:
        super().__init__(status, title, detail, body=body)
        self.retry_after = retry_after


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After", "").strip()
    try:
        return float(value)
    except ValueError:
        return None


def raise_for_response(resp: requests.Response) -> None:
    """Returns for 1xx-3xx; raises the matching ApiError subclass otherwise.

    The message comes from the problem+json body (``title``, ``detail``);
    422 bodies carry ``errors: [{field, msg}]``.
    """
    if resp.status_code < 400:
        return
    try:
        body = resp.json()
    except ValueError:
        body = None
    problem = body if isinstance(body, dict) else {}
    title = str(problem.get("title") or resp.reason or "")
    detail = str(problem.get("detail") or "")
    status = resp.status_code
    if status == 401:
        raise Unauthorized(status, title, detail, body=body)
    if status == 422:
        errors = [FieldError(str(e.get("field", "")), str(e.get("msg", ""))) for e in problem.get("errors", []) if isinstance(e, dict)]
        raise ValidationError(status, title, detail, body=body, errors=errors)
    if status == 429:
        raise RateLimited(status, title, detail, body=body, retry_after=_retry_after(resp))
    if status >= 500:
        raise ServerError(status, title, detail, body=body, retry_after=_retry_after(resp))
    raise ApiError(status, title, detail, body=body)
