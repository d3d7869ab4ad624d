-- Customers whose country we do not know.
-- Columns: id, email
-- Order: any (the check ignores row order)
-- Exercise 2: exercises/02-read-basics.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
