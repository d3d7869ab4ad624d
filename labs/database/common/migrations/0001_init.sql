-- Schema version 1 of the shop (exercise 1: exercises/01-schema.md).
--
-- The tables and columns are here; the rules are not. Add them so the
-- database itself refuses bad data:
--   * a PRIMARY KEY on every table (order_items: the pair order_id, product_id)
--   * REFERENCES (foreign keys) from orders, order_items and store_credit
--   * NOT NULL on every column that must always have a value
--   * CHECK constraints: prices and balances never negative, quantities > 0
--   * UNIQUE e-mail addresses and SKUs
-- Keep the table and column names and types: data/seed.sql and the later
-- exercises use them.
-- TODO(lab): add the constraints, then delete this line.

CREATE TABLE customers (
    id          INTEGER,
    email       TEXT,
    name        TEXT,
    country     TEXT,       -- may be unknown
    created_at  TEXT        -- ISO 8601 date, UTC
);

CREATE TABLE products (
    id           INTEGER,
    sku          TEXT,
    name         TEXT,
    category     TEXT,      -- may be unknown
    price_cents  INTEGER
);

CREATE TABLE orders (
    id           INTEGER,
    customer_id  INTEGER,
    ordered_on   TEXT,      -- ISO 8601 date
    shipped_on   TEXT       -- NULL until the order ships
);

CREATE TABLE order_items (
    order_id          INTEGER,
    product_id        INTEGER,
    quantity          INTEGER,
    unit_price_cents  INTEGER   -- the price when ordered
);

CREATE TABLE store_credit (
    customer_id    INTEGER,
    balance_cents  INTEGER
);

-- Exercise 6 adds an index below this line.
