#!/usr/bin/env python3
"""Writes data/seed.sql: the shop's deterministic sample data.

Shipped for transparency: the seed is produced by this script and never
edited by hand. Run `python3 data/generate_seed.py > data/seed.sql` to
regenerate it; the output is identical on every run and every machine
(a fixed random seed, no clock, no locale).

What the data deliberately contains, because the exercises need it:
- customers with no orders (exercise 3's anti-join), customers with a NULL
  country (exercise 2's NULL handling), non-ASCII names, and an e-mail with
  an apostrophe (exercise 4: naive string formatting breaks on it);
- products with tied prices around the top-10 boundary, a free product, a
  NULL category and a product nobody ordered;
- two customers with exactly the same revenue (ties under key ordering);
- two customers with the same name (exercise 3: group by the key, not the name);
- orders spread over 18 months, some not shipped yet (shipped_on NULL), plus
  the traps of exercise 2's date range: an unshipped order on 1 January 2025
  and unshipped ones on 1 January 2026 and later in 2026;
- two orders of customer 42 on one day (exercise 6: the tie-breaker);
- an index on products (price_cents): the top ten is read from it, so equal
  prices come back in descending id order unless the query says otherwise.

Every random draw happens before the hand-placed rows, so adding a trap
never reshuffles the rest of the data.

The seed is written against schema version 1 (migrations/0001_init.sql).
"""

import random
import unicodedata

RNG = random.Random(20261125)

FIRST = [
    "Ada", "Bruno", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana",
    "Ines", "Jonas", "Kaito", "Lena", "Mateo", "Nia", "Oskar", "Priya",
    "Quentin", "Rosa", "Søren", "Tomasz", "Uma", "Viktor", "Wen", "Yara",
    "Zoë", "Émile", "Åsa", "Jürgen", "Małgorzata", "Noémie",
]
LAST = [
    "Lovelace", "Ferreira", "Dubois", "Ivanov", "Yılmaz", "Haddad", "Berg",
    "Sato", "García", "Schmidt", "Tanaka", "Novak", "Rossi", "Okafor",
    "Lindqvist", "Sharma", "Moreau", "Núñez", "Kierkegaard", "Wójcik",
    "Müller", "Ångström", "Łukasik", "Østergaard",
]
COUNTRIES = ["DE", "FR", "PL", "SE", "ES", "JP", "IE", "US", "NG", None]

CATEGORIES = ["books", "games", "kitchen", "garden", "toys", None]
PRODUCT_WORDS = [
    "Lamp", "Kettle", "Puzzle", "Notebook", "Trowel", "Teapot", "Chess set",
    "Cookbook", "Watering can", "Kite", "Mug", "Atlas", "Skillet", "Yo-yo",
    "Seed tray", "Dice", "Whisk", "Novel", "Hammock", "Marbles",
]

N_CUSTOMERS = 60
# Letters NFKD does not decompose, for the ASCII part of e-mail addresses.
ASCII_FALLBACK = str.maketrans({"ø": "o", "ł": "l", "ı": "i"})
N_PRODUCTS = 40
N_ORDERS = 240


def sql_str(value):
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def fmt(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return sql_str(value)


def day(n):
    """The n-th day after 2024-01-01 as YYYY-MM-DD (no datetime: no locale)."""
    lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,  # 2024 (leap)
               31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # 2025
    year, month = 2024, 0
    while n >= lengths[month + (12 if year == 2025 else 0)]:
        n -= lengths[month + (12 if year == 2025 else 0)]
        month += 1
        if month == 12:
            year, month = year + 1, 0
    return f"{year:04d}-{month + 1:02d}-{n + 1:02d}"


def customers():
    rows = []
    used = set()
    for cid in range(1, N_CUSTOMERS + 1):
        while True:
            first, last = RNG.choice(FIRST), RNG.choice(LAST)
            if (first, last) not in used:
                used.add((first, last))
                break
        local = f"{first}.{last}".lower()
        local = unicodedata.normalize("NFKD", local.translate(ASCII_FALLBACK))
        local = local.encode("ascii", "ignore").decode()
        email = f"{local}{cid}@example.com"
        country = COUNTRIES[cid % len(COUNTRIES)] if cid % 7 else None
        rows.append([cid, email, f"{first} {last}", country, day(RNG.randrange(0, 120))])
    # Hand-placed rows the exercises rely on.
    rows[11][1:3] = ["siobhan.o'brien@example.ie", "Siobhán O'Brien"]
    rows[12][1:3] = ["kitahara.sakura@example.jp", "北原 さくら"]
    return rows


def same_name(rows):
    """Customer 31 gets customer 30's name (both order): two people, one name."""
    rows[30][2] = rows[29][2]


def products():
    rows = []
    for pid in range(1, N_PRODUCTS + 1):
        word = PRODUCT_WORDS[(pid - 1) % len(PRODUCT_WORDS)]
        edition = "" if pid <= len(PRODUCT_WORDS) else " (deluxe)"
        price = RNG.randrange(199, 4000)
        rows.append([pid, f"SKU-{pid:04d}", word + edition, CATEGORIES[pid % len(CATEGORIES)], price])
    # Ties around the top-10 boundary, a free product, a product nobody buys.
    for pid, price in [(3, 9900), (17, 8450), (22, 8450), (8, 7999), (31, 6500),
                       (12, 6500), (27, 5999), (5, 5999), (36, 5999), (14, 5999), (20, 5999),
                       (19, 5200)]:
        rows[pid - 1][4] = price
    rows[9][4] = 0
    return rows


# Customers who never order: exercise 3's anti-join finds exactly these.
NO_ORDERS = {4, 9, 23, 38, 47, 55, 60}
TWINS = (15, 16)  # same orders, same revenue: a tie under key ordering


def orders(product_rows):
    order_rows, item_rows = [], []
    buyers = [c for c in range(1, N_CUSTOMERS + 1) if c not in NO_ORDERS and c not in TWINS]
    price = {p[0]: p[4] for p in product_rows}
    oid = 0
    for _ in range(N_ORDERS):
        oid += 1
        cid = RNG.choice(buyers) if oid > 3 else 42
        placed = RNG.randrange(0, 547)  # 2024-01-01 .. 2025-06-30
        shipped = None if RNG.random() < 0.2 else day(placed + RNG.randrange(0, 6))
        order_rows.append([oid, cid, day(placed), shipped])
        chosen = RNG.sample(range(1, N_PRODUCTS), RNG.randrange(1, 4))
        for pid in sorted(chosen):
            # unit_price_cents is the price when ordered: it may differ from today's.
            unit = price[pid] if RNG.random() < 0.8 else max(0, price[pid] - 100)
            item_rows.append([oid, pid, RNG.randrange(1, 4), unit])
    for cid in TWINS:
        for placed, pid, qty in [(100, 2, 2), (300, 6, 1)]:
            oid += 1
            order_rows.append([oid, cid, day(placed), day(placed + 2)])
            item_rows.append([oid, pid, qty, price[pid]])
    return order_rows, item_rows


# Hand-placed orders (no random draws): (customer, ordered_on, shipped_on, [(product, qty)]).
TRAP_ORDERS = [
    (7, "2025-01-01", None, [(2, 1)]),          # unshipped on the first day of 2025
    (21, "2026-01-01", None, [(6, 1)]),         # unshipped on the first day of 2026
    (33, "2026-02-14", None, [(11, 2)]),        # unshipped, later in 2026
    (42, None, "same-day", [(4, 1)]),           # customer 42, same day as an earlier order
]


def trap_orders(order_rows, item_rows, product_rows):
    price = {p[0]: p[4] for p in product_rows}
    oid = len(order_rows)
    for cid, placed, shipped, items in TRAP_ORDERS:
        oid += 1
        if placed is None:
            # The same day as customer 42's latest order, so ORDER BY ordered_on ties.
            placed, shipped = max((o[2], o[3]) for o in order_rows if o[1] == cid)
        order_rows.append([oid, cid, placed, shipped])
        for pid, qty in items:
            item_rows.append([oid, pid, qty, price[pid]])


def store_credit():
    rows = []
    for cid in range(1, N_CUSTOMERS + 1, 3):
        rows.append([cid, RNG.randrange(0, 20) * 250])
    return rows


def insert(table, columns, rows):
    out = [f"INSERT INTO {table} ({', '.join(columns)}) VALUES"]
    out.append(",\n".join("  (" + ", ".join(fmt(v) for v in r) + ")" for r in rows) + ";")
    return "\n".join(out)


def main():
    cust = customers()
    prod = products()
    ords, items = orders(prod)
    credit = store_credit()
    same_name(cust)
    trap_orders(ords, items, prod)
    parts = [
        "-- Generated by data/generate_seed.py; do not edit by hand.",
        "-- The shop's sample data, written against schema version 1.",
        "BEGIN;",
        insert("customers", ["id", "email", "name", "country", "created_at"], cust),
        insert("products", ["id", "sku", "name", "category", "price_cents"], prod),
        insert("orders", ["id", "customer_id", "ordered_on", "shipped_on"], ords),
        insert("order_items", ["order_id", "product_id", "quantity", "unit_price_cents"], items),
        insert("store_credit", ["customer_id", "balance_cents"], credit),
        "-- The top ten by price is read from this index: equal prices come back",
        "-- highest id first, so only an explicit tie-breaker gives the lowest ids.",
        "CREATE INDEX products_by_price ON products (price_cents);",
        "COMMIT;",
        "",
    ]
    print("\n".join(parts), end="")


if __name__ == "__main__":
    main()
