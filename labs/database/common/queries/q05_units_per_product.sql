-- Units sold per product, including products nobody bought (0).
-- Columns: id, name, units_sold
-- Order: most units first (equal counts in any order)
-- Exercise 3: exercises/03-joins-and-aggregates.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
