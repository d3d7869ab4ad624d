"""Helpers shared by the query tests."""

import sqlite3

import pytest

from shop import db


def run_query(conn, name):
    """Runs queries/<name> and returns (column names, rows as tuples)."""
    path = db.ROOT / "queries" / name
    sql = path.read_text(encoding="utf-8")
    problem, columns, rows = None, [], []
    try:
        cursor = conn.execute(sql)
        if cursor.description is None:
            problem = "returns no rows at all: it needs a SELECT"
        else:
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
    except sqlite3.Error as e:
        problem = f"does not run: {e}"
        if "interrupted" in str(e):
            problem = ("did not finish in time and was interrupted: does a recursive CTE never stop, "
                       "or do two tables join without a condition?")
    if problem:
        pytest.fail(f"queries/{name} {problem}", pytrace=False)
    return columns, rows


def expect_columns(name, columns, expected):
    if columns == ["todo"]:
        pytest.fail(f"queries/{name} still holds the placeholder query: write yours "
                    f"(columns {', '.join(expected)})", pytrace=False)
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
