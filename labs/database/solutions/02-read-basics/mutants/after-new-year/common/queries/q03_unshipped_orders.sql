-- Orders placed in 2025 that have not shipped, oldest first.
-- Dates are ISO 8601 text, so comparing them as strings compares them as
-- dates; the half-open range [2025-01-01, 2026-01-01) needs no "last day".
SELECT id, customer_id, ordered_on
FROM orders
WHERE shipped_on IS NULL
  AND ordered_on > '2025-01-01'
  AND ordered_on < '2026-01-01'
ORDER BY ordered_on;
