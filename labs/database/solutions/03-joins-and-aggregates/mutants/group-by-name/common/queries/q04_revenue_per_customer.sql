-- Revenue per customer who ordered, highest first. Revenue uses the price
-- paid (order_items.unit_price_cents), not today's product price.
SELECT c.id, c.name, SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id
JOIN order_items AS oi ON oi.order_id = o.id
GROUP BY c.name
ORDER BY revenue_cents DESC;
