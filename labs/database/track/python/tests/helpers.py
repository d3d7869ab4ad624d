"""Helpers shared by the query tests."""

import sqlite3

import pytest

from shop import db


def run_query(conn, name):
    """Runs queries/<name> and returns (column names, rows as tuples)."""
    path = db.ROOT / "queries" / name
    sql = path.read_text(encoding="utf-8")
    try:
        cursor = conn.execute(sql)
    except sqlite3.Error as e:
        pytest.fail(f"queries/{name} does not run: {e}", pytrace=False)
    if cursor.description is None:
        pytest.fail(f"queries/{name} returns no rows at all: it needs a SELECT", pytrace=False)
    columns = [d[0] for d in cursor.description]
    return columns, cursor.fetchall()


def expect_columns(name, columns, expected):
    assert columns == expected, (
        f"queries/{name} returns the columns {columns}; expected {expected} "
        "(name them with AS when they are computed)"
    )


def expect_same_rows(name, rows, expected, what):
    """Compares as multisets (order is checked separately)."""
    got, want = sorted(rows, key=repr), sorted(expected, key=repr)
    if got != want:
        missing = [r for r in want if r not in got][:5]
        extra = [r for r in got if r not in want][:5]
        pytest.fail(
            f"queries/{name} should return {len(want)} rows ({what}); it returned {len(got)}.\n"
            f"  missing (first 5): {missing}\n  unexpected (first 5): {extra}",
            pytrace=False,
        )


def expect_sorted(name, rows, key, what):
    keys = [key(r) for r in rows]
    for i in range(1, len(keys)):
        if keys[i - 1] > keys[i]:
            pytest.fail(
                f"queries/{name} is not sorted {what}: row {i} {rows[i - 1]} comes before row {i + 1} {rows[i]}",
                pytrace=False,
            )


def table(conn, sql):
    return conn.execute(sql).fetchall()
