//! Exercise 8: a monthly report without N+1 (exercises/08-report.md).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::Connection;
use shop::report::{monthly_report, MonthRow};
use support::*;

fn expected_report(conn: &Connection) -> Vec<MonthRow> {
    let month_of: BTreeMap<i64, String> = table(conn, "SELECT id, ordered_on FROM orders")
        .iter()
        .map(|r| (as_int(&r[0]), as_text(&r[1])[..7].to_string()))
        .collect();
    let mut orders: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut revenue: BTreeMap<String, i64> = BTreeMap::new();
    for r in table(
        conn,
        "SELECT order_id, quantity, unit_price_cents FROM order_items",
    ) {
        let month = month_of[&as_int(&r[0])].clone();
        orders
            .entry(month.clone())
            .or_default()
            .insert(as_int(&r[0]));
        *revenue.entry(month).or_default() += as_int(&r[1]) * as_int(&r[2]);
    }
    let mut running = 0;
    revenue
        .into_iter()
        .map(|(month, cents)| {
            running += cents;
            MonthRow {
                orders: orders[&month].len() as i64,
                month,
                revenue_cents: cents,
                running_revenue_cents: running,
            }
        })
        .collect()
}

#[test]
fn the_report_is_right() {
    let conn = shop();
    assert_eq!(monthly_report(&conn).unwrap(), expected_report(&conn));
}

#[test]
fn the_report_takes_at_most_two_statements() {
    let mut conn = shop();
    let count = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(Mutex::new(Vec::<String>::new()));
    let (c, f) = (Arc::clone(&count), Arc::clone(&first));
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = event {
                if !sql.starts_with("--") {
                    c.fetch_add(1, Ordering::SeqCst);
                    let mut f = f.lock().unwrap();
                    if f.len() < 3 {
                        f.push(
                            sql.split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .chars()
                                .take(100)
                                .collect(),
                        );
                    }
                }
            }
        }),
    )
    .unwrap();
    monthly_report(&conn).unwrap();
    let n = count.load(Ordering::SeqCst);
    assert!(
        n <= 2,
        "monthly_report sent {n} statements (at most 2 allowed); the first three:\n  {}\n\
         One query per month is the N+1 pattern: group by month and use a window function for the running total, in one statement.",
        first.lock().unwrap().join("\n  ")
    );
}

#[test]
fn the_report_of_an_empty_shop_is_empty() {
    let conn = shop::db::open_in_memory().unwrap();
    for (_, path) in shop::db::migration_files(&shop::db::root().join("migrations")).unwrap() {
        conn.execute_batch(&std::fs::read_to_string(path).unwrap())
            .unwrap();
    }
    assert_eq!(monthly_report(&conn).unwrap(), Vec::new());
}
