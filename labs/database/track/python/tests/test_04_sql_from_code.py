"""Exercise 4: SQL from code, safely (exercises/04-sql-from-code.md)."""

import sqlite3

import pytest

from shop.queries import Customer, UnknownProduct, create_order, find_customer_by_email


def count(conn, table):
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_finds_a_customer_by_email(conn):
    customer = find_customer_by_email(conn, "kitahara.sakura@example.jp")
    assert customer == Customer(13, "kitahara.sakura@example.jp", "北原 さくら", "SE")


def test_an_apostrophe_in_the_address_works(conn):
    customer = find_customer_by_email(conn, "siobhan.o'brien@example.ie")
    assert customer is not None and customer.name == "Siobhán O'Brien", (
        "an e-mail with an apostrophe must be found; pasted into the SQL text, "
        "the apostrophe ends the string literal early"
    )


def test_unknown_address_returns_none(conn):
    assert find_customer_by_email(conn, "nobody@example.com") is None


@pytest.mark.parametrize("attack", ["' OR 1=1 --", "' OR '1'='1", "x' UNION SELECT 1, 'a', 'b', 'c' --"])
def test_injection_finds_nobody(conn, attack):
    try:
        found = find_customer_by_email(conn, attack)
    except sqlite3.Error as e:
        pytest.fail(f"the e-mail {attack!r} broke the SQL ({e}): it was pasted into the statement; "
                    "use a bound parameter (?)", pytrace=False)
    assert found is None, (
        f"the e-mail {attack!r} returned {found}: the input changed the SQL statement. "
        "Use a bound parameter (?) instead of putting the value into the SQL text."
    )


class Recording:
    """A connection that records the SQL text of every statement it is given
    (the text alone: bound values travel apart from it)."""

    def __init__(self, conn):
        self._conn = conn
        self.sql = []

    def execute(self, sql, *args):
        self.sql.append(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self.sql.append(sql)
        return self._conn.executemany(sql, *args)

    def executescript(self, sql):
        self.sql.append(sql)
        return self._conn.executescript(sql)

    def cursor(self, *args):
        return Recording(self._conn.cursor(*args))

    def __getattr__(self, name):
        return getattr(self._conn, name)

    # `with conn:` and `for row in cursor` look these up on the type, not the instance.
    def __enter__(self):
        self._conn.__enter__()
        return self

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)

    def __iter__(self):
        return iter(self._conn)


def pasted(recording, value):
    return [s for s in recording.sql if value in s]


@pytest.mark.parametrize("email", ["siobhan.o'brien@example.ie", "kitahara.sakura@example.jp"])
def test_the_address_is_a_bound_parameter(conn, email):
    recording = Recording(conn)
    find_customer_by_email(recording, email)
    local = email.split("'")[0].split("@")[0]
    found = pasted(recording, local)
    assert not found, (
        f"the e-mail {email!r} was written into the SQL text: {found[0]!r}. Escaping quotes by hand "
        "(replace(\"'\", \"''\")) or building the string with +, % or an f-string, on one line or "
        "several, still mixes data into code; write ? and pass the value separately"
    )


def test_create_order_binds_its_values(conn):
    recording = Recording(conn)
    create_order(recording, 1, [(1, 1)], ordered_on="2031-02-03")
    found = pasted(recording, "2031-02-03")
    assert not found, f"the date was written into the SQL text: {found[0]!r}; bind it with ?"


def test_a_failing_later_line_stores_nothing(conn):
    """The second item breaks CHECK (quantity > 0) after the order and the first item were written."""
    before = (count(conn, "orders"), count(conn, "order_items"))
    with pytest.raises(sqlite3.IntegrityError):
        create_order(conn, 1, [(1, 1), (2, 0)], ordered_on="2025-07-01")
    after = (count(conn, "orders"), count(conn, "order_items"))
    assert after == before, (
        f"(orders, order_items) went from {before} to {after}: the order and its first item stayed "
        "although the second item failed. Checking the input first is not enough: any statement can "
        "fail, so write the order in one transaction and ROLLBACK on any error."
    )
    assert not conn.in_transaction, "after an error the transaction must be rolled back"


def test_create_order_stores_the_order_and_its_items(conn):
    prices = dict(conn.execute("SELECT id, price_cents FROM products WHERE id IN (3, 9)").fetchall())
    order_id = create_order(conn, 60, [(3, 2), (9, 1)], ordered_on="2025-07-01")
    assert conn.execute("SELECT customer_id, ordered_on, shipped_on FROM orders WHERE id = ?",
                        (order_id,)).fetchone() == (60, "2025-07-01", None)
    items = conn.execute("SELECT product_id, quantity, unit_price_cents FROM order_items "
                         "WHERE order_id = ? ORDER BY product_id", (order_id,)).fetchall()
    assert items == [(3, 2, prices[3]), (9, 1, prices[9])], "each item records the product's current price"
    assert not conn.in_transaction, "create_order must end its transaction (COMMIT)"


def test_create_order_returns_distinct_ids(conn):
    first = create_order(conn, 1, [(1, 1)], ordered_on="2025-07-01")
    second = create_order(conn, 1, [(1, 1)], ordered_on="2025-07-01")
    assert first != second


def test_create_order_defaults_to_today(conn):
    order_id = create_order(conn, 2, [(5, 1)])
    (ordered_on,) = conn.execute("SELECT ordered_on FROM orders WHERE id = ?", (order_id,)).fetchone()
    assert len(ordered_on) == 10 and ordered_on[4] == "-" and ordered_on[7] == "-", ordered_on


def test_empty_order_is_refused(conn):
    before = count(conn, "orders")
    with pytest.raises(ValueError):
        create_order(conn, 1, [], ordered_on="2025-07-01")
    assert count(conn, "orders") == before


def test_unknown_product_stores_nothing(conn):
    before = (count(conn, "orders"), count(conn, "order_items"))
    with pytest.raises(UnknownProduct):
        create_order(conn, 1, [(1, 1), (9999, 1)], ordered_on="2025-07-01")
    after = (count(conn, "orders"), count(conn, "order_items"))
    assert after == before, (
        f"(orders, order_items) went from {before} to {after}: a failed order must leave nothing behind. "
        "Write it in one transaction and ROLLBACK on error."
    )
    assert not conn.in_transaction, "after an error the transaction must be rolled back"


def test_unknown_customer_stores_nothing(conn):
    before = count(conn, "orders")
    with pytest.raises(sqlite3.IntegrityError):
        create_order(conn, 9999, [(1, 1)], ordered_on="2025-07-01")
    assert count(conn, "orders") == before
    assert not conn.in_transaction


def test_a_hostile_value_is_stored_as_data(conn):
    hostile = "2025-07-01'); DROP TABLE customers; --"
    order_id = create_order(conn, 1, [(1, 1)], ordered_on=hostile)
    stored = conn.execute("SELECT ordered_on FROM orders WHERE id = ?", (order_id,)).fetchone()
    assert stored == (hostile,), "a bound parameter stores the text exactly as given"
    assert count(conn, "customers") > 0
