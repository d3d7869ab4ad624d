"""Exercise 1: the database refuses bad data (exercises/01-schema.md)."""

import sqlite3

import pytest


def refuses(conn, sql, params, why):
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(sql, params)
        pytest.fail(f"the database accepted {why}: {sql} {params}", pytrace=False)


def test_the_seed_loads_under_the_constraints(conn):
    counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("customers", "products", "orders", "order_items", "store_credit")]
    assert all(counts), f"every table should hold seed rows; counts: {counts}"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_duplicate_email_is_refused(conn):
    refuses(conn, "INSERT INTO customers (email, name, created_at) VALUES (?, ?, ?)",
            ("siobhan.o'brien@example.ie", "Someone Else", "2025-01-01"),
            "a second customer with an existing e-mail (add UNIQUE)")


def test_missing_email_is_refused(conn):
    refuses(conn, "INSERT INTO customers (email, name, created_at) VALUES (?, ?, ?)",
            (None, "No Mail", "2025-01-01"), "a customer without an e-mail (add NOT NULL)")


def test_unknown_country_is_allowed(conn):
    conn.execute("INSERT INTO customers (email, name, country, created_at) VALUES (?, ?, ?, ?)",
                 ("nobody@example.com", "No Where", None, "2025-01-01"))


def test_duplicate_customer_id_is_refused(conn):
    refuses(conn, "INSERT INTO customers (id, email, name, created_at) VALUES (?, ?, ?, ?)",
            (1, "new@example.com", "New", "2025-01-01"), "two customers with id 1 (add a PRIMARY KEY)")


def test_negative_price_is_refused(conn):
    refuses(conn, "INSERT INTO products (sku, name, price_cents) VALUES (?, ?, ?)",
            ("SKU-NEG", "Refund", -1), "a negative price (add CHECK (price_cents >= 0))")


def test_duplicate_sku_is_refused(conn):
    refuses(conn, "INSERT INTO products (sku, name, price_cents) VALUES (?, ?, ?)",
            ("SKU-0001", "Copy", 100), "two products with the same SKU (add UNIQUE)")


def test_order_for_unknown_customer_is_refused(conn):
    refuses(conn, "INSERT INTO orders (customer_id, ordered_on) VALUES (?, ?)",
            (9999, "2025-01-01"), "an order for customer 9999, who does not exist (add REFERENCES)")


def test_order_without_customer_is_refused(conn):
    refuses(conn, "INSERT INTO orders (customer_id, ordered_on) VALUES (?, ?)",
            (None, "2025-01-01"), "an order without a customer (add NOT NULL)")


def test_item_for_unknown_product_is_refused(conn):
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (1, 9999, 1, 100), "an item for product 9999, which does not exist (add REFERENCES)")


def test_item_without_product_is_refused(conn):
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (1, None, 1, 100), "an item without a product (add NOT NULL)")


def test_same_product_twice_in_one_order_is_refused(conn):
    order_id, product_id = conn.execute("SELECT order_id, product_id FROM order_items LIMIT 1").fetchone()
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (order_id, product_id, 1, 100),
            "a second line for the same product in one order (PRIMARY KEY (order_id, product_id))")


def test_item_without_order_is_refused(conn):
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (None, 1, 1, 100),
            "an item without an order: SQLite lets NULL into a composite PRIMARY KEY column "
            "unless it says NOT NULL (order_id INTEGER NOT NULL)")


def test_negative_unit_price_is_refused(conn):
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (1, 40, 1, -1), "a negative price paid (add CHECK (unit_price_cents >= 0))")


@pytest.mark.parametrize("quantity", [0, -2])
def test_quantity_must_be_positive(conn, quantity):
    refuses(conn, "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            (1, 40, quantity, 100), f"a quantity of {quantity} (add CHECK (quantity > 0))")


def test_negative_balance_is_refused(conn):
    refuses(conn, "UPDATE store_credit SET balance_cents = -1 WHERE customer_id = 1", (),
            "a negative store credit balance (add CHECK (balance_cents >= 0))")


def test_credit_for_unknown_customer_is_refused(conn):
    refuses(conn, "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?, ?)",
            (9999, 100), "store credit for customer 9999, who does not exist (add REFERENCES)")
