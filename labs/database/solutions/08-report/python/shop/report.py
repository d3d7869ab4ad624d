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
    # One statement, whatever the number of months: the grouping and the
    # running total happen in the database (see the query file).
    sql = QUERY.read_text(encoding="utf-8")
    return [MonthRow(*row) for row in conn.execute(sql)]
