//! Exercise 1: the database refuses bad data (exercises/01-schema.md).

mod support;

use rusqlite::{params_from_iter, types::Value, Connection};
use support::{int, shop, text};

fn refuses(conn: &Connection, sql: &str, params: Vec<Value>, why: &str) {
    match conn.execute(sql, params_from_iter(params.iter())) {
        Ok(_) => panic!("the database accepted {why}: {sql} {params:?}"),
        Err(e) => assert_eq!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation),
            "expected a constraint violation for {why}, got: {e}"
        ),
    }
}

#[test]
fn the_seed_loads_under_the_constraints() {
    let conn = shop();
    for t in [
        "customers",
        "products",
        "orders",
        "order_items",
        "store_credit",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        assert!(n > 0, "{t} should hold seed rows");
    }
    let problems: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(problems, 0, "the seed breaks a foreign key");
}

#[test]
fn duplicate_email_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO customers (email, name, created_at) VALUES (?1, ?2, ?3)",
        vec![
            text("siobhan.o'brien@example.ie"),
            text("Someone Else"),
            text("2025-01-01"),
        ],
        "a second customer with an existing e-mail (add UNIQUE)",
    );
}

#[test]
fn missing_email_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO customers (email, name, created_at) VALUES (?1, ?2, ?3)",
        vec![Value::Null, text("No Mail"), text("2025-01-01")],
        "a customer without an e-mail (add NOT NULL)",
    );
}

#[test]
fn unknown_country_is_allowed() {
    shop()
        .execute(
            "INSERT INTO customers (email, name, country, created_at) VALUES ('nobody@example.com', 'No Where', NULL, '2025-01-01')",
            [],
        )
        .expect("country may be NULL");
}

#[test]
fn duplicate_customer_id_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO customers (id, email, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        vec![
            int(1),
            text("new@example.com"),
            text("New"),
            text("2025-01-01"),
        ],
        "two customers with id 1 (add a PRIMARY KEY)",
    );
}

#[test]
fn negative_price_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO products (sku, name, price_cents) VALUES (?1, ?2, ?3)",
        vec![text("SKU-NEG"), text("Refund"), int(-1)],
        "a negative price (add CHECK (price_cents >= 0))",
    );
}

#[test]
fn duplicate_sku_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO products (sku, name, price_cents) VALUES (?1, ?2, ?3)",
        vec![text("SKU-0001"), text("Copy"), int(100)],
        "two products with the same SKU (add UNIQUE)",
    );
}

#[test]
fn order_for_unknown_customer_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO orders (customer_id, ordered_on) VALUES (?1, ?2)",
        vec![int(9999), text("2025-01-01")],
        "an order for customer 9999, who does not exist (add REFERENCES)",
    );
}

#[test]
fn order_without_customer_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO orders (customer_id, ordered_on) VALUES (?1, ?2)",
        vec![Value::Null, text("2025-01-01")],
        "an order without a customer (add NOT NULL)",
    );
}

#[test]
fn item_for_unknown_product_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
        vec![int(1), int(9999), int(1), int(100)],
        "an item for product 9999, which does not exist (add REFERENCES)",
    );
}

#[test]
fn item_without_product_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
        vec![int(1), Value::Null, int(1), int(100)],
        "an item without a product (add NOT NULL)",
    );
}

#[test]
fn same_product_twice_in_one_order_is_refused() {
    let conn = shop();
    let (order_id, product_id): (i64, i64) = conn
        .query_row(
            "SELECT order_id, product_id FROM order_items LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    refuses(
        &conn,
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
        vec![int(order_id), int(product_id), int(1), int(100)],
        "a second line for the same product in one order (PRIMARY KEY (order_id, product_id))",
    );
}

#[test]
fn item_without_order_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
        vec![Value::Null, int(1), int(1), int(100)],
        "an item without an order: SQLite lets NULL into a composite PRIMARY KEY column unless it says NOT NULL (order_id INTEGER NOT NULL)",
    );
}

#[test]
fn negative_unit_price_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
        vec![int(1), int(40), int(1), int(-1)],
        "a negative price paid (add CHECK (unit_price_cents >= 0))",
    );
}

#[test]
fn quantity_must_be_positive() {
    for quantity in [0, -2] {
        refuses(
            &shop(),
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4)",
            vec![int(1), int(40), int(quantity), int(100)],
            &format!("a quantity of {quantity} (add CHECK (quantity > 0))"),
        );
    }
}

#[test]
fn negative_balance_is_refused() {
    refuses(
        &shop(),
        "UPDATE store_credit SET balance_cents = -1 WHERE customer_id = 1",
        vec![],
        "a negative store credit balance (add CHECK (balance_cents >= 0))",
    );
}

#[test]
fn credit_for_unknown_customer_is_refused() {
    refuses(
        &shop(),
        "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?1, ?2)",
        vec![int(9999), int(100)],
        "store credit for customer 9999, who does not exist (add REFERENCES)",
    );
}
