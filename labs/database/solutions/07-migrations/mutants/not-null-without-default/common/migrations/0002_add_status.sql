-- Schema version 2: orders get a status.
-- This runs on a shop that already has orders, so the new column needs a
-- default for the existing rows (NOT NULL without a default is refused),
-- and a backfill: an order that has shipped is 'shipped', not 'pending'.
ALTER TABLE orders ADD COLUMN status TEXT NOT NULL
    CHECK (status IN ('pending', 'shipped', 'cancelled'));

UPDATE orders SET status = 'shipped' WHERE shipped_on IS NOT NULL;
