"""Exercise 8: a monthly report without N+1 (exercises/08-report.md)."""

from collections import defaultdict

from shop import db
from shop.report import MonthRow, monthly_report


def expected_report(conn):
    month_of = {i: d[:7] for i, d in conn.execute("SELECT id, ordered_on FROM orders")}
    orders, revenue = defaultdict(set), defaultdict(int)
    for order_id, quantity, unit in conn.execute("SELECT order_id, quantity, unit_price_cents FROM order_items"):
        orders[month_of[order_id]].add(order_id)
        revenue[month_of[order_id]] += quantity * unit
    rows, running = [], 0
    for month in sorted(revenue):
        running += revenue[month]
        rows.append(MonthRow(month, len(orders[month]), revenue[month], running))
    return rows


def test_the_report_is_right(conn):
    assert monthly_report(conn) == expected_report(conn)


def test_the_report_takes_at_most_two_statements(conn):
    statements = []
    conn.set_trace_callback(lambda sql: statements.append(sql) if not sql.startswith("--") else None)
    monthly_report(conn)
    conn.set_trace_callback(None)
    assert len(statements) <= 2, (
        f"monthly_report sent {len(statements)} statements (at most 2 allowed); the first three:\n  "
        + "\n  ".join(s.strip().replace("\n", " ")[:100] for s in statements[:3])
        + "\nOne query per month is the N+1 pattern: group by month and use a window function "
        "for the running total, in one statement."
    )


def test_the_report_of_an_empty_shop_is_empty():
    conn = db.connect()
    for version, path in db.migration_files():
        conn.executescript(path.read_text(encoding="utf-8"))
    assert monthly_report(conn) == []
