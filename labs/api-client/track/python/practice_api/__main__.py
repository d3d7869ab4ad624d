"""``python -m practice_api``: serve the practice API on 127.0.0.1.

Prints ``listening on 127.0.0.1:PORT`` once it accepts connections (``--port 0``
picks a free port, so nothing ever races for one)."""

from __future__ import annotations

import argparse
import re
import sys

from .server import PracticeServer
from .state import SCENARIOS, Limits, State

CLIENT_ID = "lab-client"
CLIENT_SECRET = "practice-secret-5f2c9a"


def parse_latency(text: str) -> tuple[float, float]:
    m = re.fullmatch(r"(\d+)(?:\.\.(\d+))?ms", text.strip())
    if not m:
        raise argparse.ArgumentTypeError("write a range such as 50..300ms (or 100ms)")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    if hi < lo:
        raise argparse.ArgumentTypeError("the upper bound is below the lower bound")
    return lo / 1000, hi / 1000


def parse_rate(text: str) -> Limits:
    m = re.fullmatch(r"(\d+)/(\d+(?:\.\d+)?)s", text.strip())
    if not m or int(m.group(1)) < 1 or float(m.group(2)) <= 0:
        raise argparse.ArgumentTypeError("write requests per window, such as 10/2s")
    return Limits(float(m.group(1)), float(m.group(2)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m practice_api", description=__doc__)
    p.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0 picks a free one)")
    p.add_argument("--seed", type=int, default=7, help="seed of the products, faults and latency")
    p.add_argument("--scenario", choices=SCENARIOS, default="default", help="scenario at start-up")
    p.add_argument("--latency", type=parse_latency, default=None, help="added latency per request, e.g. 50..300ms")
    p.add_argument("--rate-limit", type=parse_rate, default=parse_rate("10/2s"), help="token bucket in scenario default (default 10/2s)")
    p.add_argument("--client-id", default=CLIENT_ID)
    p.add_argument("--client-secret", default=CLIENT_SECRET)
    args = p.parse_args(argv)
    state = State(args.seed, args.client_id, args.client_secret, args.rate_limit)
    state.set_scenario(args.scenario)
    server = PracticeServer(("127.0.0.1", args.port), state, args.latency)
    host, port = server.server_address[:2]
    print(f"listening on {host}:{port}", flush=True)
    print(f"scenario {args.scenario}, seed {args.seed}; admin: http://{host}:{port}/__admin/health", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
