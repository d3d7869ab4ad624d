//! Exercise 4: SQL from code, safely (exercises/04-sql-from-code.md).

use rusqlite::{Connection, OptionalExtension, Row};

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
    // TODO(lab): this works for ordinary addresses, but the address is pasted
    // into the SQL text. Try "siobhan.o'brien@example.ie", then "' OR 1=1 --".
    // Pass the value as a bound parameter instead.
    let sql = format!("SELECT id, email, name, country FROM customers WHERE email = '{email}'");
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
    // TODO(lab): write it with bound parameters, in one transaction.
    let _ = (conn, customer_id, items, ordered_on);
    todo!("create_order: exercise 4 (exercises/04-sql-from-code.md)")
}
