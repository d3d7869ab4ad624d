//! Exercise 6: indexes, proven by the query plan (exercises/06-indexes.md).

mod support;

use rusqlite::Connection;
use support::*;

const PLAN_QUERY: &str =
    "SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC";

fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    lines.join("\n")
}

#[test]
fn q08_customer_orders() {
    let conn = shop();
    let name = "q08_customer_orders.sql";
    let (columns, rows) = run_query(&conn, name);
    expect_columns(name, &columns, &["id", "ordered_on", "shipped_on"]);
    let mut expected: Vec<Row> = table(
        &conn,
        "SELECT id, ordered_on, shipped_on, customer_id FROM orders",
    )
    .into_iter()
    .filter(|r| as_int(&r[3]) == 42)
    .map(|r| r[..3].to_vec())
    .collect();
    expected.sort_by(|a, b| (as_text(&b[1]), as_int(&b[0])).cmp(&(as_text(&a[1]), as_int(&a[0]))));
    assert!(
        rows == expected,
        "queries/{name}: expected customer 42's {} orders, newest first (same day: higher id first):\n  {expected:?}\ngot:\n  {rows:?}",
        expected.len()
    );
}

/// Without the index, rows of one day come back in whatever order the sort leaves them.
#[test]
fn q08_breaks_ties_itself() {
    let conn = shop();
    let name = "q08_customer_orders.sql";
    let (_, with_index) = run_query(&conn, name);
    let indexes = table(
        &conn,
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL",
    );
    for index in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", as_text(&index[0])))
            .unwrap();
    }
    let (_, without) = run_query(&conn, name);
    assert!(
        without == with_index,
        "queries/{name} returns customer 42's orders of one day in another order once the index is gone: \
         the index's order is luck, not a promise. Say how ties are broken: ORDER BY ordered_on DESC, id DESC.\n  \
         with the index: {with_index:?}\n  without it:     {without:?}"
    );
}

#[test]
fn the_plan_searches_an_index() {
    let text = plan(&shop(), PLAN_QUERY);
    assert!(
        !text.contains("SCAN orders"),
        "SQLite reads every order to find customer 42's:\n{text}\nAdd an index whose first column is customer_id (end of migrations/0001_init.sql)."
    );
    assert!(
        text.contains("USING INDEX"),
        "expected the plan to use an index:\n{text}"
    );
}

#[test]
fn the_index_also_gives_the_order() {
    let text = plan(&shop(), PLAN_QUERY);
    assert!(
        !text.contains("USE TEMP B-TREE"),
        "the rows are found through an index but sorted afterwards:\n{text}\n\
         Put ordered_on into the index after customer_id, so the index hands the rows over already sorted."
    );
}
