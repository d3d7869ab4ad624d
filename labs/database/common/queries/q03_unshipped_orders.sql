-- Orders placed in 2025 that have not shipped yet.
-- Columns: id, customer_id, ordered_on
-- Order: oldest first (orders placed on the same day in any order)
-- Exercise 2: exercises/02-read-basics.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
