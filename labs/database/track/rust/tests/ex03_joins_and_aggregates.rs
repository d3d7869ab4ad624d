//! Exercise 3: joins and aggregates (exercises/03-joins-and-aggregates.md).
//!
//! Expected answers are computed in Rust from the raw tables.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::*;

#[test]
fn q04_revenue_per_customer() {
    let conn = shop();
    let name = "q04_revenue_per_customer.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "name", "revenue_cents"]);
    let customer_of: BTreeMap<i64, i64> = table(&conn, "SELECT id, customer_id FROM orders")
        .iter()
        .map(|r| (as_int(&r[0]), as_int(&r[1])))
        .collect();
    let mut revenue: BTreeMap<i64, i64> = BTreeMap::new();
    for r in table(
        &conn,
        "SELECT order_id, quantity, unit_price_cents FROM order_items",
    ) {
        *revenue.entry(customer_of[&as_int(&r[0])]).or_default() += as_int(&r[1]) * as_int(&r[2]);
    }
    let names: BTreeMap<i64, String> = table(&conn, "SELECT id, name FROM customers")
        .iter()
        .map(|r| (as_int(&r[0]), as_text(&r[1]).to_string()))
        .collect();
    let expected: Vec<Row> = revenue
        .iter()
        .map(|(c, cents)| vec![int(*c), text(&names[c]), int(*cents)])
        .collect();
    expect_same_rows(
        name,
        &rows,
        &expected,
        "one per customer who ordered, revenue = SUM(quantity * unit_price_cents)",
    );
    expect_sorted(
        name,
        &rows,
        |r| -as_int(&r[2]),
        "by revenue_cents, highest first",
    );
}

#[test]
fn q05_units_per_product() {
    let conn = shop();
    let name = "q05_units_per_product.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "name", "units_sold"]);
    let mut units: BTreeMap<i64, i64> = BTreeMap::new();
    for r in table(&conn, "SELECT product_id, quantity FROM order_items") {
        *units.entry(as_int(&r[0])).or_default() += as_int(&r[1]);
    }
    let expected: Vec<Row> = table(&conn, "SELECT id, name FROM products")
        .into_iter()
        .map(|r| {
            let id = as_int(&r[0]);
            vec![
                r[0].clone(),
                r[1].clone(),
                int(units.get(&id).copied().unwrap_or(0)),
            ]
        })
        .collect();
    expect_same_rows(
        name,
        &rows,
        &expected,
        "every product, 0 units for products nobody bought",
    );
    expect_sorted(name, &rows, |r| -as_int(&r[2]), "by units_sold, most first");
}

#[test]
fn q06_customers_without_orders() {
    let conn = shop();
    let name = "q06_customers_without_orders.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "email"]);
    let ordered: BTreeSet<i64> = table(&conn, "SELECT customer_id FROM orders")
        .iter()
        .map(|r| as_int(&r[0]))
        .collect();
    let expected: Vec<Row> = table(&conn, "SELECT id, email FROM customers")
        .into_iter()
        .filter(|r| !ordered.contains(&as_int(&r[0])))
        .collect();
    expect_same_rows(name, &rows, &expected, "customers with no order at all");
}

#[test]
fn q07_repeat_customers() {
    let conn = shop();
    let name = "q07_repeat_customers.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["customer_id", "order_count"]);
    let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
    for r in table(&conn, "SELECT customer_id FROM orders") {
        *counts.entry(as_int(&r[0])).or_default() += 1;
    }
    let expected: Vec<Row> = counts
        .iter()
        .filter(|(_, n)| **n >= 6)
        .map(|(c, n)| vec![int(*c), int(*n)])
        .collect();
    expect_same_rows(name, &rows, &expected, "customers with 6 or more orders");
    expect_sorted(
        name,
        &rows,
        |r| -as_int(&r[1]),
        "by order_count, most first",
    );
}
