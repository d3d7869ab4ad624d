-- Customer 42's orders, newest first.
-- Columns: id, ordered_on, shipped_on
-- Order: exact: newest first; on the same day, the higher id first
-- Exercise 6: exercises/06-indexes.md
-- TODO(lab): replace the placeholder below with your query.
SELECT 'write your query here' AS todo;
