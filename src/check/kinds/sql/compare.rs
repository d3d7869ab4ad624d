//! Result-set comparison for `sql` checks.
//!
//! The expected CSV's header names the required columns (the result may have
//! more; they are ignored, and names compare case-insensitively). Cells are
//! compared by value: `NULL` (unquoted or quoted, the literal word) is SQL
//! NULL, numbers compare numerically within `float_tolerance` (so `3` equals
//! `3.0`), everything else as text. The row order rule is explicit:
//! `any` (a multiset), `exact` (row by row), or key columns (`"col desc"`):
//! the rows must be sorted by the keys as SQLite sorts them (NULL first when
//! ascending), and rows tied on the keys may come in any order.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::manifest::SqlOrder;

/// At most this many differing rows are shown.
pub(crate) const MAX_SHOWN: usize = 10;

/// One value, typed as SQLite types it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    /// Reads a CSV cell: `NULL`, an integer, a real, or text.
    pub(crate) fn parse(raw: &str) -> Cell {
        if raw == "NULL" {
            Cell::Null
        } else if let Ok(i) = raw.parse::<i64>() {
            Cell::Int(i)
        } else if let Some(f) = raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && raw.trim() == raw && !raw.is_empty())
        {
            Cell::Real(f)
        } else {
            Cell::Text(raw.to_string())
        }
    }

    /// The CSV form (what `--bless` writes).
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Null => "NULL".into(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(f) => format!("{f:?}"),
            Cell::Text(s) => s.clone(),
            Cell::Blob(b) => format!("x'{}'", hex::encode(b)),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Real(f) => Some(*f),
            _ => None,
        }
    }

    fn class(&self) -> u8 {
        match self {
            Cell::Null => 0,
            Cell::Int(_) | Cell::Real(_) => 1,
            Cell::Text(_) => 2,
            Cell::Blob(_) => 3,
        }
    }

    /// Equal as values (numbers within `tol`; text against a number by its display).
    pub(crate) fn same(&self, other: &Cell, tol: f64) -> bool {
        match (self, other) {
            (Cell::Int(a), Cell::Int(b)) => a == b,
            (a, b) if a.class() == 1 && b.class() == 1 => {
                let (x, y) = (a.number().unwrap_or(0.0), b.number().unwrap_or(0.0));
                x == y || (x - y).abs() <= tol
            }
            (Cell::Null, Cell::Null) => true,
            (Cell::Null, _) | (_, Cell::Null) => false,
            (a, b) => a.display() == b.display(),
        }
    }

    /// SQLite's order: NULL < numbers < text (bytewise) < blobs.
    pub(crate) fn sqlite_cmp(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Int(a), Cell::Int(b)) => a.cmp(b),
            (a, b) if a.class() == 1 && b.class() == 1 => a
                .number()
                .unwrap_or(0.0)
                .partial_cmp(&b.number().unwrap_or(0.0))
                .unwrap_or(Ordering::Equal),
            (Cell::Text(a), Cell::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Cell::Blob(a), Cell::Blob(b)) => a.cmp(b),
            (a, b) => a.class().cmp(&b.class()),
        }
    }
}

/// A result set: column names and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Reads CSV text (first row = column names).
    pub(crate) fn from_csv(text: &str) -> std::result::Result<Table, String> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let columns: Vec<String> = r
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| e.to_string())?;
            rows.push(rec.iter().map(Cell::parse).collect());
        }
        Ok(Table { columns, rows })
    }

    /// Writes CSV text (what `--bless` stores).
    pub(crate) fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = w.write_record(&self.columns);
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(Cell::display));
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }
}

/// The order rule of a check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Order {
    Any,
    Exact,
    /// Key columns and whether each is descending.
    Keys(Vec<(String, bool)>),
}

impl Order {
    pub(crate) fn from_def(def: Option<&SqlOrder>) -> Result<Order> {
        match def {
            None => Err(Error::new("the `sql` check has no `order`")
                .with_help("add `order = \"any\"`, \"exact\", or key columns such as [\"id\"]")),
            Some(SqlOrder::Rule(r)) if r == "any" => Ok(Order::Any),
            Some(SqlOrder::Rule(r)) if r == "exact" => Ok(Order::Exact),
            Some(SqlOrder::Rule(r)) => Order::keys(std::slice::from_ref(r)),
            Some(SqlOrder::Keys(k)) => Order::keys(k),
        }
    }

    fn keys(keys: &[String]) -> Result<Order> {
        let mut out = Vec::new();
        for k in keys {
            let words: Vec<&str> = k.split_whitespace().collect();
            let desc = match words.as_slice() {
                [_] => false,
                [_, d] if d.eq_ignore_ascii_case("asc") => false,
                [_, d] if d.eq_ignore_ascii_case("desc") => true,
                _ => {
                    return Err(Error::new(format!(
                        "order key `{k}` is not `COLUMN`, `COLUMN asc` or `COLUMN desc`"
                    ))
                    .with_help("fix `order` in lab.toml"));
                }
            };
            out.push((words[0].to_string(), desc));
        }
        Ok(Order::Keys(out))
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Order::Any => "any order".into(),
            Order::Exact => "exact order".into(),
            Order::Keys(k) => format!(
                "ordered by {}",
                k.iter()
                    .map(|(c, d)| if *d { format!("{c} desc") } else { c.clone() })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn show_row(row: &[Cell]) -> String {
    row.iter().map(Cell::display).collect::<Vec<_>>().join(", ")
}

fn rows_same(a: &[Cell], b: &[Cell], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y, tol))
}

/// Two columns of rows, `expected` left and `got` right.
pub(crate) fn side_by_side(
    left: &str,
    right: &str,
    pairs: &[(String, Option<String>, Option<String>)],
) -> String {
    let width = pairs
        .iter()
        .filter_map(|(_, l, _)| l.as_ref().map(|s| s.chars().count()))
        .chain([left.len()])
        .max()
        .unwrap_or(0)
        .min(60);
    let label_w = pairs.iter().map(|(l, _, _)| l.len()).max().unwrap_or(0);
    let mut out = format!("{:label_w$}  {left:<width$} | {right}\n", "");
    for (label, l, r) in pairs {
        let l = l.clone().unwrap_or_else(|| "(no row)".into());
        let r = r.clone().unwrap_or_else(|| "(no row)".into());
        out.push_str(&format!("{label:label_w$}  {l:<width$} | {r}\n"));
    }
    out
}

/// None when `got` matches `expected` under `order`; otherwise a message
/// with the first differing rows side by side.
pub(crate) fn compare(expected: &Table, got: &Table, order: &Order, tol: f64) -> Option<String> {
    let mut idx = Vec::new();
    let mut missing = Vec::new();
    for c in &expected.columns {
        match got.column(c) {
            Some(i) => idx.push(i),
            None => missing.push(c.clone()),
        }
    }
    if !missing.is_empty() {
        return Some(format!(
            "the result has no column{} `{}` (it has: {}); name result columns with `AS`",
            if missing.len() == 1 { "" } else { "s" },
            missing.join("`, `"),
            if got.columns.is_empty() {
                "none".to_string()
            } else {
                got.columns.join(", ")
            }
        ));
    }
    let projected: Vec<Vec<Cell>> = got
        .rows
        .iter()
        .map(|r| {
            idx.iter()
                .map(|i| r.get(*i).cloned().unwrap_or(Cell::Null))
                .collect()
        })
        .collect();
    let mut problems = Vec::new();
    if expected.rows.len() != got.rows.len() {
        problems.push(format!(
            "expected {} rows, got {}",
            expected.rows.len(),
            got.rows.len()
        ));
    }
    if let Order::Keys(keys) = order {
        match key_order_problem(got, keys) {
            Ok(None) => {}
            Ok(Some(p)) => problems.push(p),
            Err(p) => return Some(p),
        }
    }
    let table = match order {
        Order::Exact => exact_diff(&expected.rows, &projected, tol),
        Order::Any | Order::Keys(_) => multiset_diff(&expected.rows, &projected, tol),
    };
    if problems.is_empty() && table.is_none() {
        return None;
    }
    let mut msg = problems.join("\n");
    if let Some(t) = table {
        if !msg.is_empty() {
            msg.push('\n');
        }
        msg.push_str(&t);
    }
    Some(msg)
}

/// Err when a key column is not in the result; Ok(Some) when rows are out of order.
fn key_order_problem(
    got: &Table,
    keys: &[(String, bool)],
) -> std::result::Result<Option<String>, String> {
    let mut cols = Vec::new();
    for (k, desc) in keys {
        let i = got.column(k).ok_or_else(|| {
            format!(
                "the result has no column `{k}`, which orders it (it has: {})",
                got.columns.join(", ")
            )
        })?;
        cols.push((i, *desc));
    }
    let cmp = |a: &[Cell], b: &[Cell]| {
        for (i, desc) in &cols {
            let o = a[*i].sqlite_cmp(&b[*i]);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    for (n, pair) in got.rows.windows(2).enumerate() {
        if cmp(&pair[0], &pair[1]) == Ordering::Greater {
            let names: Vec<String> = keys
                .iter()
                .map(|(k, d)| if *d { format!("{k} desc") } else { k.clone() })
                .collect();
            let key_of = |r: &[Cell]| {
                cols.iter()
                    .map(|(i, _)| r[*i].display())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Ok(Some(format!(
                "the rows are not ordered by {}: row {} ({}) comes before row {} ({})",
                names.join(", "),
                n + 1,
                key_of(&pair[0]),
                n + 2,
                key_of(&pair[1])
            )));
        }
    }
    Ok(None)
}

fn exact_diff(expected: &[Vec<Cell>], got: &[Vec<Cell>], tol: f64) -> Option<String> {
    let mut pairs = Vec::new();
    let mut differing = 0;
    for i in 0..expected.len().max(got.len()) {
        let (e, g) = (expected.get(i), got.get(i));
        let same = matches!((e, g), (Some(e), Some(g)) if rows_same(e, g, tol));
        if !same {
            differing += 1;
            if pairs.len() < MAX_SHOWN {
                pairs.push((
                    format!("row {}", i + 1),
                    e.map(|r| show_row(r)),
                    g.map(|r| show_row(r)),
                ));
            }
        }
    }
    (differing > 0).then(|| {
        format!(
            "{differing} rows differ (first {} shown):\n{}",
            pairs.len(),
            side_by_side("expected", "got", &pairs)
        )
    })
}

/// Matches rows regardless of order; returns the unmatched ones side by side.
fn multiset_diff(expected: &[Vec<Cell>], got: &[Vec<Cell>], tol: f64) -> Option<String> {
    let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in got.iter().enumerate().rev() {
        by_text.entry(show_row(r)).or_default().push(i);
    }
    let mut used = vec![false; got.len()];
    let mut unmatched_expected = Vec::new();
    for e in expected {
        if let Some(i) = by_text.get_mut(&show_row(e)).and_then(|v| v.pop()) {
            used[i] = true;
        } else {
            unmatched_expected.push(e);
        }
    }
    // A second pass with the tolerance, for the rows that did not match as text.
    let mut left = Vec::new();
    for e in unmatched_expected {
        match (0..got.len()).find(|i| !used[*i] && rows_same(e, &got[*i], tol)) {
            Some(i) => used[i] = true,
            None => left.push(e),
        }
    }
    let extra: Vec<&Vec<Cell>> = got
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(_, r)| r)
        .collect();
    if left.is_empty() && extra.is_empty() {
        return None;
    }
    let n = left.len().max(extra.len()).min(MAX_SHOWN);
    let pairs: Vec<(String, Option<String>, Option<String>)> = (0..n)
        .map(|i| {
            (
                String::new(),
                left.get(i).map(|r| show_row(r)),
                extra.get(i).map(|r| show_row(r)),
            )
        })
        .collect();
    Some(format!(
        "{} expected rows are missing and {} rows are unexpected (first {n} shown):\n{}",
        left.len(),
        extra.len(),
        side_by_side(
            "missing (expected, not got)",
            "unexpected (got, not expected)",
            &pairs
        )
    ))
}

#[cfg(test)]
mod tests;
