"""A practice HTTP API that behaves like the real world, offline.

Token auth, cursor pagination, idempotent writes, a token-bucket rate limit,
scheduled faults and latency, plus an admin journal that records how a client
behaved. Standard library only. Run ``python -m practice_api --help``; the
contract is ``practice-api/openapi.yaml``.
"""

from .server import PracticeServer
from .state import State

__all__ = ["PracticeServer", "State"]
