//! Exercise 4: SQL from code, safely (exercises/04-sql-from-code.md).

mod support;

use std::sync::{Arc, Mutex};

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::Connection;
use shop::queries::{create_order, find_customer_by_email, Customer};
use shop::Error;
use support::shop;

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn finds_a_customer_by_email() {
    let found = find_customer_by_email(&shop(), "kitahara.sakura@example.jp").unwrap();
    let expected = Customer {
        id: 13,
        email: "kitahara.sakura@example.jp".into(),
        name: "北原 さくら".into(),
        country: Some("SE".into()),
    };
    assert_eq!(found, Some(expected));
}

#[test]
fn an_apostrophe_in_the_address_works() {
    let found = find_customer_by_email(&shop(), "siobhan.o'brien@example.ie");
    let found = found.unwrap_or_else(|e| {
        panic!("an e-mail with an apostrophe must be found, but the query failed ({e}): pasted into the SQL text, the apostrophe ends the string literal early")
    });
    assert_eq!(found.map(|c| c.name).as_deref(), Some("Siobhán O'Brien"));
}

#[test]
fn unknown_address_returns_none() {
    assert_eq!(
        find_customer_by_email(&shop(), "nobody@example.com").unwrap(),
        None
    );
}

#[test]
fn injection_finds_nobody() {
    for attack in [
        "' OR 1=1 --",
        "' OR '1'='1",
        "x' UNION SELECT 1, 'a', 'b', 'c' --",
    ] {
        match find_customer_by_email(&shop(), attack) {
            Err(e) => panic!(
                "the e-mail {attack:?} broke the SQL ({e}): it was pasted into the statement; use a bound parameter (?1)"
            ),
            Ok(found) => assert!(
                found.is_none(),
                "the e-mail {attack:?} returned {found:?}: the input changed the SQL statement. Use a bound parameter (?1) instead of putting the value into the SQL text."
            ),
        }
    }
}

#[test]
fn create_order_stores_the_order_and_its_items() {
    let mut conn = shop();
    let price = |id: i64| -> i64 {
        conn.query_row(
            "SELECT price_cents FROM products WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (p3, p9) = (price(3), price(9));
    let order_id = create_order(&mut conn, 60, &[(3, 2), (9, 1)], "2025-07-01").unwrap();
    let order: (i64, String, Option<String>) = conn
        .query_row(
            "SELECT customer_id, ordered_on, shipped_on FROM orders WHERE id = ?1",
            [order_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(order, (60, "2025-07-01".to_string(), None));
    let mut stmt = conn
        .prepare("SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = ?1 ORDER BY product_id")
        .unwrap();
    let items: Vec<(i64, i64, i64)> = stmt
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        items,
        vec![(3, 2, p3), (9, 1, p9)],
        "each item records the product's current price"
    );
    assert!(
        conn.is_autocommit(),
        "create_order must end its transaction (commit)"
    );
}

#[test]
fn create_order_returns_distinct_ids() {
    let mut conn = shop();
    let first = create_order(&mut conn, 1, &[(1, 1)], "2025-07-01").unwrap();
    let second = create_order(&mut conn, 1, &[(1, 1)], "2025-07-01").unwrap();
    assert_ne!(first, second);
}

#[test]
fn empty_order_is_refused() {
    let mut conn = shop();
    let before = count(&conn, "orders");
    let result = create_order(&mut conn, 1, &[], "2025-07-01");
    assert!(
        matches!(result, Err(Error::InvalidInput(_))),
        "expected InvalidInput, got {result:?}"
    );
    assert_eq!(count(&conn, "orders"), before);
}

/// Records the SQL text of every statement (the text alone: bound values travel apart from it).
fn record(conn: &mut Connection) -> Arc<Mutex<Vec<String>>> {
    let statements = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&statements);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = event {
                seen.lock().unwrap().push(sql.to_string());
            }
        }),
    )
    .unwrap();
    statements
}

#[test]
fn the_address_is_a_bound_parameter() {
    for email in ["siobhan.o'brien@example.ie", "kitahara.sakura@example.jp"] {
        let mut conn = shop();
        let statements = record(&mut conn);
        let _ = find_customer_by_email(&conn, email);
        let local = email.split(['\'', '@']).next().unwrap();
        let statements = statements.lock().unwrap();
        let pasted: Vec<&String> = statements.iter().filter(|s| s.contains(local)).collect();
        assert!(
            pasted.is_empty(),
            "the e-mail {email:?} was written into the SQL text: {:?}. Escaping quotes by hand \
             (replace('\\'', \"''\")) or building the string with format! or +, still mixes data into code; \
             write ?1 and pass the value separately",
            pasted[0]
        );
    }
}

#[test]
fn create_order_binds_its_values() {
    let mut conn = shop();
    let statements = record(&mut conn);
    create_order(&mut conn, 1, &[(1, 1)], "2031-02-03").unwrap();
    let statements = statements.lock().unwrap();
    let pasted: Vec<&String> = statements.iter().filter(|s| s.contains("2031-02-03")).collect();
    assert!(
        pasted.is_empty(),
        "the date was written into the SQL text: {:?}; bind it with ?1",
        pasted[0]
    );
}

/// The second item breaks CHECK (quantity > 0) after the order and the first item were written.
#[test]
fn a_failing_later_line_stores_nothing() {
    let mut conn = shop();
    let before = (count(&conn, "orders"), count(&conn, "order_items"));
    let result = create_order(&mut conn, 1, &[(1, 1), (2, 0)], "2025-07-01");
    assert!(
        result.as_ref().is_err_and(Error::is_constraint_violation),
        "expected a CHECK violation for quantity 0, got {result:?}"
    );
    let after = (count(&conn, "orders"), count(&conn, "order_items"));
    assert_eq!(
        after, before,
        "(orders, order_items) changed although the second item failed: checking the input first is not enough, \
         any statement can fail. Write the order in one transaction, rolled back on any error."
    );
    assert!(
        conn.is_autocommit(),
        "after an error the transaction must be rolled back"
    );
}

#[test]
fn unknown_product_stores_nothing() {
    let mut conn = shop();
    let before = (count(&conn, "orders"), count(&conn, "order_items"));
    let result = create_order(&mut conn, 1, &[(1, 1), (9999, 1)], "2025-07-01");
    assert!(
        matches!(result, Err(Error::UnknownProduct(9999))),
        "expected UnknownProduct(9999), got {result:?}"
    );
    let after = (count(&conn, "orders"), count(&conn, "order_items"));
    assert_eq!(
        after, before,
        "(orders, order_items) changed: a failed order must leave nothing behind. Write it in one transaction."
    );
    assert!(
        conn.is_autocommit(),
        "after an error the transaction must be rolled back"
    );
}

#[test]
fn unknown_customer_stores_nothing() {
    let mut conn = shop();
    let before = count(&conn, "orders");
    let result = create_order(&mut conn, 9999, &[(1, 1)], "2025-07-01");
    assert!(
        result.as_ref().is_err_and(Error::is_constraint_violation),
        "expected a foreign key violation, got {result:?}"
    );
    assert_eq!(count(&conn, "orders"), before);
    assert!(conn.is_autocommit());
}

#[test]
fn a_hostile_value_is_stored_as_data() {
    let mut conn = shop();
    let hostile = "2025-07-01'); DROP TABLE customers; --";
    let order_id = create_order(&mut conn, 1, &[(1, 1)], hostile).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT ordered_on FROM orders WHERE id = ?1",
            [order_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stored, hostile,
        "a bound parameter stores the text exactly as given"
    );
    assert!(count(&conn, "customers") > 0);
}
