//! Exercise 7: migrations that can run twice (exercises/07-migrations.md).

mod support;

use std::process::Command;

use rusqlite::Connection;
use shop::db;
use shop::migrate::migrate;
use shop::Error;

const TABLES: [&str; 5] = [
    "customers",
    "products",
    "orders",
    "order_items",
    "store_credit",
];

fn user_version(conn: &Connection) -> u32 {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

/// The shop as it runs in production before this exercise: schema 1, data, user_version 1.
fn shop_at_version_1(conn: &Connection) {
    db::build_into(conn, &db::root(), Some(1)).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
}

fn counts(conn: &Connection) -> Vec<i64> {
    TABLES
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

fn snapshot(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for t in TABLES {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap();
        out.extend(rows.map(|r| format!("{t}: {:?}", r.unwrap())));
    }
    out
}

fn migrations() -> std::path::PathBuf {
    db::root().join("migrations")
}

#[test]
fn empty_database_gets_every_migration() {
    let mut conn = db::open_in_memory().unwrap();
    assert_eq!(migrate(&mut conn, &migrations()).unwrap(), vec![1, 2]);
    assert_eq!(user_version(&conn), 2);
    assert!(conn.is_autocommit());
}

#[test]
fn production_shop_gets_only_the_new_migration() {
    let mut conn = db::open_in_memory().unwrap();
    shop_at_version_1(&conn);
    let before = counts(&conn);
    assert_eq!(
        migrate(&mut conn, &migrations()).unwrap(),
        vec![2],
        "only 0002 is newer than user_version 1"
    );
    assert_eq!(
        user_version(&conn),
        2,
        "record the version: PRAGMA user_version = 2"
    );
    assert_eq!(
        counts(&conn),
        before,
        "a migration must not add or lose rows"
    );
}

#[test]
fn existing_orders_are_backfilled() {
    let mut conn = db::open_in_memory().unwrap();
    shop_at_version_1(&conn);
    migrate(&mut conn, &migrations()).unwrap();
    let wrong: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM orders WHERE status IS NOT CASE WHEN shipped_on IS NULL THEN 'pending' ELSE 'shipped' END",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("orders should have a status column after 0002: {e}"));
    assert_eq!(
        wrong, 0,
        "shipped orders must be 'shipped', the others 'pending'"
    );
}

#[test]
fn status_is_constrained() {
    let mut conn = db::open_in_memory().unwrap();
    shop_at_version_1(&conn);
    migrate(&mut conn, &migrations()).unwrap();
    for bad in ["'lost'", "NULL"] {
        let result = conn.execute(
            &format!("UPDATE orders SET status = {bad} WHERE id = 1"),
            [],
        );
        assert!(
            result.is_err(),
            "status {bad} must be refused (NOT NULL, CHECK (status IN (...)))"
        );
    }
    conn.execute(
        "INSERT INTO orders (customer_id, ordered_on) VALUES (1, '2025-07-01')",
        [],
    )
    .unwrap();
    let status: String = conn
        .query_row(
            "SELECT status FROM orders ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "pending");
}

/// A crash between the file's COMMIT and the version would run the file again next time.
#[test]
fn the_version_is_set_inside_the_migrations_transaction() {
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::sync::{Arc, Mutex};
    let mut conn = db::open_in_memory().unwrap();
    shop_at_version_1(&conn);
    let trace = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&trace);
    conn.trace_v2(
        TraceEventCodes::SQLITE_TRACE_STMT,
        Some(move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = event {
                let code: Vec<&str> = sql.lines().map(|l| l.split("--").next().unwrap_or("")).collect();
                let text = code.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
                let text = text.trim_start_matches([';', ' ']).to_uppercase();
                if !text.is_empty() {
                    seen.lock().unwrap().push(text);
                }
            }
        }),
    )
    .unwrap();
    migrate(&mut conn, &migrations()).unwrap();
    let trace = trace.lock().unwrap().clone();
    let squeezed = |s: &String| s.replace(' ', "");
    let at = trace
        .iter()
        .rposition(|s| {
            let s = squeezed(s);
            s.starts_with("PRAGMAUSER_VERSION=") || s.starts_with("PRAGMAMAIN.USER_VERSION=")
        })
        .unwrap_or_else(|| panic!("migrate never ran PRAGMA user_version = 2; statements: {trace:?}"));
    let first = trace
        .iter()
        .position(|s| s.starts_with("ALTER") || s.starts_with("UPDATE"))
        .unwrap_or(at);
    let begun = trace[..first].iter().any(|s| s.starts_with("BEGIN"));
    let ends: Vec<&String> = trace[first..at]
        .iter()
        .filter(|s| ["COMMIT", "END", "ROLLBACK", "BEGIN"].iter().any(|k| s.starts_with(k)))
        .collect();
    assert!(
        begun && ends.is_empty(),
        "PRAGMA user_version = 2 must be set in the same transaction as the statements of 0002_add_status.sql \
         (between them: {ends:?}; a BEGIN before them: {begun}): a crash in between leaves the change applied but not recorded"
    );
}

#[test]
fn running_twice_is_a_no_op() {
    let mut conn = db::open_in_memory().unwrap();
    shop_at_version_1(&conn);
    migrate(&mut conn, &migrations()).unwrap();
    let before = snapshot(&conn);
    assert_eq!(
        migrate(&mut conn, &migrations()).unwrap(),
        Vec::<u32>::new(),
        "the second run must apply nothing"
    );
    assert_eq!(user_version(&conn), 2);
    assert!(snapshot(&conn) == before, "the second run changed data");
}

#[test]
fn a_failing_migration_leaves_nothing_behind() {
    let dir = std::env::temp_dir().join(format!("shop-migrations-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        migrations().join("0001_init.sql"),
        dir.join("0001_init.sql"),
    )
    .unwrap();
    std::fs::write(
        dir.join("0002_broken.sql"),
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    .unwrap();
    let mut conn = db::open_in_memory().unwrap();
    let result = migrate(&mut conn, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
    match result {
        Err(Error::Migration { file, .. }) => {
            assert!(file.ends_with("0002_broken.sql"), "the error names {file}")
        }
        other => panic!("expected Error::Migration naming 0002_broken.sql, got {other:?}"),
    }
    assert_eq!(
        user_version(&conn),
        1,
        "0001 succeeded and must stay recorded; 0002 must not be"
    );
    let half: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half_done'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        half, 0,
        "the failed file's first statement must be rolled back too"
    );
    assert!(conn.is_autocommit());
}

#[test]
fn the_command_line_runs_twice() {
    let path = std::env::temp_dir().join(format!("shop-cli-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    shop_at_version_1(&db::open(&path).unwrap());
    for run in ["first", "second"] {
        let out = Command::new(env!("CARGO_BIN_EXE_shop"))
            .arg("migrate")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{run} run of `shop migrate` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let version = user_version(&db::open(&path).unwrap());
    std::fs::remove_file(&path).unwrap();
    assert_eq!(version, 2);
}
