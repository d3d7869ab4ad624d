"""Shared fixture: a fresh shop database for every test.

These tests run with plain `pytest`; labforge is not needed.
"""

import time

import pytest

from shop import db

# A runaway query (a recursive CTE without an end, an accidental cross join)
# is interrupted after this long instead of hanging the test run.
TIME_LIMIT_SECONDS = 20


@pytest.fixture
def conn():
    """A fresh in-memory shop: schema, seed, later migrations."""
    connection = db.build()
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    yield connection
    connection.close()
