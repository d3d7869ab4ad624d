-- Customers who never ordered: an anti-join. NOT EXISTS says exactly that
-- and, unlike NOT IN, is not fooled by a NULL in the subquery.
SELECT c.id, c.email
FROM customers AS c
WHERE NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = c.id);
