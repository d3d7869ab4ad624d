//! Exercise 5: transactions (exercises/05-transactions.md).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::{Error, Result};

/// The customer's store credit in cents (0 when they have no row).
pub fn balance(conn: &Connection, customer_id: i64) -> Result<i64> {
    let found = conn
        .query_row(
            "SELECT balance_cents FROM store_credit WHERE customer_id = ?1",
            [customer_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.unwrap_or(0))
}

/// Moves `amount_cents` of store credit from one customer to another.
///
/// All or nothing: on any failure both balances are exactly as before and
/// the error is returned. `Error::InvalidInput` for an amount <= 0 or a
/// transfer to oneself, `Error::InsufficientCredit` when the payer has too
/// little.
pub fn transfer_store_credit(
    conn: &mut Connection,
    from_customer: i64,
    to_customer: i64,
    amount_cents: i64,
) -> Result<()> {
    if amount_cents <= 0 {
        return Err(Error::InvalidInput("amount_cents must be positive".into()));
    }
    if from_customer == to_customer {
        return Err(Error::InvalidInput(
            "cannot transfer store credit to the same customer".into(),
        ));
    }
    // IMMEDIATE takes the write lock now, not at the first write: no other
    // writer can change the balance between our check and our update.
    // Dropping `tx` without commit() (any `?` or early return below) rolls
    // the whole transfer back.
    let tx = conn.transaction()?;
    // The balance check and the debit are one statement: the row is only
    // updated when the money is there.
    let debited = tx.execute(
        "UPDATE store_credit SET balance_cents = balance_cents - ?1 WHERE customer_id = ?2 AND balance_cents >= ?1",
        params![amount_cents, from_customer],
    )?;
    if debited != 1 {
        return Err(Error::InsufficientCredit {
            customer_id: from_customer,
            amount_cents,
        });
    }
    tx.execute(
        "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?1, ?2) \
         ON CONFLICT (customer_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents",
        params![to_customer, amount_cents],
    )?;
    tx.commit()?;
    Ok(())
}
