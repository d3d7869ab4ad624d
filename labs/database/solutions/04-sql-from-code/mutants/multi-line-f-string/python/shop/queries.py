"""Exercise 4: SQL from code, safely (exercises/04-sql-from-code.md)."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    name: str
    country: str | None


class UnknownProduct(ValueError):
    """An order named a product id that does not exist."""


def find_customer_by_email(conn, email):
    """The customer with exactly this e-mail address, or None."""
    # The ? is a bound parameter: the driver sends the value apart from the
    # SQL text, so no e-mail address can change what the statement does.
    quoted = email.replace("'", "''")
    sql = (
        "SELECT id, email, name, country FROM customers "
        f"WHERE email = '{quoted}'"
    )
    row = conn.execute(sql).fetchone()
    return Customer(*row) if row else None


def create_order(conn, customer_id, items, ordered_on=None):
    """Creates an order and returns its id.

    items: (product_id, quantity) pairs, each product at most once.
    ordered_on: an ISO date (default: today). Each item records the product's
    current price as unit_price_cents. Either the whole order is stored or,
    on any error, nothing is: raises ValueError for an empty order and
    UnknownProduct for a product id that does not exist.
    """
    items = list(items)
    if not items:
        raise ValueError("an order needs at least one item")
    conn.execute("BEGIN")
    try:
        order_id = conn.execute(
            "INSERT INTO orders (customer_id, ordered_on) VALUES (?, ?)",
            (customer_id, ordered_on or today()),
        ).lastrowid
        for product_id, quantity in items:
            # INSERT ... SELECT reads the current price in the same statement;
            # no row is inserted when the product does not exist.
            inserted = conn.execute(
                "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) "
                "SELECT ?, id, ?, price_cents FROM products WHERE id = ?",
                (order_id, quantity, product_id),
            ).rowcount
            if inserted != 1:
                raise UnknownProduct(f"there is no product {product_id}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return order_id


def today():
    return date.today().isoformat()
