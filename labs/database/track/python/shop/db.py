"""Connections, and building a fresh shop database (provided by the lab).

You do not need to change this file. It is what the tests use, and it builds
a database in the same order as `labforge check`: schema version 1
(migrations/0001_init.sql), the seed (data/seed.sql, written against
version 1), then every later migration, as they would run on a live shop.
"""

import re
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
SEED = ROOT / "data" / "seed.sql"

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def connect(path=":memory:"):
    """Opens a connection the way the whole lab uses it.

    isolation_level=None: Python's sqlite3 module opens no hidden
    transactions; every transaction is an explicit BEGIN ... COMMIT.
    foreign_keys: SQLite only enforces REFERENCES when asked, per connection.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migration_files(directory=MIGRATIONS):
    """(version, path) of each `NNNN_name.sql` in `directory`, by version."""
    found = []
    for path in sorted(Path(directory).glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise ValueError(
                f"{path}: migration files are named NNNN_name.sql "
                "(four digits, lower-case words joined by _)"
            )
        found.append((int(match.group(1)), path))
    return found


def build(path=":memory:", root=ROOT, up_to=None):
    """A fresh shop: version 1, the seed, then the later migrations.

    up_to: the last migration version to apply (None: all of them).
    PRAGMA user_version is left at 0: recording versions is the migrator's
    job (exercise 7), and this is not the migrator.
    """
    conn = connect(path)
    files = migration_files(Path(root) / "migrations")
    for version, file in files:
        if version == 1:
            _run_file(conn, file)
    _run_file(conn, Path(root) / "data" / "seed.sql")
    for version, file in files:
        if version > 1 and (up_to is None or version <= up_to):
            _run_file(conn, file)
    return conn


def _run_file(conn, path):
    try:
        conn.executescript(Path(path).read_text(encoding="utf-8"))
    except sqlite3.Error as e:
        raise RuntimeError(f"{path}: {e}") from e
