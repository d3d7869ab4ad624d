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
pub(crate) enum Status {
    /// 0: it worked, the answer is yes.
    Success,
    /// 1: it worked, and the answer is no (checks failed, lint findings,
    /// conflicts remain, an update is available).
    No,
    /// 2: labforge could not do it (bad input, missing tool, I/O failure).
    Failure,
}

impl Status {
    pub(crate) fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::No => 1,
            Status::Failure => 2,
        }
    }
}

/// A place in a file that an error is about. Line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) file: PathBuf,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
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

/// Why an error happened, for the caller that decides on it (a check that
/// fails rather than errs, an optional check that is skipped). The message
/// and details are for people; a caller matches on the cause instead of
/// reading them back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// `tool` (a program on PATH, or a path inside the lab) is not there.
    MissingTool { tool: String },
    /// A started program printed no ready line: it `exited` first, or the
    /// ready timeout passed. `output` holds the last lines it printed, shown
    /// under `output (end):` when the error is rendered.
    NotReady { exited: bool, output: Vec<String> },
}

/// The error of every fallible labforge function.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub(crate) message: String,
    pub(crate) location: Option<Location>,
    pub(crate) help: Option<String>,
    /// Further lines printed between the location and the help (for example
    /// the tail of a failing command's output, or a list of missing answers).
    pub(crate) details: Vec<String>,
    pub(crate) status: Status,
    pub(crate) cause: Option<Cause>,
    #[source]
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A "could not do it" error (exit code 2).
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            location: None,
            help: None,
            details: Vec::new(),
            status: Status::Failure,
            cause: None,
            source: None,
        }
    }

    pub(crate) fn with_cause(mut self, cause: Cause) -> Self {
        self.cause = Some(cause);
        self
    }

    /// The lines printed between the location and the help: the cause's
    /// (a program's last output), then [`Error::details`].
    fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(Cause::NotReady { output, .. }) = &self.cause
            && !output.is_empty()
        {
            lines.push("output (end):".to_string());
            lines.extend(output.iter().map(|l| format!("| {l}")));
        }
        lines.extend(self.details.iter().cloned());
        lines
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }

    pub(crate) fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: None,
            column: None,
        });
        self
    }

    pub(crate) fn at(mut self, file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        });
        self
    }

    /// Points at the byte `offset` of `text`, the contents of `file`.
    pub(crate) fn at_offset(self, file: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.at(file, line, col)
    }

    pub(crate) fn with_status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// An I/O error on `path`; `action` is a verb phrase such as "read" or
    /// "create the folder".
    pub(crate) fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
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

    pub(crate) fn exit_code(&self) -> u8 {
        self.status.code()
    }

    /// The text printed on stderr: `error: …`, ` --> file:line:col`, detail
    /// lines, `help: …`. No colour: colour is added by the printer, if at all.
    pub(crate) fn render(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        if let Some(loc) = &self.location {
            out.push_str(&format!(" --> {loc}\n"));
        }
        for line in self.detail_lines() {
            out.push_str(&format!("  {line}\n"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("help: {help}\n"));
        }
        out
    }

    /// The message, detail lines and help as one text, without the
    /// `error:` prefix and the location: how a check or a `template test`
    /// step reports an error.
    pub(crate) fn text(&self) -> String {
        let mut out = self.message.clone();
        for d in self.detail_lines() {
            out.push('\n');
            out.push_str(&d);
        }
        if let Some(h) = &self.help {
            out.push_str(&format!("\nhelp: {h}"));
        }
        out
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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

    /// The output of a program that was not ready travels as data (the
    /// check runner reads it from the cause) and is rendered once, here.
    #[test]
    fn issue_14_a_not_ready_cause_is_rendered_once_at_the_edge() {
        let e = Error::new("`x` exited with code 1 before it printed a line matching `ready`")
            .with_cause(Cause::NotReady {
                exited: true,
                output: vec!["Traceback".into(), "".into(), "ValueError".into()],
            })
            .with_detail("more")
            .with_help("look above");
        assert_eq!(
            e.render(),
            "error: `x` exited with code 1 before it printed a line matching `ready`\n  output (end):\n  | Traceback\n  | \n  | ValueError\n  more\nhelp: look above\n"
        );
        assert_eq!(
            e.text(),
            "`x` exited with code 1 before it printed a line matching `ready`\noutput (end):\n| Traceback\n| \n| ValueError\nmore\nhelp: look above"
        );
        let quiet = Error::new("m").with_cause(Cause::NotReady {
            exited: false,
            output: Vec::new(),
        });
        assert_eq!(quiet.render(), "error: m\n");
    }
}
