-- Exercise 6, optional: feel what an index changes on a bigger table.
--
-- Adds 100,000 orders to a SCRATCH database, then times "customer 42's
-- orders, newest first". Never run it on a database you care about.
--
--   python -m shop build-db bench.db   (or: cargo run -q -- build-db bench.db)
--   sqlite3 bench.db < data/bench_100k.sql
--
-- Run it once with your index and once after `DROP INDEX <name>;`, and
-- compare the "Run Time" lines and the query plans.
PRAGMA foreign_keys = ON;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO orders (customer_id, ordered_on)
SELECT 1 + (i * 7919) % 60, date('2024-01-01', '+' || (i % 547) || ' days') FROM n
WHERE 1 + (i * 7919) % 60 IN (SELECT id FROM customers);

SELECT COUNT(*) AS orders FROM orders;
EXPLAIN QUERY PLAN
SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC LIMIT 20;
.timer on
SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC LIMIT 20;
SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC LIMIT 20;
SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC LIMIT 20;
