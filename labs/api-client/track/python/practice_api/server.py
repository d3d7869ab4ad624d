"""The HTTP layer of the practice API: routing, auth, rate limiting, faults and
the journal entry of every non-admin request. State lives in ``state.py``.
The contract is ``practice-api/openapi.yaml``."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import socket
import struct
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from .state import SCENARIOS, State, decode_cursor, encode_cursor

PROBLEM = "application/problem+json"


@dataclass
class Response:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    reset: bool = False  # drop the connection instead of answering


def problem(status: int, kind: str, title: str, detail: str, **extra: object) -> Response:
    body = {"type": f"/problems/{kind}", "title": title, "status": status, "detail": detail, **extra}
    return Response(status, body, content_type=PROBLEM)


def http_date(unix: float) -> str:
    return format_datetime(datetime.fromtimestamp(math.floor(unix), timezone.utc), usegmt=True)


def route_of(path: str) -> str | None:
    if path in ("/oauth/token", "/v1/products", "/v1/orders", "/v1/slow"):
        return path
    if path.startswith("/v1/products/") and path.count("/") == 3:
        return "/v1/products/{id}"
    return None


class PracticeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, state: State, latency: tuple[float, float] | None):
        super().__init__(addr, Handler)
        self.state = state
        self.latency = latency

    def handle_error(self, request, client_address) -> None:  # quiet on client hang-ups
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "practice-api/1.0"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's
    # algorithm and the client's delayed ACK add 40 ms to every keep-alive call.
    disable_nagle_algorithm = True
    server: PracticeServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return http_date(timestamp if timestamp is not None else self.server.state.clock.wall())

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_PATCH(self) -> None:
        self.dispatch("PATCH")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    # -- plumbing ------------------------------------------------------------
    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            self.send(problem(400, "bad-request", "Bad request", "Content-Length is not a number"))
            return
        body = self.rfile.read(length) if length > 0 else b""
        if url.path.startswith("/__admin/"):
            self.send(self.admin(method, url.path, body))
            return
        state = self.server.state
        epoch = state.epoch
        entry = {
            "t_ms": state.now_ms(),
            "method": method,
            "path": url.path,
            "route": route_of(url.path) or url.path,
            "query": url.query,
            "status": 0,
            "idempotency_key": self.headers.get("Idempotency-Key"),
            "auth": "present" if self.headers.get("Authorization") else "missing",
            "client_id": None,
            "retry_at_ms": None,
            "fault": None,
        }
        try:
            resp = self.api(method, url.path, url.query, body, entry)
        except Exception as exc:  # a bug in the practice API must still answer
            resp = problem(500, "internal", "Internal error", f"practice API bug: {exc!r}")
        entry["status"] = 0 if resp.reset else resp.status
        state.record(entry, epoch)
        if resp.reset:
            self.reset_connection()
        else:
            self.send(resp)

    def send(self, resp: Response) -> None:
        data = b"" if resp.body is None else json.dumps(resp.body).encode()
        try:
            self.send_response(resp.status)
            if data:
                self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def reset_connection(self) -> None:
        """Drops the connection with a TCP reset (SO_LINGER 0), no response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def json_body(self, body: bytes) -> tuple[object, Response | None]:
        try:
            return json.loads(body or b"null"), None
        except ValueError as exc:
            return None, problem(400, "bad-json", "Malformed JSON", f"the body is not valid JSON: {exc}")

    # -- the public API --------------------------------------------------------
    def api(self, method: str, path: str, query: str, body: bytes, entry: dict) -> Response:
        state = self.server.state
        route = route_of(path)
        if route is None:
            return problem(404, "not-found", "Not found", f"no route {path}")
        allowed = "POST" if route in ("/oauth/token", "/v1/orders") else "GET"
        if method != allowed:
            resp = problem(405, "method-not-allowed", "Method not allowed", f"{route} accepts {allowed}")
            resp.headers["Allow"] = allowed
            return resp
        if route == "/oauth/token":
            resp = self.token(body)
            resp.headers.update(state.take(state.client_id, consume=False)[1])
            return resp
        auth = self.headers.get("Authorization", "")
        client_id = state.client_for(auth[7:].strip() if auth[:7].lower() == "bearer " else None)
        if client_id is None:
            detail = "the bearer token has expired or is unknown" if auth else "send Authorization: Bearer <token>"
            resp = problem(401, "unauthorized", "Unauthorized", detail)
            resp.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            resp.headers.update(state.take("anonymous", consume=False)[1])
            return resp
        entry["client_id"] = client_id
        ok, limit_headers, wait = state.take(client_id)
        if not ok:
            resp = self.rate_limited(wait, entry)
        else:
            delay = state.latency(self.server.latency)
            if delay:
                time.sleep(delay)
            resp = self.route(route, path, query, body, entry, client_id)
        resp.headers.update(limit_headers)
        return resp

    def rate_limited(self, wait: float, entry: dict) -> Response:
        state = self.server.state
        limits = state.limits()
        seconds = max(1, math.ceil(wait))
        resp = problem(429, "rate-limited", "Too many requests", f"the bucket refills in {wait:.2f} s")
        if limits.retry_after == "date":
            wall = state.clock.wall()
            at = math.floor(wall) + seconds + 1
            resp.headers["Retry-After"] = http_date(at)
            entry["retry_at_ms"] = entry["t_ms"] + math.ceil((at - wall) * 1000)
        else:
            resp.headers["Retry-After"] = str(seconds)
            entry["retry_at_ms"] = entry["t_ms"] + seconds * 1000
        return resp

    def route(self, route: str, path: str, query: str, body: bytes, entry: dict, client_id: str) -> Response:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if route == "/v1/products":
            return self.list_products(params, entry)
        if route == "/v1/products/{id}":
            raw = unquote(path.rsplit("/", 1)[1])
            product = self.server.state.by_id.get(int(raw)) if raw.isdigit() else None
            if product is None:
                return problem(404, "not-found", "Product not found", f"there is no product with id {raw}")
            return Response(200, product)
        if route == "/v1/slow":
            ms = params.get("ms", "")
            if not ms.isdigit() or int(ms) > 10_000:
                return problem(422, "validation", "Validation failed", "invalid query", errors=[{"field": "ms", "msg": "must be an integer from 0 to 10000"}])
            time.sleep(int(ms) / 1000)
            return Response(200, {"slept_ms": int(ms)})
        return self.create_order(body, entry, client_id)

    def token(self, body: bytes) -> Response:
        state = self.server.state
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        basic = self.headers.get("Authorization", "")
        if basic[:6].lower() == "basic ":
            try:
                cid, _, secret = base64.b64decode(basic[6:].strip()).decode().partition(":")
                form.setdefault("client_id", cid)
                form.setdefault("client_secret", secret)
            except (ValueError, UnicodeDecodeError):
                pass
        if form.get("grant_type") != "client_credentials":
            return problem(400, "unsupported-grant-type", "Unsupported grant type", "send grant_type=client_credentials as a form field", error="unsupported_grant_type")
        if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
            resp = problem(401, "invalid-client", "Invalid client", "unknown client_id or wrong client_secret", error="invalid_client")
            return resp
        resp = Response(200, state.issue_token())
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def list_products(self, params: dict[str, str], entry: dict) -> Response:
        state = self.server.state
        errors = []
        limit_raw = params.get("limit", "10")
        limit = int(limit_raw) if limit_raw.isdigit() else 0
        if not 1 <= limit <= 50:
            errors.append({"field": "limit", "msg": "must be an integer from 1 to 50"})
        after = 0
        if params.get("cursor"):
            decoded = decode_cursor(params["cursor"])
            if decoded is None:
                errors.append({"field": "cursor", "msg": "is not a cursor this API returned"})
            else:
                after = decoded
        if errors:
            return problem(422, "validation", "Validation failed", "invalid query", errors=errors)
        fault = state.list_fault(state.count("list"))
        entry["fault"] = fault
        if fault == "reset":
            return Response(0, reset=True)
        if fault == "503":
            resp = problem(503, "unavailable", "Service unavailable", "scheduled fault (scenario flaky)")
            resp.headers["Retry-After"] = "1"
            return resp
        if fault == "500":
            return problem(500, "internal", "Internal server error", "scheduled fault (scenario flaky)")
        page = [p for p in state.products if p["id"] > after][:limit]
        more = bool(page) and page[-1]["id"] < state.products[-1]["id"]
        next_cursor = encode_cursor(page[-1]["id"]) if more else None
        if state.scenario == "repeat-cursor" and after and more:
            # A server bug: the page after a cursor names that same cursor again.
            next_cursor = encode_cursor(after)
        resp = Response(200, {"data": page, "next_cursor": next_cursor})
        if next_cursor:
            host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
            query = urlencode({"limit": limit, "cursor": next_cursor})
            resp.headers["Link"] = f'<http://{host}/v1/products?{query}>; rel="next"'
        return resp

    def create_order(self, body: bytes, entry: dict, client_id: str) -> Response:
        state = self.server.state
        data, err = self.json_body(body)
        if err:
            return err
        key = self.headers.get("Idempotency-Key")
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        with state.lock:
            if key and key in state.idempotency:
                seen_digest, status, seen = state.idempotency[key]
                if seen_digest != digest:
                    return problem(409, "idempotency-conflict", "Idempotency key reused", "this Idempotency-Key was used with a different body")
                return Response(status, seen, {"Idempotent-Replayed": "true", "Location": f"/v1/orders/{seen['id']}"})
            errors = state.validate_order(data)
            if errors:
                return problem(422, "validation", "Validation failed", "the order is invalid", errors=errors)
            order = state.create_order(data, key, client_id)
            if key:
                state.idempotency[key] = (digest, 201, order)
        if state.scenario == "ambiguous-write":
            entry["fault"] = "502-after-commit"
            return problem(502, "bad-gateway", "Bad gateway", "the upstream timed out (the order may have been created)")
        return Response(201, order, {"Location": f"/v1/orders/{order['id']}"})

    # -- admin -----------------------------------------------------------------
    def admin(self, method: str, path: str, body: bytes) -> Response:
        state = self.server.state
        routes = {
            ("GET", "/__admin/health"): lambda: Response(200, {"status": "ok", "seed": state.seed, "scenario": state.scenario, "products": len(state.products), "t_ms": state.now_ms()}),
            ("GET", "/__admin/journal"): lambda: Response(200, {"entries": list(state.journal)}),
            ("GET", "/__admin/journal/summary"): lambda: Response(200, state.summary()),
            ("GET", "/__admin/orders"): lambda: Response(200, {"orders": list(state.orders)}),
            ("POST", "/__admin/reset"): lambda: (state.reset(), Response(200, {"status": "reset"}))[1],
            ("POST", "/__admin/scenario"): lambda: self.admin_scenario(body),
            ("POST", "/__admin/clock"): lambda: self.admin_clock(body),
        }
        handler = routes.get((method, path))
        if handler is None:
            return problem(404, "not-found", "Not found", f"no admin route {method} {path}")
        return handler()

    def admin_scenario(self, body: bytes) -> Response:
        data, err = self.json_body(body)
        if err:
            return err
        name = data.get("name") if isinstance(data, dict) else None
        if name not in SCENARIOS:
            return problem(422, "validation", "Unknown scenario", f"scenarios: {', '.join(SCENARIOS)}", errors=[{"field": "name", "msg": f"must be one of {', '.join(SCENARIOS)}"}])
        self.server.state.set_scenario(name)
        return Response(200, {"scenario": name})

    def admin_clock(self, body: bytes) -> Response:
        data, err = self.json_body(body)
        if err:
            return err
        ms = data.get("advance_ms") if isinstance(data, dict) else None
        if not isinstance(ms, (int, float)) or isinstance(ms, bool) or ms < 0:
            return problem(422, "validation", "Validation failed", "send {\"advance_ms\": N}", errors=[{"field": "advance_ms", "msg": "must be a number >= 0"}])
        state = self.server.state
        with state.lock:
            state.clock.offset += ms / 1000
        return Response(200, {"t_ms": state.now_ms()})
