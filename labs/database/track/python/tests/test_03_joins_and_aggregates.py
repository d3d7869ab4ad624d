"""Exercise 3: joins and aggregates (exercises/03-joins-and-aggregates.md).

Expected answers are computed in Python from the raw tables.
"""

from collections import Counter

from helpers import expect_columns, expect_same_rows, expect_sorted, run_query, table


def revenue_by_customer(conn):
    customer_of = dict(table(conn, "SELECT id, customer_id FROM orders"))
    revenue = Counter()
    for order_id, quantity, unit in table(conn, "SELECT order_id, quantity, unit_price_cents FROM order_items"):
        revenue[customer_of[order_id]] += quantity * unit
    return revenue


def test_q04_revenue_per_customer(conn):
    name = "q04_revenue_per_customer.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "name", "revenue_cents"])
    revenue = revenue_by_customer(conn)
    names = dict(table(conn, "SELECT id, name FROM customers"))
    expected = [(cid, names[cid], cents) for cid, cents in revenue.items()]
    expect_same_rows(name, rows, expected, "one per customer who ordered, revenue = SUM(quantity * unit_price_cents)")
    expect_sorted(name, rows, lambda r: -r[2], "by revenue_cents, highest first")


def test_q05_units_per_product(conn):
    name = "q05_units_per_product.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "name", "units_sold"])
    units = Counter()
    for product_id, quantity in table(conn, "SELECT product_id, quantity FROM order_items"):
        units[product_id] += quantity
    expected = [(pid, pname, units[pid]) for pid, pname in table(conn, "SELECT id, name FROM products")]
    expect_same_rows(name, rows, expected, "every product, 0 units for products nobody bought")
    expect_sorted(name, rows, lambda r: -r[2], "by units_sold, most first")


def test_q06_customers_without_orders(conn):
    name = "q06_customers_without_orders.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "email"])
    ordered = {c for (c,) in table(conn, "SELECT customer_id FROM orders")}
    expected = [(i, e) for i, e in table(conn, "SELECT id, email FROM customers") if i not in ordered]
    expect_same_rows(name, rows, expected, "customers with no order at all")


def test_q07_repeat_customers(conn):
    name = "q07_repeat_customers.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["customer_id", "order_count"])
    counts = Counter(c for (c,) in table(conn, "SELECT customer_id FROM orders"))
    expected = [(c, n) for c, n in counts.items() if n >= 6]
    expect_same_rows(name, rows, expected, "customers with 6 or more orders")
    expect_sorted(name, rows, lambda r: -r[1], "by order_count, most first")
