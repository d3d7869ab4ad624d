-- Monthly revenue with a running total, in one statement.
-- The CTE aggregates per month; the window function then adds up the months
-- in order (SUM(...) OVER (ORDER BY month)), which replaces the loop of one
-- query per month (the N+1 pattern).
WITH per_month AS (
    SELECT substr(o.ordered_on, 1, 7)           AS month,
           COUNT(DISTINCT o.id)                 AS orders,
           SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
    FROM orders AS o
    JOIN order_items AS oi ON oi.order_id = o.id
    GROUP BY month
)
SELECT month,
       orders,
       revenue_cents,
       SUM(revenue_cents) OVER () AS running_revenue_cents
FROM per_month
ORDER BY month;
