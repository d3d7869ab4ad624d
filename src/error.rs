//! The one error type of labforge, and the one place it is rendered.
//!
//! Errors are values with data (message, optional file location, optional help
//! and an exit code), never pre-formatted strings with colour baked in. The
//! binary prints them through [`Error::render`]:
//!
//! ```text
//! error: unknown field `titel`, expected one of `id`, `title`, ...
//!  --> labs/demo/lab.toml:4:1
//! help: fix the key name; `labforge template lint DIR` checks the whole file
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes shared by every command (documented in `docs/exit-codes.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: it worked, the answer is yes.
    Success,
    /// 1: it worked, and the answer is no (checks failed, lint findings,
    /// conflicts remain, an update is available).
    No,
    /// 2: labforge could not do it (bad input, missing tool, I/O failure).
    Failure,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::No => 1,
            Status::Failure => 2,
        }
    }
}

/// A place in a file that an error is about. Line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// The error of every fallible labforge function.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
    /// Further lines printed between the location and the help (for example
    /// the tail of a failing command's output, or a list of missing answers).
    pub details: Vec<String>,
    pub status: Status,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A "could not do it" error (exit code 2).
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            location: None,
            help: None,
            details: Vec::new(),
            status: Status::Failure,
            source: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: None,
            column: None,
        });
        self
    }

    pub fn at(mut self, file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        });
        self
    }

    /// Points at the byte `offset` of `text`, the contents of `file`.
    pub fn at_offset(self, file: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.at(file, line, col)
    }

    pub fn with_status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// An I/O error on `path`; `action` is a verb phrase such as "read" or
    /// "create the folder".
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        let help = match err.kind() {
            std::io::ErrorKind::NotFound => Some("check that the path exists and is spelled right"),
            std::io::ErrorKind::PermissionDenied => {
                Some("check the permissions of the file and its folder")
            }
            std::io::ErrorKind::AlreadyExists => {
                Some("choose another path, or move the existing one away first")
            }
            _ => None,
        };
        let mut e = Error::new(format!("could not {action} `{}`: {err}", path.display()));
        e.help = help.map(str::to_string);
        e.with_source(err)
    }

    pub fn exit_code(&self) -> u8 {
        self.status.code()
    }

    /// The text printed on stderr: `error: …`, ` --> file:line:col`, detail
    /// lines, `help: …`. No colour: colour is added by the printer, if at all.
    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        if let Some(loc) = &self.location {
            out.push_str(&format!(" --> {loc}\n"));
        }
        for line in &self.details {
            out.push_str(&format!("  {line}\n"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("help: {help}\n"));
        }
        out
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 8), (2, 3));
    }

    #[test]
    fn render_has_location_and_help() {
        let e = Error::new("bad key")
            .at("lab.toml", 3, 1)
            .with_help("rename it");
        assert_eq!(
            e.render(),
            "error: bad key\n --> lab.toml:3:1\nhelp: rename it\n"
        );
        assert_eq!(e.exit_code(), 2);
    }
}
