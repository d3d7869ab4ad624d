"""Exercise 2: filter, sort, limit, NULL (exercises/02-read-basics.md).

Each test computes the expected answer in Python from the raw tables, so the
query is compared with an independent solution, not with a stored result.
"""

from helpers import expect_columns, expect_same_rows, expect_sorted, run_query, table


def test_q01_customers_without_country(conn):
    name = "q01_customers_without_country.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "email"])
    expected = [(i, e) for i, e, country in table(conn, "SELECT id, email, country FROM customers")
                if country is None]
    expect_same_rows(name, rows, expected, "customers whose country IS NULL")


def test_q02_most_expensive_products(conn):
    name = "q02_most_expensive_products.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "name", "price_cents"])
    products = table(conn, "SELECT id, name, price_cents FROM products")
    expected = sorted(products, key=lambda p: (-p[2], p[0]))[:10]
    assert rows == expected, (
        f"queries/{name}: expected exactly these ten rows in this order "
        f"(price high to low, ties by id):\n  {expected}\ngot:\n  {rows}"
    )


def test_q03_unshipped_orders(conn):
    name = "q03_unshipped_orders.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "customer_id", "ordered_on"])
    expected = [(i, c, d) for i, c, d, shipped in
                table(conn, "SELECT id, customer_id, ordered_on, shipped_on FROM orders")
                if shipped is None and d.startswith("2025-")]
    expect_same_rows(name, rows, expected, "orders placed in 2025 with shipped_on NULL")
    expect_sorted(name, rows, lambda r: r[2], "by ordered_on, oldest first")
