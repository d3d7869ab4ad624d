-- Customers with at least 6 orders. WHERE filters rows before grouping;
-- HAVING filters the groups after it, so the count goes in HAVING.
SELECT customer_id, COUNT(*) AS order_count
FROM orders
GROUP BY customer_id
HAVING COUNT(*) > 6
ORDER BY order_count DESC;
