//! Exercise 5: transactions (exercises/05-transactions.md).

mod support;

use std::sync::{Arc, Mutex};

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::Connection;
use shop::credit::{balance, transfer_store_credit};
use shop::Error;
use support::shop;

const PAYER: i64 = 1; // has store credit in the seed
const PAYEE: i64 = 4; // has store credit in the seed
const NEWCOMER: i64 = 2; // has no store_credit row yet

fn fund(conn: &Connection, customer_id: i64, cents: i64) {
    let key: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('store_credit') WHERE pk > 0")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        key == ["customer_id"],
        "exercise 5 needs exercise 1's PRIMARY KEY on store_credit (customer_id): the upsert (ON CONFLICT (customer_id)) relies on it"
    );
    conn.execute(
        "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?1, ?2) \
         ON CONFLICT (customer_id) DO UPDATE SET balance_cents = excluded.balance_cents",
        [customer_id, cents],
    )
    .unwrap();
}

fn balances(conn: &Connection, a: i64, b: i64) -> (i64, i64) {
    (balance(conn, a).unwrap(), balance(conn, b).unwrap())
}

#[test]
fn transfer_moves_the_money() {
    let mut conn = shop();
    fund(&conn, PAYER, 5000);
    fund(&conn, PAYEE, 700);
    transfer_store_credit(&mut conn, PAYER, PAYEE, 1200).unwrap();
    assert_eq!(balances(&conn, PAYER, PAYEE), (3800, 1900));
    assert!(
        conn.is_autocommit(),
        "the transfer must end its transaction (commit)"
    );
}

#[test]
fn recipient_without_a_row_gets_one() {
    let mut conn = shop();
    fund(&conn, PAYER, 5000);
    transfer_store_credit(&mut conn, PAYER, NEWCOMER, 250).unwrap();
    assert_eq!(balances(&conn, PAYER, NEWCOMER), (4750, 250));
}

#[test]
fn insufficient_credit_changes_nothing() {
    let mut conn = shop();
    fund(&conn, PAYER, 100);
    fund(&conn, PAYEE, 700);
    let result = transfer_store_credit(&mut conn, PAYER, PAYEE, 101);
    assert!(
        matches!(result, Err(Error::InsufficientCredit { .. })),
        "expected InsufficientCredit, got {result:?}"
    );
    assert_eq!(balances(&conn, PAYER, PAYEE), (100, 700));
    assert!(
        conn.is_autocommit(),
        "after an error the transaction must be rolled back"
    );
}

#[test]
fn amount_must_be_positive() {
    for amount in [0, -5] {
        let mut conn = shop();
        fund(&conn, PAYER, 5000);
        let result = transfer_store_credit(&mut conn, PAYER, PAYEE, amount);
        assert!(
            matches!(result, Err(Error::InvalidInput(_))),
            "amount {amount}: expected InvalidInput, got {result:?}"
        );
    }
}

/// A trigger makes crediting the payee fail, after the payer was debited.
#[test]
fn failure_half_way_rolls_everything_back() {
    let mut conn = shop();
    fund(&conn, PAYER, 5000);
    fund(&conn, PAYEE, 700);
    for event in ["INSERT", "UPDATE"] {
        conn.execute_batch(&format!(
            "CREATE TEMP TRIGGER fail_credit_{event} BEFORE {event} ON store_credit \
             WHEN NEW.customer_id = {PAYEE} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        ))
        .unwrap();
    }
    let result = transfer_store_credit(&mut conn, PAYER, PAYEE, 1200);
    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.to_string().contains("injected failure")),
        "the injected failure must be returned as an error, got {result:?}"
    );
    let after = balances(&conn, PAYER, PAYEE);
    assert_eq!(
        after,
        (5000, 700),
        "the credit step failed, yet the balances are {after:?} instead of (5000, 700): the debit was kept. \
         Run both updates in one transaction and roll back on any error."
    );
    assert!(
        conn.is_autocommit(),
        "after an error the transaction must be rolled back"
    );
}

#[test]
fn transfer_starts_with_begin_immediate() {
    let mut conn = shop();
    fund(&conn, PAYER, 5000);
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
    transfer_store_credit(&mut conn, PAYER, PAYEE, 10).unwrap();
    let statements = statements.lock().unwrap();
    let first = statements
        .first()
        .map(|s| s.trim().to_uppercase())
        .unwrap_or_else(|| "(nothing)".into());
    assert!(
        first.starts_with("BEGIN IMMEDIATE"),
        "the first statement was {first:?}: start the transfer with BEGIN IMMEDIATE \
         (Connection::transaction_with_behavior(TransactionBehavior::Immediate)), which takes the write lock \
         before reading, so no other writer can change the balance in between"
    );
}
