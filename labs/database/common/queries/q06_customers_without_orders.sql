-- Customers who never ordered.
-- Columns: id, email
-- Order: any
-- Exercise 3: exercises/03-joins-and-aggregates.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
