-- Schema version 1 of the shop.
-- Every rule the data must follow lives here, in the database, so no code
-- path (a script, a console session, a buggy release) can break it.

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    country     TEXT    NOT NULL,                       -- NULL: we do not know it
    created_at  TEXT    NOT NULL            -- ISO 8601 date, UTC
);

CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    sku          TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    category     TEXT,                      -- NULL: not categorised yet
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0)
);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    ordered_on   TEXT    NOT NULL,          -- ISO 8601 date
    shipped_on   TEXT                       -- NULL: not shipped yet
);

CREATE TABLE order_items (
    order_id          INTEGER NOT NULL REFERENCES orders (id),
    product_id        INTEGER NOT NULL REFERENCES products (id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE store_credit (
    customer_id    INTEGER PRIMARY KEY REFERENCES customers (id),
    balance_cents  INTEGER NOT NULL CHECK (balance_cents >= 0)
);
