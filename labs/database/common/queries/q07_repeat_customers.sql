-- Customers with at least 6 orders.
-- Columns: customer_id, order_count
-- Order: most orders first (equal counts in any order)
-- Exercise 3: exercises/03-joins-and-aggregates.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
