"""Exercise 5: transactions (exercises/05-transactions.md)."""


class InsufficientCredit(Exception):
    """The payer's balance is below the amount."""

    def __init__(self, customer_id, amount_cents):
        super().__init__(f"customer {customer_id} has less than {amount_cents} cents of store credit")
        self.customer_id = customer_id
        self.amount_cents = amount_cents


def balance(conn, customer_id):
    """The customer's store credit in cents (0 when they have no row)."""
    row = conn.execute(
        "SELECT balance_cents FROM store_credit WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    return row[0] if row else 0


def transfer_store_credit(conn, from_customer, to_customer, amount_cents):
    """Moves amount_cents of store credit from one customer to another.

    All or nothing: on any failure both balances are exactly as before and
    the error is raised. Raises ValueError for an amount <= 0 or a transfer
    to oneself, InsufficientCredit when the payer has too little.
    """
    if amount_cents <= 0:
        raise ValueError("amount_cents must be positive")
    if from_customer == to_customer:
        raise ValueError("cannot transfer store credit to the same customer")
    # IMMEDIATE takes the write lock now, not at the first write: no other
    # writer can change the balance between our check and our update.
    conn.execute("BEGIN")
    try:
        # The balance check and the debit are one statement: the row is only
        # updated when the money is there.
        debited = conn.execute(
            "UPDATE store_credit SET balance_cents = balance_cents - ? "
            "WHERE customer_id = ? AND balance_cents >= ?",
            (amount_cents, from_customer, amount_cents),
        ).rowcount
        if debited != 1:
            raise InsufficientCredit(from_customer, amount_cents)
        conn.execute(
            "INSERT INTO store_credit (customer_id, balance_cents) VALUES (?, ?) "
            "ON CONFLICT (customer_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents",
            (to_customer, amount_cents),
        )
        conn.execute("COMMIT")
    except BaseException:
        # Whatever failed (our check, a constraint, a trigger, Ctrl-C), undo
        # the whole transfer before the error travels on.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
