//! The one writer of stdout. A closed pipe (`labforge status | head -1`)
//! is success: the reader has what it wanted, so the rest of the output is
//! dropped and the command finishes normally (exit 0 or its own status).
//! Any other write error (a full disk) is an error naming stdout.
//!
//! Commands print with [`out!`](crate::out!) and [`outln!`](crate::outln!),
//! or hand [`Stdout`] to code that takes an `io::Write`. Messages on
//! stderr go through [`eout!`](crate::eout!) and [`eoutln!`](crate::eoutln!)
//! (or [`Stderr`]): a closed or broken stderr (`labforge adr lint 2>&1 |
//! head -1`) drops them instead of panicking, as `eprintln!` would; clippy's
//! `print_stdout` and `print_stderr` lints keep it that way.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Set once a write found the pipe closed; later output is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints like `print!`, through [`print`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::print(&format!($($arg)*))
    };
}

/// Prints like `println!`, through [`print`].
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::print("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::print(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints like `eprint!`, through [`eprint`].
#[macro_export]
macro_rules! eout {
    ($($arg:tt)*) => {
        $crate::out::eprint(&format!($($arg)*))
    };
}

/// Prints like `eprintln!`, through [`eprint`].
#[macro_export]
macro_rules! eoutln {
    () => {
        $crate::out::eprint("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::eprint(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `text` to stderr; a write error (a closed pipe) drops it: there
/// is nowhere left to report it.
pub(crate) fn eprint(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// stderr as an `io::Write` that never fails (see [`eprint`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stderr().lock().flush();
        Ok(())
    }
}

/// stdout as an `io::Write` that treats a closed pipe as success.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        match io::stdout().lock().write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                CLOSED.store(true, Ordering::Relaxed);
                Ok(buf.len())
            }
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        match io::stdout().lock().flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                CLOSED.store(true, Ordering::Relaxed);
                Ok(())
            }
            r => r,
        }
    }
}

/// Writes `text` to stdout (nothing once the pipe is closed).
pub(crate) fn print(text: &str) -> Result<()> {
    Stdout.write_all(text.as_bytes()).map_err(write_error)
}

/// Writes `bytes` to stdout (nothing once the pipe is closed).
pub(crate) fn print_bytes(bytes: &[u8]) -> Result<()> {
    Stdout.write_all(bytes).map_err(write_error)
}

/// Flushes stdout (called once by `finish`, before the exit code).
pub(crate) fn flush() -> Result<()> {
    Stdout.flush().map_err(write_error)
}

/// Whether a reader closed stdout.
pub(crate) fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn write_error(e: io::Error) -> Error {
    Error::new(format!("could not write to stdout: {e}"))
        .with_help("check the file or program that labforge's output goes to (a full disk?)")
}
