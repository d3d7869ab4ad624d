-- The ten most expensive products (ties on price: lower id first).
-- Columns: id, name, price_cents
-- Order: exact: most expensive first, then by id
-- Exercise 2: exercises/02-read-basics.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
