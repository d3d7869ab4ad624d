//! Exercise 8: a monthly report without N+1 (exercises/08-report.md).

use rusqlite::Connection;

use crate::Result;

/// One month of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRow {
    /// `YYYY-MM`
    pub month: String,
    pub orders: i64,
    pub revenue_cents: i64,
    pub running_revenue_cents: i64,
}

/// One row per month with orders, oldest first, with a running total.
pub fn monthly_report(conn: &Connection) -> Result<Vec<MonthRow>> {
    let mut months =
        conn.prepare("SELECT DISTINCT substr(ordered_on, 1, 7) FROM orders ORDER BY 1")?;
    let months: Vec<String> = months
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut report = Vec::new();
    let mut running = 0;
    for month in months {
        let (orders, revenue_cents): (i64, i64) = conn.query_row(
            "SELECT COUNT(DISTINCT o.id), COALESCE(SUM(oi.quantity * oi.unit_price_cents), 0) \
             FROM orders AS o JOIN order_items AS oi ON oi.order_id = o.id \
             WHERE substr(o.ordered_on, 1, 7) = ?1",
            [&month],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        running += revenue_cents;
        report.push(MonthRow {
            month,
            orders,
            revenue_cents,
            running_revenue_cents: running,
        });
    }
    Ok(report)
}
