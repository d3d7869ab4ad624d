//! Connections, and building a fresh shop database (provided by the lab).
//!
//! You do not need to change this file. It is what the tests use, and it
//! builds a database in the same order as `labforge check`: schema version 1
//! (`migrations/0001_init.sql`), the seed (`data/seed.sql`, written against
//! version 1), then every later migration, as they would run on a live shop.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::{Error, Result};

/// The lab's root folder (where `migrations/`, `data/` and `queries/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Opens a connection the way the whole lab uses it: SQLite only enforces
/// REFERENCES when asked, per connection.
pub fn open(path: &Path) -> Result<Connection> {
    configure(Connection::open(path)?)
}

/// A private in-memory database, configured like [`open`].
pub fn open_in_memory() -> Result<Connection> {
    configure(Connection::open_in_memory()?)
}

fn configure(conn: Connection) -> Result<Connection> {
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// Reads a text file, naming it in the error.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// `(version, path)` of each `NNNN_name.sql` in `dir`, by version.
pub fn migration_files(dir: &Path) -> Result<Vec<(u32, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("sql") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version = name
            .split_once('_')
            .filter(|(digits, _)| digits.len() == 4)
            .and_then(|(digits, _)| digits.parse::<u32>().ok())
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{}: migration files are named NNNN_name.sql (four digits, then a name)",
                    path.display()
                ))
            })?;
        found.push((version, path));
    }
    found.sort();
    Ok(found)
}

/// A fresh in-memory shop: version 1, the seed, then the later migrations up
/// to `up_to` (None: all). `PRAGMA user_version` is left at 0: recording
/// versions is the migrator's job (exercise 7), and this is not the migrator.
pub fn build(up_to: Option<u32>) -> Result<Connection> {
    let conn = open_in_memory()?;
    build_into(&conn, &root(), up_to)?;
    Ok(conn)
}

/// Builds the shop into an open (empty) database from the lab at `root`.
pub fn build_into(conn: &Connection, root: &Path, up_to: Option<u32>) -> Result<()> {
    let files = migration_files(&root.join("migrations"))?;
    for (_, file) in files.iter().filter(|(v, _)| *v == 1) {
        run_file(conn, file)?;
    }
    run_file(conn, &root.join("data").join("seed.sql"))?;
    for (_, file) in files
        .iter()
        .filter(|(v, _)| *v > 1 && up_to.is_none_or(|u| *v <= u))
    {
        run_file(conn, file)?;
    }
    Ok(())
}

fn run_file(conn: &Connection, path: &Path) -> Result<()> {
    conn.execute_batch(&read(path)?)
        .map_err(|source| Error::Migration {
            file: path.display().to_string(),
            source,
        })
}
