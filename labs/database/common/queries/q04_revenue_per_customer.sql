-- Revenue per customer who ordered: the sum of quantity x unit_price_cents.
-- Columns: id, name, revenue_cents
-- Order: highest revenue first (equal revenues in any order)
-- Exercise 3: exercises/03-joins-and-aggregates.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
