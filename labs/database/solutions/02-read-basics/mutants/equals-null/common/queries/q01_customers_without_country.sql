-- Customers whose country we do not know.
-- `country = NULL` is never true (NULL is "unknown", not a value): use IS NULL.
SELECT id, email
FROM customers
WHERE country = NULL;
