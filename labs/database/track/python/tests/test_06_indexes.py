"""Exercise 6: indexes, proven by the query plan (exercises/06-indexes.md)."""

from helpers import expect_columns, run_query, table

PLAN_QUERY = "SELECT * FROM orders WHERE customer_id = 42 ORDER BY ordered_on DESC, id DESC"


def plan(conn, sql):
    return "\n".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))


def test_q08_customer_orders(conn):
    name = "q08_customer_orders.sql"
    columns, rows = run_query(conn, name)
    expect_columns(name, columns, ["id", "ordered_on", "shipped_on"])
    mine = [r for r in table(conn, "SELECT id, ordered_on, shipped_on, customer_id FROM orders") if r[3] == 42]
    expected = sorted((r[:3] for r in mine), key=lambda r: (r[1], r[0]), reverse=True)
    assert rows == expected, (
        f"queries/{name}: expected customer 42's {len(expected)} orders, newest first "
        f"(same day: higher id first):\n  {expected}\ngot:\n  {rows}"
    )


def test_q08_breaks_ties_itself(conn):
    """Without the index, rows of one day come back in whatever order the sort leaves them."""
    name = "q08_customer_orders.sql"
    with_index = run_query(conn, name)[1]
    for (index,) in table(conn, "SELECT name FROM sqlite_schema WHERE type = 'index' "
                                "AND tbl_name = 'orders' AND sql IS NOT NULL"):
        conn.execute(f'DROP INDEX "{index}"')
    without = run_query(conn, name)[1]
    assert without == with_index, (
        f"queries/{name} returns customer 42's orders of one day in another order once the index "
        "is gone: the index's order is luck, not a promise. Say how ties are broken: "
        f"ORDER BY ordered_on DESC, id DESC.\n  with the index:    {with_index}\n  without it:        {without}"
    )


def test_the_plan_searches_an_index(conn):
    text = plan(conn, PLAN_QUERY)
    assert "SCAN orders" not in text, (
        f"SQLite reads every order to find customer 42's:\n{text}\n"
        "Add an index whose first column is customer_id (end of migrations/0001_init.sql)."
    )
    assert "USING INDEX" in text, f"expected the plan to use an index:\n{text}"


def test_the_index_also_gives_the_order(conn):
    text = plan(conn, PLAN_QUERY)
    assert "USE TEMP B-TREE" not in text, (
        f"the rows are found through an index but sorted afterwards:\n{text}\n"
        "Put ordered_on into the index after customer_id, so the index hands the rows over already sorted."
    )
