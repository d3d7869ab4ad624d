//! Helpers shared by the tests (each `tests/exNN_*.rs` is its own crate and
//! uses what it needs). These tests run with plain `cargo test`.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Debug;

use rusqlite::types::Value;
use rusqlite::Connection;

/// A runaway query (a recursive CTE without an end, an accidental cross
/// join) is interrupted after this long instead of hanging the test run.
pub const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// A fresh in-memory shop: schema, seed, later migrations.
pub fn shop() -> Connection {
    let conn =
        shop::db::build(None).unwrap_or_else(|e| panic!("could not build the shop database: {e}"));
    let handle = conn.get_interrupt_handle();
    std::thread::spawn(move || {
        std::thread::sleep(TIME_LIMIT);
        handle.interrupt();
    });
    conn
}

/// One result row, compared value by value.
pub type Row = Vec<Value>;

pub fn int(v: i64) -> Value {
    Value::Integer(v)
}

pub fn text(v: &str) -> Value {
    Value::Text(v.to_string())
}

pub fn opt_text(v: Option<String>) -> Value {
    v.map(Value::Text).unwrap_or(Value::Null)
}

/// Runs `queries/<name>` and returns (column names, rows).
pub fn run_query(conn: &Connection, name: &str) -> (Vec<String>, Vec<Row>) {
    let path = shop::db::root().join("queries").join(name);
    let sql = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut stmt = conn
        .prepare(&sql)
        .unwrap_or_else(|e| panic!("queries/{name} does not run: {e}"));
    let columns: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
    let n = columns.len();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Row>>()
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Row>>>())
        .unwrap_or_else(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) => panic!(
                "queries/{name} did not finish within {TIME_LIMIT:?} and was interrupted: \
                 does a recursive CTE never stop, or do two tables join without a condition?"
            ),
            _ => panic!("queries/{name} does not run: {e}"),
        });
    (columns, rows)
}

/// All rows of a query, for computing expected answers.
pub fn table(conn: &Connection, sql: &str) -> Vec<Row> {
    let mut stmt = conn.prepare(sql).expect("a valid query");
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Row>>()
        })
        .expect("runs");
    rows.collect::<rusqlite::Result<Vec<Row>>>().expect("rows")
}

pub fn as_int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        other => panic!("expected an integer, got {other:?}"),
    }
}

pub fn as_text(v: &Value) -> &str {
    match v {
        Value::Text(s) => s,
        other => panic!("expected text, got {other:?}"),
    }
}

pub fn expect_columns(name: &str, columns: &[String], expected: &[&str]) {
    assert!(
        columns != ["todo"],
        "queries/{name} still holds the placeholder query: write yours (columns {})",
        expected.join(", ")
    );
    assert!(
        columns == expected,
        "queries/{name} returns the columns {columns:?}; expected {expected:?} (name them with AS when they are computed)"
    );
}

/// Compares as multisets (order is checked separately).
pub fn expect_same_rows(name: &str, rows: &[Row], expected: &[Row], what: &str) {
    let key = |r: &Row| format!("{r:?}");
    let mut got: Vec<String> = rows.iter().map(key).collect();
    let mut want: Vec<String> = expected.iter().map(key).collect();
    got.sort();
    want.sort();
    if got != want {
        let got_set: BTreeSet<&String> = got.iter().collect();
        let want_set: BTreeSet<&String> = want.iter().collect();
        let missing: Vec<&&String> = want_set.difference(&got_set).take(5).collect();
        let extra: Vec<&&String> = got_set.difference(&want_set).take(5).collect();
        panic!(
            "queries/{name} should return {} rows ({what}); it returned {}.\n  missing (first 5): {missing:?}\n  unexpected (first 5): {extra:?}",
            want.len(),
            got.len()
        );
    }
}

/// Panics at the first pair of rows out of order by `key`.
pub fn expect_sorted<K: PartialOrd + Debug>(
    name: &str,
    rows: &[Row],
    key: impl Fn(&Row) -> K,
    what: &str,
) {
    for (i, pair) in rows.windows(2).enumerate() {
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "queries/{name} is not sorted {what}: row {} {:?} comes before row {} {:?}",
            i + 1,
            pair[0],
            i + 2,
            pair[1]
        );
    }
}
