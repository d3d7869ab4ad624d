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
    // One statement, whatever the number of months: the grouping and the
    // running total happen in the database (see the query file).
    let mut stmt = conn.prepare(include_str!("../queries/q09_monthly_revenue.sql"))?;
    let rows = stmt.query_map([], |r| {
        Ok(MonthRow {
            month: r.get(0)?,
            orders: r.get(1)?,
            revenue_cents: r.get(2)?,
            running_revenue_cents: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
