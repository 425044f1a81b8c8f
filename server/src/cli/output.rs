//! Writing a subcommand's output to stdout. A reader that stops early (`| head -1`) closes the
//! pipe: the output ends there, quietly, and the exit status is the one the run had anyway. Any
//! other write error is reported and exits 2.

use std::io::{self, ErrorKind, Write};

/// Writes `text` and a newline to stdout; returns `status`, or 2 when stdout cannot be written.
pub fn print(text: &str, status: u8) -> u8 {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => status,
        Err(e) => write_failed(&e, status),
    }
}

/// The exit status after a failed write to stdout: `status` when the reader has gone, else 2.
pub fn write_failed(error: &io::Error, status: u8) -> u8 {
    if error.kind() == ErrorKind::BrokenPipe {
        status
    } else {
        eprintln!("iam-policy-ls: cannot write to standard output: {error}");
        2
    }
}
