"""Exercise 7: migrations that can run twice (exercises/07-migrations.md)."""

import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

from shop import db
from shop.migrate import MigrationError, migrate

TABLES = ("customers", "products", "orders", "order_items", "store_credit")


def user_version(conn):
    return conn.execute("PRAGMA user_version").fetchone()[0]


def shop_at_version_1(path=":memory:"):
    """The shop as it runs in production before this exercise: schema 1, data, user_version 1."""
    conn = db.build(path, up_to=1)
    conn.execute("PRAGMA user_version = 1")
    return conn


def snapshot(conn):
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def test_empty_database_gets_every_migration():
    conn = db.connect()
    assert migrate(conn) == [1, 2]
    assert user_version(conn) == 2
    assert not conn.in_transaction


def test_production_shop_gets_only_the_new_migration():
    conn = shop_at_version_1()
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert migrate(conn) == [2], "only 0002 is newer than user_version 1"
    assert user_version(conn) == 2, "record the version: PRAGMA user_version = 2"
    after = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert after == counts, "a migration must not add or lose rows"


def test_existing_orders_are_backfilled():
    conn = shop_at_version_1()
    migrate(conn)
    wrong = conn.execute(
        "SELECT id, shipped_on, status FROM orders WHERE status <> "
        "CASE WHEN shipped_on IS NULL THEN 'pending' ELSE 'shipped' END"
    ).fetchall()
    assert wrong == [], f"shipped orders must be 'shipped', the others 'pending'; wrong (first 5): {wrong[:5]}"


def test_status_is_constrained():
    conn = shop_at_version_1()
    migrate(conn)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE orders SET status = 'lost' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE orders SET status = NULL WHERE id = 1")
    conn.execute("INSERT INTO orders (customer_id, ordered_on) VALUES (1, '2025-07-01')")
    assert conn.execute("SELECT status FROM orders ORDER BY id DESC LIMIT 1").fetchone() == ("pending",)


def test_the_version_is_set_inside_the_migrations_transaction():
    """A crash between the file's COMMIT and the version would run the file again next time."""
    conn = shop_at_version_1()
    trace = []

    def seen(sql):
        text = " ".join(re.sub(r"--[^\n]*", "", sql).split()).lstrip("; ").upper()
        if text:
            trace.append((text, conn.in_transaction))

    conn.set_trace_callback(seen)
    migrate(conn)
    conn.set_trace_callback(None)
    sets = [i for i, (s, _) in enumerate(trace) if re.match(r"PRAGMA (MAIN\.)?USER_VERSION ?=", s)]
    assert sets, f"migrate never ran PRAGMA user_version = 2; statements: {[s for s, _ in trace]}"
    at = sets[-1]
    first = next((i for i, (s, _) in enumerate(trace) if s.startswith(("ALTER", "UPDATE"))), at)
    ends = [s for s, _ in trace[first:at] if s.startswith(("COMMIT", "END", "ROLLBACK", "BEGIN"))]
    assert trace[at][1] and not ends, (
        "PRAGMA user_version = 2 must be set in the same transaction as the statements of "
        f"0002_add_status.sql (between them: {ends or ['no transaction']}): a crash in between "
        "leaves the change applied but not recorded"
    )


def test_running_twice_is_a_no_op():
    conn = shop_at_version_1()
    migrate(conn)
    before = snapshot(conn)
    assert migrate(conn) == [], "the second run must apply nothing"
    assert user_version(conn) == 2
    assert snapshot(conn) == before, "the second run changed data"


def test_a_failing_migration_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(db.MIGRATIONS / "0001_init.sql", folder)
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    conn = db.connect()
    with pytest.raises(MigrationError, match="0002_broken.sql"):
        migrate(conn, folder)
    assert user_version(conn) == 1, "0001 succeeded and must stay recorded; 0002 must not be"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert "half_done" not in tables, "the failed file's first statement must be rolled back too"
    assert not conn.in_transaction


def test_the_command_line_runs_twice(tmp_path):
    path = tmp_path / "shop.db"
    shop_at_version_1(str(path)).close()
    for run in ("first", "second"):
        done = subprocess.run([sys.executable, "-m", "shop", "migrate", str(path)],
                              capture_output=True, text=True, cwd=db.ROOT, timeout=60)
        assert done.returncode == 0, f"{run} run of `python -m shop migrate` failed:\n{done.stderr}"
    conn = db.connect(str(path))
    assert user_version(conn) == 2
