//! Exercise 5: transactions (exercises/05-transactions.md).

use rusqlite::{params, Connection, OptionalExtension};

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
    // TODO(lab): this works until something fails half-way: each statement
    // below commits on its own, so a failure after the first UPDATE loses
    // money. Make the transfer one transaction (BEGIN IMMEDIATE ... COMMIT,
    // ROLLBACK on any error).
    if amount_cents <= 0 {
        return Err(Error::InvalidInput("amount_cents must be positive".into()));
    }
    if from_customer == to_customer {
        return Err(Error::InvalidInput(
            "cannot transfer store credit to the same customer".into(),
        ));
    }
    if balance(conn, from_customer)? < amount_cents {
        return Err(Error::InsufficientCredit {
            customer_id: from_customer,
            amount_cents,
        });
    }
    conn.execute(
        "UPDATE store_credit SET balance_cents = balance_cents - ?1 WHERE customer_id = ?2",
        params![amount_cents, from_customer],
    )?;
    conn.execute(
        "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?1, ?2) \
         ON CONFLICT (customer_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents",
        params![to_customer, amount_cents],
    )?;
    Ok(())
}
