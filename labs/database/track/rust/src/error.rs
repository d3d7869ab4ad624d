//! The shop's one error type (provided by the lab).

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// An error from SQLite (a constraint, a syntax error, a lock...).
    Db(rusqlite::Error),
    /// A file could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The caller passed a value the operation does not accept.
    InvalidInput(String),
    /// An order named a product id that does not exist.
    UnknownProduct(i64),
    /// The payer's store credit is below the amount.
    InsufficientCredit { customer_id: i64, amount_cents: i64 },
    /// A migration file failed; nothing of it was applied.
    Migration {
        file: String,
        source: rusqlite::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Db(e) => write!(f, "database error: {e}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::InvalidInput(msg) => write!(f, "invalid input: {msg}"),
            Error::UnknownProduct(id) => write!(f, "there is no product {id}"),
            Error::InsufficientCredit {
                customer_id,
                amount_cents,
            } => {
                write!(
                    f,
                    "customer {customer_id} has less than {amount_cents} cents of store credit"
                )
            }
            Error::Migration { file, source } => write!(f, "{file}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Db(e) | Error::Migration { source: e, .. } => Some(e),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Db(e)
    }
}

impl Error {
    /// True when SQLite refused a write because of a constraint (UNIQUE,
    /// NOT NULL, CHECK, FOREIGN KEY) or a trigger's RAISE(ABORT).
    pub fn is_constraint_violation(&self) -> bool {
        let e = match self {
            Error::Db(e) | Error::Migration { source: e, .. } => e,
            _ => return false,
        };
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation)
        )
    }
}
