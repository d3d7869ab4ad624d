-- The ten most expensive products. Several products share a price near the
-- cut-off, so the id breaks ties: without it, which products make the top
-- ten would be up to the query planner.
SELECT id, name, price_cents
FROM products
ORDER BY price_cents DESC
LIMIT 10;
