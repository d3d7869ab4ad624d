//! Unit tests of the result-set comparison: ties under key ordering, NULL
//! ordering, floats, column-name mismatch, row-count mismatch.

use super::*;

fn table(csv: &str) -> Table {
    Table::from_csv(csv).unwrap()
}

fn keys(k: &[&str]) -> Order {
    Order::from_def(Some(&SqlOrder::Keys(
        k.iter().map(|s| s.to_string()).collect(),
    )))
    .unwrap()
}

#[test]
fn ties_under_key_ordering_may_come_in_any_order() {
    let expected = table("name,revenue\nAna,300\nBo,200\nCy,200\nDi,100\n");
    let got = table("name,revenue\nAna,300\nCy,200\nBo,200\nDi,100\n");
    assert_eq!(
        compare(&expected, &got, &keys(&["revenue desc"]), 0.0),
        None
    );
    // The same swap is a failure when the order is exact...
    let exact = compare(&expected, &got, &Order::Exact, 0.0).unwrap();
    assert_eq!(
        exact,
        "2 rows differ (first 2 shown):\n       expected | got\nrow 2  Bo, 200  | Cy, 200\nrow 3  Cy, 200  | Bo, 200\n"
    );
    // ...and rows out of key order fail even though the set is right.
    let wrong = table("name,revenue\nAna,300\nDi,100\nBo,200\nCy,200\n");
    assert_eq!(
        compare(&expected, &wrong, &keys(&["revenue desc"]), 0.0).unwrap(),
        "the rows are not ordered by revenue desc: row 2 (100) comes before row 3 (200)"
    );
}

#[test]
fn a_second_key_breaks_ties() {
    let expected = table("name,revenue\nAna,300\nBo,200\nCy,200\n");
    let got = table("name,revenue\nAna,300\nCy,200\nBo,200\n");
    assert_eq!(
        compare(&expected, &got, &keys(&["revenue desc", "name"]), 0.0).unwrap(),
        "the rows are not ordered by revenue desc, name: row 2 (200, Cy) comes before row 3 (200, Bo)"
    );
}

#[test]
fn nulls_sort_first_ascending_and_last_descending() {
    let asc = table("id,city\n3,NULL\n1,Berlin\n2,Oslo\n");
    assert_eq!(compare(&asc, &asc, &keys(&["city"]), 0.0), None);
    let desc = table("id,city\n2,Oslo\n1,Berlin\n3,NULL\n");
    assert_eq!(compare(&desc, &desc, &keys(&["city desc"]), 0.0), None);
    let null_last = table("id,city\n1,Berlin\n2,Oslo\n3,NULL\n");
    assert_eq!(
        compare(&asc, &null_last, &keys(&["city"]), 0.0).unwrap(),
        "the rows are not ordered by city: row 2 (Oslo) comes before row 3 (NULL)"
    );
}

#[test]
fn null_is_not_the_empty_string() {
    let expected = table("id,note\n1,NULL\n");
    let got = table("id,note\n1,\"\"\n");
    assert_eq!(
        compare(&expected, &got, &Order::Any, 0.0).unwrap(),
        "1 expected rows are missing and 1 rows are unexpected (first 1 shown):\n  missing (expected, not got) | unexpected (got, not expected)\n  1, NULL                     | 1, \n"
    );
}

#[test]
fn floats_compare_within_the_tolerance() {
    let expected = table("id,avg\n1,2.5\n2,3\n");
    let got = Table {
        columns: vec!["id".into(), "avg".into()],
        rows: vec![
            vec![Cell::Int(1), Cell::Real(2.5000000001)],
            vec![Cell::Int(2), Cell::Real(3.0)],
        ],
    };
    assert_eq!(compare(&expected, &got, &Order::Exact, 1e-6), None);
    assert_eq!(compare(&expected, &got, &Order::Any, 1e-6), None);
    assert_eq!(
        compare(&expected, &got, &Order::Exact, 1e-12).unwrap(),
        "1 rows differ (first 1 shown):\n       expected | got\nrow 1  1, 2.5   | 1, 2.5000000001\n"
    );
}

#[test]
fn a_missing_column_is_named() {
    let expected = table("id,revenue_cents\n1,10\n");
    let got = table("id,revenue\n1,10\n");
    assert_eq!(
        compare(&expected, &got, &Order::Any, 0.0).unwrap(),
        "the result has no column `revenue_cents` (it has: id, revenue); name result columns with `AS`"
    );
    // Extra columns are ignored and names compare case-insensitively.
    let wider = table("ID,Revenue_Cents,extra\n1,10,x\n");
    assert_eq!(compare(&expected, &wider, &Order::Any, 0.0), None);
}

#[test]
fn a_row_count_mismatch_shows_the_missing_rows() {
    let expected = table("id\n1\n2\n3\n");
    let got = table("id\n1\n3\n");
    assert_eq!(
        compare(&expected, &got, &Order::Any, 0.0).unwrap(),
        "expected 3 rows, got 2\n1 expected rows are missing and 0 rows are unexpected (first 1 shown):\n  missing (expected, not got) | unexpected (got, not expected)\n  2                           | (no row)\n"
    );
    assert_eq!(
        compare(&expected, &got, &Order::Exact, 0.0).unwrap(),
        "expected 3 rows, got 2\n2 rows differ (first 2 shown):\n       expected | got\nrow 2  2        | 3\nrow 3  3        | (no row)\n"
    );
}

#[test]
fn at_most_ten_rows_are_shown() {
    let expected = table(&format!(
        "n\n{}",
        (1..=30).map(|i| format!("{i}\n")).collect::<String>()
    ));
    let got = table(&format!(
        "n\n{}",
        (101..=130).map(|i| format!("{i}\n")).collect::<String>()
    ));
    let msg = compare(&expected, &got, &Order::Any, 0.0).unwrap();
    assert!(
        msg.starts_with(
            "30 expected rows are missing and 30 rows are unexpected (first 10 shown):\n"
        ),
        "{msg}"
    );
    assert_eq!(msg.lines().count(), 12, "{msg}");
}

#[test]
fn csv_round_trips() {
    let t = Table {
        columns: vec!["a".into(), "b".into(), "c".into()],
        rows: vec![
            vec![Cell::Null, Cell::Real(1.0), Cell::Text("Zoë, \"Z\"".into())],
            vec![Cell::Int(-3), Cell::Real(0.1), Cell::Text(String::new())],
        ],
    };
    let csv = t.to_csv();
    assert_eq!(csv, "a,b,c\nNULL,1.0,\"Zoë, \"\"Z\"\"\"\n-3,0.1,\n");
    let back = Table::from_csv(&csv).unwrap();
    assert_eq!(compare(&back, &t, &Order::Exact, 0.0), None);
}

#[test]
fn order_rules_parse() {
    assert_eq!(
        Order::from_def(Some(&SqlOrder::Rule("any".into()))).unwrap(),
        Order::Any
    );
    assert_eq!(
        keys(&["a desc", "b ASC"]),
        Order::Keys(vec![("a".into(), true), ("b".into(), false)])
    );
    assert!(Order::from_def(Some(&SqlOrder::Keys(vec!["a sideways".into()]))).is_err());
}
