"""The practice API's state: seeded data, virtual clock, tokens, rate limits,
faults, orders and the journal.

Everything here is deterministic for a given ``--seed`` and request order, and
protected by one lock, so the HTTP layer (``server.py``) stays thin.
"""

from __future__ import annotations

import base64
import math
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

PRODUCT_COUNT = 137
SCENARIOS = (
    "default",
    "short-tokens",
    "flaky",
    "ambiguous-write",
    "rate-limit",
    "retry-after-date",
    "long-wait",
    "repeat-cursor",
)
# The bucket every rate-limit scenario uses: 10 requests per 10 s (one more
# each second), slow enough that a test can empty it and see the next 429.
SCENARIO_BUCKET = (10.0, 10.0)

_ADJECTIVES = [
    "Amber", "Brisk", "Cobalt", "Dusty", "Early", "Fuzzy", "Gentle", "Hollow",
    "Ivory", "Jolly", "Keen", "Lunar", "Mellow", "Nimble", "Olive", "Plain",
    "Quiet", "Rapid", "Silver", "Tidy", "Urban", "Vivid", "Woolly", "Young",
]
_NOUNS = [
    "Anchor", "Basket", "Candle", "Drum", "Easel", "Flask", "Globe", "Hammer",
    "Inkwell", "Jacket", "Kettle", "Lantern", "Mug", "Notebook", "Oar", "Pillow",
    "Quilt", "Rope", "Satchel", "Teapot", "Umbrella", "Vase", "Whistle", "Yo-yo",
]


def make_products(seed: int) -> list[dict]:
    """The 137 products of a seed, ordered by id (1..137)."""
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    products = []
    for pid in range(1, PRODUCT_COUNT + 1):
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        updated = base + timedelta(seconds=rng.randint(0, 300 * 24 * 3600))
        products.append(
            {
                "id": pid,
                "name": name,
                "price_cents": rng.randint(99, 99_999),
                "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return products


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{after_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The id a cursor points after, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, num = raw.partition(":")
    if kind != "after" or not num.isdigit():
        return None
    return int(num)


class Clock:
    """Monotonic time since the last reset, plus a virtual offset that
    ``POST /__admin/clock`` advances (so tests never sleep for real)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._start = time.monotonic()
        self._wall_start = time.time()
        self.offset = 0.0

    def now(self) -> float:
        return time.monotonic() - self._start + self.offset

    def wall(self) -> float:
        """Unix time as the server sees it (real time plus the offset)."""
        return self._wall_start + self.now()


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def seconds_until(self, tokens: float) -> float:
        return max(0.0, (tokens - self.tokens) / self.per_second)


@dataclass
class Limits:
    """What the rate limiter does in the current scenario."""

    capacity: float
    window: float
    retry_after: str = "seconds"  # "seconds" | "date"
    start_empty: bool = False


@dataclass
class State:
    seed: int
    client_id: str
    client_secret: str
    default_limits: Limits
    clock: Clock = field(default_factory=Clock)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.products = make_products(self.seed)
        self.by_id = {p["id"]: p for p in self.products}
        self.latency_rng = random.Random(self.seed + 1)
        self.epoch = 0  # bumped by every reset
        self.reset()

    # -- lifecycle -----------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.epoch += 1
            self.clock.reset()
            self.scenario = "default"
            self.journal: list[dict] = []
            self.tokens: dict[str, tuple[str, float]] = {}  # token -> (client_id, expires_at)
            self.buckets: dict[str, Bucket] = {}
            self.orders: list[dict] = []
            self.idempotency: dict[str, tuple[str, int, dict]] = {}  # key -> (body digest, status, body)
            self.route_counts: dict[str, int] = {}
            self.ambiguous_done: set[str] = set()

    def set_scenario(self, name: str) -> None:
        with self.lock:
            self.scenario = name
            self.buckets.clear()
            self.route_counts.clear()

    def limits(self) -> Limits:
        cap, window = SCENARIO_BUCKET
        return {
            "rate-limit": Limits(cap, window),
            "retry-after-date": Limits(cap, window, retry_after="date"),
            "long-wait": Limits(cap, 36_000.0, start_empty=True),
        }.get(self.scenario, self.default_limits)

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # -- auth ----------------------------------------------------------------
    def token_lifetime(self) -> int:
        return 3 if self.scenario == "short-tokens" else 60

    def issue_token(self) -> dict:
        with self.lock:
            token = secrets.token_urlsafe(24)
            lifetime = self.token_lifetime()
            self.tokens[token] = (self.client_id, self.clock.now() + lifetime)
            return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}

    def client_for(self, token: str | None) -> str | None:
        """The client id of a valid, unexpired token."""
        with self.lock:
            entry = self.tokens.get(token or "")
            if entry is None or entry[1] <= self.clock.now():
                return None
            return entry[0]

    # -- rate limit ----------------------------------------------------------
    def bucket(self, key: str) -> Bucket:
        limits = self.limits()
        b = self.buckets.get(key)
        now = self.clock.now()
        if b is None:
            start = 0.0 if limits.start_empty else limits.capacity
            b = Bucket(limits.capacity, limits.capacity / limits.window, start, now)
            self.buckets[key] = b
        b.refill(now)
        return b

    def take(self, key: str, consume: bool = True) -> tuple[bool, dict[str, str], float]:
        """Takes one request from `key`'s bucket. Returns (allowed, headers,
        seconds to wait when refused)."""
        with self.lock:
            b = self.bucket(key)
            allowed = b.tokens >= 1.0
            if allowed and consume:
                b.tokens -= 1.0
            headers = {
                "X-RateLimit-Limit": str(int(b.capacity)),
                "X-RateLimit-Remaining": str(int(math.floor(b.tokens))),
                "X-RateLimit-Reset": str(int(math.ceil(b.seconds_until(b.capacity)))),
            }
            return allowed, headers, b.seconds_until(1.0)

    # -- faults --------------------------------------------------------------
    def count(self, route: str) -> int:
        with self.lock:
            n = self.route_counts.get(route, 0) + 1
            self.route_counts[route] = n
            return n

    def list_fault(self, n: int) -> str | None:
        """The fault of the n-th list call in scenario `flaky`: one reset (the
        2nd, 3rd or 4th call, by seed), every 5th a 503, every 7th a 500."""
        if self.scenario != "flaky":
            return None
        if n == 2 + self.seed % 3:
            return "reset"
        if n % 5 == 0:
            return "503"
        if n % 7 == 0:
            return "500"
        return None

    def latency(self, spec: tuple[float, float] | None) -> float:
        if spec is None:
            return 0.0
        with self.lock:
            return self.latency_rng.uniform(*spec)

    # -- orders --------------------------------------------------------------
    def validate_order(self, body: object) -> list[dict]:
        if not isinstance(body, dict):
            return [{"field": "body", "msg": "must be a JSON object"}]
        errors = []
        pid = body.get("product_id")
        if not isinstance(pid, int) or isinstance(pid, bool):
            errors.append({"field": "product_id", "msg": "is required and must be an integer"})
        elif pid not in self.by_id:
            errors.append({"field": "product_id", "msg": f"no product with id {pid}"})
        qty = body.get("quantity")
        if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= 100:
            errors.append({"field": "quantity", "msg": "must be an integer from 1 to 100"})
        note = body.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > 200):
            errors.append({"field": "note", "msg": "must be a string of at most 200 characters"})
        unknown = sorted(set(body) - {"product_id", "quantity", "note"})
        for key in unknown:
            errors.append({"field": key, "msg": "is not a known field"})
        return errors

    def create_order(self, body: dict, key: str | None, client_id: str) -> dict:
        with self.lock:
            product = self.by_id[body["product_id"]]
            order = {
                "id": f"ord_{len(self.orders) + 1:05d}",
                "product_id": product["id"],
                "quantity": body["quantity"],
                "total_cents": product["price_cents"] * body["quantity"],
                "note": body.get("note"),
                "created_at": datetime.fromtimestamp(self.clock.wall(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            self.orders.append({**order, "idempotency_key": key, "client_id": client_id})
            return order

    # -- journal -------------------------------------------------------------
    def record(self, entry: dict, epoch: int) -> None:
        """Appends `entry` unless a reset happened since the request arrived
        (a slow request must not leak into the next test's journal)."""
        with self.lock:
            if epoch == self.epoch:
                self.journal.append(entry)

    def summary(self) -> dict:
        with self.lock:
            by_status: dict[str, int] = {}
            by_route: dict[str, int] = {}
            for e in self.journal:
                by_status[str(e["status"])] = by_status.get(str(e["status"]), 0) + 1
                route = f"{e['method']} {e['route']}"
                by_route[route] = by_route.get(route, 0) + 1
            return {
                "total": len(self.journal),
                "by_status": by_status,
                "by_route": by_route,
                "token_requests": sum(1 for e in self.journal if e["path"] == "/oauth/token"),
                "rate_limited": by_status.get("429", 0),
                "unauthorized": by_status.get("401", 0),
                "faults": sum(1 for e in self.journal if e["fault"]),
            }
