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
    # TODO(lab): this works for ordinary addresses, but the address is pasted
    # into the SQL text. Try "siobhan.o'brien@example.ie", then "' OR 1=1 --".
    # Pass the value as a bound parameter instead.
    row = conn.execute(
        f"SELECT id, email, name, country FROM customers WHERE email = '{email}'"
    ).fetchone()
    return Customer(*row) if row else None


def create_order(conn, customer_id, items, ordered_on=None):
    """Creates an order and returns its id.

    items: (product_id, quantity) pairs, each product at most once.
    ordered_on: an ISO date (default: today). Each item records the product's
    current price as unit_price_cents. Either the whole order is stored or,
    on any error, nothing is: raises ValueError for an empty order and
    UnknownProduct for a product id that does not exist.
    """
    # TODO(lab): write it with bound parameters, in one transaction.
    raise NotImplementedError("create_order: exercise 4 (exercises/04-sql-from-code.md)")


def today():
    return date.today().isoformat()
