//! Exercise 2: filter, sort, limit, NULL (exercises/02-read-basics.md).
//!
//! Each test computes the expected answer in Rust from the raw tables, so the
//! query is compared with an independent solution, not with a stored result.

mod support;

use rusqlite::types::Value;
use support::*;

#[test]
fn q01_customers_without_country() {
    let conn = shop();
    let name = "q01_customers_without_country.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "email"]);
    let expected: Vec<Row> = table(&conn, "SELECT id, email, country FROM customers")
        .into_iter()
        .filter(|r| r[2] == Value::Null)
        .map(|r| r[..2].to_vec())
        .collect();
    expect_same_rows(name, &rows, &expected, "customers whose country IS NULL");
}

#[test]
fn q02_most_expensive_products() {
    let conn = shop();
    let name = "q02_most_expensive_products.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "name", "price_cents"]);
    let mut expected = table(&conn, "SELECT id, name, price_cents FROM products");
    expected.sort_by_key(|r| (-as_int(&r[2]), as_int(&r[0])));
    expected.truncate(10);
    assert!(
        rows == expected,
        "queries/{name}: expected exactly these ten rows in this order (price high to low, ties by id):\n  {expected:?}\ngot:\n  {rows:?}"
    );
}

#[test]
fn q03_unshipped_orders() {
    let conn = shop();
    let name = "q03_unshipped_orders.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "customer_id", "ordered_on"]);
    let expected: Vec<Row> = table(
        &conn,
        "SELECT id, customer_id, ordered_on, shipped_on FROM orders",
    )
    .into_iter()
    .filter(|r| r[3] == Value::Null && as_text(&r[2]).starts_with("2025-"))
    .map(|r| r[..3].to_vec())
    .collect();
    expect_same_rows(
        name,
        &rows,
        &expected,
        "orders placed in 2025 with shipped_on NULL",
    );
    expect_sorted(
        name,
        &rows,
        |r| as_text(&r[2]).to_string(),
        "by ordered_on, oldest first",
    );
}
