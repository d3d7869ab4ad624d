-- Monthly revenue with a running total, in one statement.
-- Columns: month (YYYY-MM), orders, revenue_cents, running_revenue_cents
-- Order: exact: oldest month first
-- Exercise 8: exercises/08-report.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
