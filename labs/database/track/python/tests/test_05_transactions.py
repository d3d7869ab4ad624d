"""Exercise 5: transactions (exercises/05-transactions.md)."""

import sqlite3

import pytest

from shop.credit import InsufficientCredit, balance, transfer_store_credit

PAYER = 1      # has store credit in the seed
PAYEE = 4      # has store credit in the seed
NEWCOMER = 2   # has no store_credit row yet


def balances(conn, *ids):
    return tuple(balance(conn, i) for i in ids)


def fund(conn, customer_id, cents):
    key = [row[1] for row in conn.execute("PRAGMA table_info(store_credit)") if row[5]]
    if key != ["customer_id"]:
        pytest.fail("exercise 5 needs exercise 1's PRIMARY KEY on store_credit (customer_id): "
                    "the upsert (ON CONFLICT (customer_id)) relies on it", pytrace=False)
    conn.execute("INSERT INTO store_credit (customer_id, balance_cents) VALUES (?, ?) "
                 "ON CONFLICT (customer_id) DO UPDATE SET balance_cents = excluded.balance_cents",
                 (customer_id, cents))


def test_transfer_moves_the_money(conn):
    fund(conn, PAYER, 5000)
    fund(conn, PAYEE, 700)
    transfer_store_credit(conn, PAYER, PAYEE, 1200)
    assert balances(conn, PAYER, PAYEE) == (3800, 1900)
    assert not conn.in_transaction, "the transfer must end its transaction (COMMIT)"


def test_recipient_without_a_row_gets_one(conn):
    fund(conn, PAYER, 5000)
    transfer_store_credit(conn, PAYER, NEWCOMER, 250)
    assert balances(conn, PAYER, NEWCOMER) == (4750, 250)


def test_insufficient_credit_changes_nothing(conn):
    fund(conn, PAYER, 100)
    fund(conn, PAYEE, 700)
    with pytest.raises(InsufficientCredit):
        transfer_store_credit(conn, PAYER, PAYEE, 101)
    assert balances(conn, PAYER, PAYEE) == (100, 700)
    assert not conn.in_transaction, "after an error the transaction must be rolled back"


@pytest.mark.parametrize("amount", [0, -5])
def test_amount_must_be_positive(conn, amount):
    fund(conn, PAYER, 5000)
    with pytest.raises(ValueError):
        transfer_store_credit(conn, PAYER, PAYEE, amount)


def test_failure_half_way_rolls_everything_back(conn):
    """A trigger makes crediting the payee fail, after the payer was debited."""
    fund(conn, PAYER, 5000)
    fund(conn, PAYEE, 700)
    for event in ("INSERT", "UPDATE"):
        conn.execute(
            f"CREATE TEMP TRIGGER fail_credit_{event.lower()} BEFORE {event} ON store_credit "
            f"WHEN NEW.customer_id = {PAYEE} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
    with pytest.raises(sqlite3.DatabaseError, match="injected failure"):
        transfer_store_credit(conn, PAYER, PAYEE, 1200)
    after = balances(conn, PAYER, PAYEE)
    assert after == (5000, 700), (
        f"the credit step failed, yet the balances are {after} instead of (5000, 700): "
        "the debit was kept. Run both updates in one transaction and ROLLBACK on any error."
    )
    assert not conn.in_transaction, "after an error the transaction must be rolled back"


def test_any_error_rolls_back_not_only_integrity_errors(conn):
    """Crediting the payee fails with an OperationalError (not an IntegrityError)."""
    fund(conn, PAYER, 5000)
    fund(conn, PAYEE, 700)

    def disk_trouble():
        raise RuntimeError("injected failure")

    conn.create_function("disk_trouble", 0, disk_trouble)
    for event in ("INSERT", "UPDATE"):
        conn.execute(
            f"CREATE TEMP TRIGGER trouble_{event.lower()} BEFORE {event} ON store_credit "
            f"WHEN NEW.customer_id = {PAYEE} BEGIN SELECT disk_trouble(); END"
        )
    with pytest.raises(sqlite3.OperationalError):
        transfer_store_credit(conn, PAYER, PAYEE, 1200)
    assert not conn.in_transaction, (
        "an OperationalError (a full disk, a lock, a failing function) left the transfer's "
        "transaction open: roll back on every error, not only the ones you expect"
    )
    assert balances(conn, PAYER, PAYEE) == (5000, 700)


def test_transfer_starts_with_begin_immediate(conn):
    fund(conn, PAYER, 5000)
    statements = []
    conn.set_trace_callback(statements.append)
    transfer_store_credit(conn, PAYER, PAYEE, 10)
    conn.set_trace_callback(None)
    first = statements[0].strip().upper() if statements else "(nothing)"
    assert first.startswith("BEGIN IMMEDIATE"), (
        f"the first statement was {first!r}: start the transfer with BEGIN IMMEDIATE, which takes "
        "the write lock before reading, so no other writer can change the balance in between"
    )


def test_concurrent_writer_waits_for_the_transfer(tmp_path):
    """Two connections to one file: while a transfer runs, nobody else writes."""
    from shop import db

    path = str(tmp_path / "shop.db")
    first = db.build(path)
    fund(first, PAYER, 5000)
    second = db.connect(path)
    second.execute("PRAGMA busy_timeout = 0")
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        transfer_store_credit(second, PAYER, PAYEE, 10)
    first.execute("ROLLBACK")
    transfer_store_credit(second, PAYER, PAYEE, 10)
    assert balance(first, PAYER) == 4990
    first.close()
    second.close()
