-- Customer 42's orders, newest first (ties: the higher id first).
-- With the index on orders (customer_id, ordered_on), SQLite reads these
-- rows straight from the index, already in order.
SELECT id, ordered_on, shipped_on
FROM orders
WHERE customer_id = 42
ORDER BY ordered_on DESC, id;
