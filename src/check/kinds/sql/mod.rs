//! `kind = "sql"`: a fresh in-memory SQLite database (labforge's bundled
//! SQLite, so results never depend on the system library) built from the
//! `db.build` globs (files sorted within each glob), then the learner's query
//! (`query_file`, or an inline `query`) compared with an expected CSV under
//! an explicit order rule ([`compare`]); `mode = "write"` runs the SQL inside
//! a transaction and compares the `then` query; `plan` looks for text in
//! `EXPLAIN QUERY PLAN`. A watchdog interrupts a query at the timeout.
//! The learner's files are only read, never changed.

pub(crate) mod compare;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::types::ValueRef;
use rusqlite::{Batch, Connection};

use super::{Job, Outcome};
use crate::check::{Context, RecordedRows, files};
use crate::error::Result;
use compare::{Cell, Order, Table};

/// Why a statement failed: fail (the learner's SQL) or error (a timeout).
enum SqlFailure {
    Fail(String),
    Timeout,
}

type SqlResult<T> = std::result::Result<T, SqlFailure>;

/// SQL text and where it came from (for messages).
struct Source {
    /// A file path, or a description such as "the query of check `x`".
    name: String,
    text: String,
    from_file: bool,
}

impl Source {
    fn inline(name: String, text: String) -> Source {
        Source {
            name,
            text,
            from_file: false,
        }
    }
    /// The name for a sentence: a file in backticks, a description as is.
    fn quoted(&self) -> String {
        if self.from_file {
            format!("`{}`", self.name)
        } else {
            self.name.clone()
        }
    }
}

pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    Ok(match run_inner(cx, job) {
        Ok(o) => o,
        Err(SqlFailure::Fail(m)) => Outcome::fail(m),
        Err(SqlFailure::Timeout) => Outcome::error(format!(
            "the SQL did not finish within {} and was interrupted",
            crate::exec::human_duration(job.timeout)
        )),
    })
}

fn run_inner(cx: &Context, job: &Job) -> SqlResult<Outcome> {
    let c = job.check;
    let conn = Connection::open_in_memory()
        .map_err(|e| SqlFailure::Fail(format!("could not open a database: {e}")))?;
    let watchdog = Watchdog::start(&conn, job.timeout);
    let timed_out = Arc::clone(&watchdog.fired);
    let db =
        c.db.as_ref()
            .ok_or_else(|| SqlFailure::Fail("the check has no `db`".into()))?;
    for pattern in &db.build {
        let pattern = cx.expand(pattern);
        let found = files::glob(&cx.root, &pattern).map_err(|e| SqlFailure::Fail(e.message))?;
        if found.is_empty() {
            return Err(SqlFailure::Fail(format!(
                "no file matches `{pattern}` (in `db.build`), so the database cannot be built"
            )));
        }
        for rel in found {
            let src = read_source(cx, &rel)?;
            exec_script(&conn, &src, &timed_out)?;
        }
    }
    let query = match (&c.query_file, &c.query) {
        (Some(f), _) => Some(read_source(cx, &cx.expand(f))?),
        (None, Some(q)) => Some(Source::inline(
            format!("the query of check `{}`", job.id),
            q.clone(),
        )),
        (None, None) => None,
    };
    let write = c.mode.as_deref() == Some("write");
    let mut got = None;
    if let Some(q) = &query {
        if write {
            conn.execute_batch("BEGIN")
                .map_err(|e| SqlFailure::Fail(e.to_string()))?;
            exec_script(&conn, q, &timed_out)?;
            if let Some(then) = &c.then {
                let then = Source::inline(
                    format!("the `then` query of check `{}`", job.id),
                    then.clone(),
                );
                got = Some(select(&conn, &then, &timed_out)?);
            }
        } else {
            got = Some(select(&conn, q, &timed_out)?);
        }
    }
    let mut problems = Vec::new();
    if let (Some(rows_path), Some(got)) = (&c.expect_rows, &got) {
        if cx.record_rows {
            cx.recorded.borrow_mut().push(RecordedRows {
                exercise: job.exercise.id().to_string(),
                check: job.id.to_string(),
                path: rows_path.clone(),
                csv: got.to_csv(),
            });
        }
        problems.extend(compare_rows(cx, job, rows_path, got)?);
    }
    if let Some(plan) = &c.plan {
        // Without `plan.query`, the plan of the learner's own query is judged.
        let explained = match (&plan.query, &query) {
            (Some(q), _) => Source::inline("the `plan.query`".into(), q.clone()),
            (None, Some(q)) => Source {
                name: q.name.clone(),
                text: q.text.clone(),
                from_file: q.from_file,
            },
            (None, None) => {
                return Err(SqlFailure::Fail("the check has no query to explain".into()));
            }
        };
        problems.extend(plan_problems(&conn, plan, &explained, &timed_out)?);
    }
    Ok(if problems.is_empty() {
        Outcome::pass()
    } else {
        Outcome::fail(problems.join("\n"))
    })
}

/// Interrupts the connection when the check's time is up (SQLite then stops
/// the running statement with SQLITE_INTERRUPT).
struct Watchdog {
    fired: Arc<AtomicBool>,
    done: Arc<(Mutex<bool>, Condvar)>,
}

impl Watchdog {
    fn start(conn: &Connection, timeout: Duration) -> Watchdog {
        let handle = conn.get_interrupt_handle();
        let fired = Arc::new(AtomicBool::new(false));
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let (f, d) = (Arc::clone(&fired), Arc::clone(&done));
        std::thread::spawn(move || {
            let (lock, cv) = &*d;
            let guard = lock.lock().expect("watchdog lock");
            let (guard, res) = cv
                .wait_timeout_while(guard, timeout, |finished| !*finished)
                .expect("watchdog lock");
            if res.timed_out() && !*guard {
                f.store(true, Ordering::SeqCst);
                handle.interrupt();
            }
        });
        Watchdog { fired, done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cv) = &*self.done;
        *lock.lock().expect("watchdog lock") = true;
        cv.notify_all();
    }
}

fn compare_rows(
    cx: &Context,
    job: &Job,
    rows_path: &str,
    got: &Table,
) -> SqlResult<Option<String>> {
    let order =
        Order::from_def(job.check.order.as_ref()).map_err(|e| SqlFailure::Fail(e.message))?;
    let rel = cx.expand(rows_path);
    let text = match expected_text(cx, &rel) {
        Some(t) => t,
        None => {
            return Err(SqlFailure::Fail(format!(
                "the expected rows `{rel}` are missing from the lab's template (its author writes them with `labforge template test --bless`)"
            )));
        }
    };
    let expected = Table::from_csv(&text)
        .map_err(|e| SqlFailure::Fail(format!("`{rel}` is not valid CSV: {e}")))?;
    let tol = job.check.float_tolerance.unwrap_or(0.0);
    // Name what the learner has: the expected CSV when the lab holds it,
    // else the learner's file the rows come from.
    let differs = if cx.root.join(&rel).is_file() {
        format!("the result differs from `{rel}`")
    } else {
        format!("{} differ from the expected ones", rows_origin(cx, job))
    };
    Ok(compare::compare(&expected, got, &order, tol).map(|diff| {
        format!("{differs} ({}):\n{diff}", order.describe())
            .trim_end()
            .to_string()
    }))
}

/// The expected CSV: from the lab folder when it is there, else from the template.
/// Where a check's rows come from, in the learner's files: the query file,
/// or (for a query of the lab's own) the files of `db.build` the exercise
/// edits (else all of them).
fn rows_origin(cx: &Context, job: &Job) -> String {
    let c = job.check;
    if let Some(f) = &c.query_file {
        return if c.mode.as_deref() == Some("write") {
            format!("after `{}`, the rows of the check's query", cx.expand(f))
        } else {
            format!("the rows of `{}`", cx.expand(f))
        };
    }
    let edit: Vec<String> = job.exercise.edit.iter().map(|g| cx.expand(g)).collect();
    let build: Vec<String> =
        c.db.iter()
            .flat_map(|d| &d.build)
            .map(|p| cx.expand(p))
            .flat_map(|p| files::glob(&cx.root, &p).unwrap_or_default())
            .collect();
    let edit = crate::glob::set(&edit).ok();
    let mine: Vec<&String> = build
        .iter()
        .filter(|p| edit.as_ref().is_some_and(|e| e.is_match(p.as_str())))
        .collect();
    let shown: Vec<String> = if mine.is_empty() {
        build.iter().map(|p| format!("`{p}`")).collect()
    } else {
        mine.iter().map(|p| format!("`{p}`")).collect()
    };
    format!(
        "the rows of the check's query on a database built from {}",
        shown.join(", ")
    )
}

fn expected_text(cx: &Context, rel: &str) -> Option<String> {
    let local = cx.root.join(rel);
    if local.is_file() {
        return std::fs::read_to_string(local).ok();
    }
    let tree = &cx.lab.tree;
    tree.get(rel)
        .or_else(|| tree.get(&format!("common/{rel}")))
        .or_else(|| {
            cx.track
                .as_ref()
                .and_then(|t| tree.get(&format!("track/{t}/{rel}")))
        })
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

fn read_source(cx: &Context, rel: &str) -> SqlResult<Source> {
    let path = cx.root.join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Source {
            name: rel.to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            from_file: true,
        }),
        Err(_) => Err(SqlFailure::Fail(format!("`{rel}` does not exist"))),
    }
}

/// A SQLite error as a failure that names the file and, when SQLite gives
/// an offset, the line.
fn failure(
    e: rusqlite::Error,
    src: &Source,
    stmt_start: Option<usize>,
    timed_out: &AtomicBool,
) -> SqlFailure {
    if timed_out.load(Ordering::SeqCst)
        || e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
    {
        return SqlFailure::Timeout;
    }
    let (msg, offset) = match &e {
        rusqlite::Error::SqlInputError {
            msg, sql, offset, ..
        } if src.text.ends_with(sql.as_str()) && *offset >= 0 => (
            msg.clone(),
            Some(src.text.len() - sql.len() + *offset as usize),
        ),
        rusqlite::Error::SqliteFailure(_, Some(m)) => (m.clone(), stmt_start),
        other => (other.to_string(), stmt_start),
    };
    let place = match (offset, src.from_file) {
        (Some(o), true) => format!("{}:{}", src.name, crate::error::line_col(&src.text, o).0),
        (Some(o), false) => format!(
            "{}, line {}",
            src.name,
            crate::error::line_col(&src.text, o).0
        ),
        (None, _) => src.name.clone(),
    };
    SqlFailure::Fail(format!("{place}: {msg}"))
}

/// Runs every statement of a script (migrations, seed, a write query).
fn exec_script(conn: &Connection, src: &Source, timed_out: &AtomicBool) -> SqlResult<()> {
    let mut batch = Batch::new(conn, &src.text);
    let mut cursor = 0;
    loop {
        let mut stmt = match batch.next() {
            Ok(Some(s)) => s,
            Ok(None) => return Ok(()),
            Err(e) => return Err(failure(e, src, None, timed_out)),
        };
        let start = stmt
            .expanded_sql()
            .and_then(|s| src.text[cursor..].find(s.trim()).map(|i| cursor + i));
        if let Some(s) = start {
            cursor = s + 1;
        }
        let result = stmt.raw_execute();
        if let Err(e) = result
            && !matches!(e, rusqlite::Error::ExecuteReturnedResults)
        {
            return Err(failure(e, src, start, timed_out));
        }
    }
}

/// Runs one read-only statement and returns its rows.
fn select(conn: &Connection, src: &Source, timed_out: &AtomicBool) -> SqlResult<Table> {
    let mut stmt = match conn.prepare(&src.text) {
        Ok(s) => s,
        Err(rusqlite::Error::Empty) => {
            return Err(SqlFailure::Fail(format!(
                "{} holds no SQL statement yet: write the query there",
                src.quoted()
            )));
        }
        Err(rusqlite::Error::MultipleStatement) => {
            return Err(SqlFailure::Fail(format!(
                "{} holds more than one statement: a query check runs exactly one",
                src.quoted()
            )));
        }
        Err(e) => return Err(failure(e, src, None, timed_out)),
    };
    if !stmt.readonly() {
        return Err(SqlFailure::Fail(format!(
            "{} changes the database, but this check only reads: write a SELECT (or WITH … SELECT)",
            src.quoted()
        )));
    }
    let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = stmt
        .query([])
        .map_err(|e| failure(e, src, Some(0), timed_out))?;
    let mut out = Vec::new();
    loop {
        match rows.next() {
            Ok(Some(row)) => {
                let mut cells = Vec::with_capacity(columns.len());
                for i in 0..columns.len() {
                    cells.push(match row.get_ref(i) {
                        Ok(v) => cell(v),
                        Err(e) => return Err(failure(e, src, Some(0), timed_out)),
                    });
                }
                out.push(cells);
            }
            Ok(None) => break,
            Err(e) => return Err(failure(e, src, Some(0), timed_out)),
        }
    }
    Ok(Table { columns, rows: out })
}

fn cell(v: ValueRef<'_>) -> Cell {
    match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(f) => Cell::Real(f),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
    }
}

fn plan_problems(
    conn: &Connection,
    plan: &crate::manifest::SqlPlan,
    query: &Source,
    timed_out: &AtomicBool,
) -> SqlResult<Vec<String>> {
    let src = Source {
        name: query.name.clone(),
        text: format!("EXPLAIN QUERY PLAN {}", query.text),
        from_file: query.from_file,
    };
    let shown = if query.from_file {
        query.name.clone()
    } else {
        query.text.trim().to_string()
    };
    let table = select(conn, &src, timed_out)?;
    let detail = table
        .columns
        .iter()
        .position(|c| c == "detail")
        .unwrap_or(table.columns.len().saturating_sub(1));
    let text: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.get(detail).map(Cell::display).unwrap_or_default())
        .collect();
    let joined = text.join("\n");
    let mut problems = Vec::new();
    for want in &plan.contains {
        if !joined.contains(want.as_str()) {
            problems.push(format!(
                "the query plan of `{shown}` does not contain `{want}`"
            ));
        }
    }
    for bad in &plan.not_contains {
        if joined.contains(bad.as_str()) {
            problems.push(format!("the query plan of `{shown}` contains `{bad}`"));
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "query plan:\n{}",
            text.iter()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    Ok(problems)
}
