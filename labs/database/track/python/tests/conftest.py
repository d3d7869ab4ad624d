"""Shared fixture: a fresh shop database for every test.

These tests run with plain `pytest`; labforge is not needed.
"""

import pytest

from shop import db


@pytest.fixture
def conn():
    """A fresh in-memory shop: schema, seed, later migrations."""
    connection = db.build()
    yield connection
    connection.close()
