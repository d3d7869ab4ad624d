//! The one writer of stdout. A closed pipe (`labforge status | head -1`)
//! is success: the reader has what it wanted, so the rest of the output is
//! dropped and the command finishes normally (exit 0 or its own status).
//! Any other write error (a full disk) is an error naming stdout.
//!
//! Commands print with [`out!`](crate::out!) and [`outln!`](crate::outln!),
//! or hand [`Stdout`] to code that takes an `io::Write`. Messages and
//! progress on stderr keep `eprintln!`.

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

/// stdout as an `io::Write` that treats a closed pipe as success.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

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
pub fn print(text: &str) -> Result<()> {
    Stdout.write_all(text.as_bytes()).map_err(write_error)
}

/// Writes `bytes` to stdout (nothing once the pipe is closed).
pub fn print_bytes(bytes: &[u8]) -> Result<()> {
    Stdout.write_all(bytes).map_err(write_error)
}

/// Flushes stdout (called once by `finish`, before the exit code).
pub fn flush() -> Result<()> {
    Stdout.flush().map_err(write_error)
}

/// Whether a reader closed stdout.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn write_error(e: io::Error) -> Error {
    Error::new(format!("could not write to stdout: {e}"))
        .with_help("check the file or program that labforge's output goes to (a full disk?)")
}
