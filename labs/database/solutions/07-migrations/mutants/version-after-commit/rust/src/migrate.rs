//! Exercise 7: a migration runner (exercises/07-migrations.md).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// `PRAGMA user_version`: the last migration applied (0: none).
pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies every migration in `dir` newer than `PRAGMA user_version`, in
/// order. Each file and its new user_version are applied in one
/// transaction. Returns the versions applied (empty when up to date), or
/// `Error::Migration` naming the file that failed.
pub fn migrate(conn: &mut Connection, dir: &Path) -> Result<Vec<u32>> {
    let mut applied = Vec::new();
    for (version, path) in crate::db::migration_files(dir)? {
        if version <= current_version(conn)? {
            continue;
        }
        let sql = crate::db::read(&path)?;
        let file = path.display().to_string();
        let failed = |source| Error::Migration {
            file: file.clone(),
            source,
        };
        // The file and its version in one transaction: a file that fails
        // half-way leaves neither its changes nor the new version behind
        // (dropping `tx` without commit() rolls back).
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        tx.execute_batch(&sql).map_err(failed)?;
        tx.commit().map_err(failed)?;
        conn.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        applied.push(version);
    }
    Ok(applied)
}
