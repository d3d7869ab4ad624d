"""Exercise 8: a monthly report without N+1 (exercises/08-report.md)."""

from dataclasses import dataclass

from shop import db

QUERY = db.ROOT / "queries" / "q09_monthly_revenue.sql"


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    orders: int
    revenue_cents: int
    running_revenue_cents: int


def monthly_report(conn):
    """One row per month with orders, oldest first, with a running total."""
    months = [
        row[0]
        for row in conn.execute("SELECT DISTINCT substr(ordered_on, 1, 7) FROM orders ORDER BY 1")
    ]
    report, running = [], 0
    for month in months:
        orders, revenue = conn.execute(
            "SELECT COUNT(DISTINCT o.id), COALESCE(SUM(oi.quantity * oi.unit_price_cents), 0) "
            "FROM orders AS o JOIN order_items AS oi ON oi.order_id = o.id "
            "WHERE substr(o.ordered_on, 1, 7) = ?",
            (month,),
        ).fetchone()
        running += revenue
        report.append(MonthRow(month, orders, revenue, running))
    return report
