//! Given code of the capstone, station statistics (exercises 24–28).
//!
//! Input rows are `<station>;<temperature>\n`: a UTF-8 name of 1 to 100
//! bytes without `;` or `\n`, and a temperature from -99.9 to 99.9 with
//! exactly one decimal. The result is one line:
//!
//! ```text
//! {Abha=-23.0/18.0/59.2, Abidjan=-16.2/26.0/67.3, …}
//! ```
//!
//! stations sorted by name (byte order), each with min/mean/max. Everything
//! is computed in integer tenths of a degree; the mean is rounded half up
//! (towards positive infinity), and `-0.0` is never printed.
//!
//! This crate holds only what every stage shares: the error types, the name
//! limit, the program's `main` and the suites' checks. Exercise 24 writes
//! the rest. The later exercises get the earlier stages' references as
//! crates of their own (`stations_straightforward`, `stations_parallel`,
//! `stations_fast`), each exercise only the stages before it, so no
//! exercise can be solved by calling its own reference.

#[cfg(feature = "suite")]
pub mod suite;

use std::fmt;

// ANCHOR: max_name
/// Longest station name, in bytes.
pub const MAX_NAME: usize = 100;
// ANCHOR_END: max_name

// ANCHOR: errors
/// What is wrong with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No `;` before the end of the row.
    NoSeparator,
    /// The name is empty, over [`MAX_NAME`] bytes, or not UTF-8.
    BadName,
    /// Not a temperature from -99.9 to 99.9 with exactly one decimal.
    BadTemperature,
}

/// A malformed row, and the byte offset where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowError {
    pub offset: u64,
    pub problem: Problem,
}
// ANCHOR_END: errors

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.problem {
            Problem::NoSeparator => "no `;` between name and temperature",
            Problem::BadName => "the name is empty, longer than 100 bytes or not UTF-8",
            Problem::BadTemperature => "the temperature is not -99.9..99.9 with one decimal",
        };
        write!(f, "malformed row at byte {}: {what}", self.offset)
    }
}

impl std::error::Error for RowError {}

// ANCHOR: file_error
/// Why a file could not be summarized (exercise 27).
#[derive(Debug)]
pub enum FileError {
    Io(std::io::Error),
    Row(RowError),
}
// ANCHOR_END: file_error

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io(e) => write!(f, "cannot read the file: {e}"),
            FileError::Row(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FileError {}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e)
    }
}

impl From<RowError> for FileError {
    fn from(e: RowError) -> Self {
        FileError::Row(e)
    }
}

/// What a stage's program does: `PROGRAM FILE` prints the result line on
/// stdout, or the error on stderr and exits with 1.
pub fn program_main(
    aggregate: impl FnOnce(&std::path::Path) -> Result<String, Box<dyn std::error::Error>>,
) -> std::process::ExitCode {
    let args: Vec<_> = std::env::args_os().collect();
    let [_, path] = &args[..] else {
        eprintln!("usage: {} FILE", args.first().map_or("stations".into(), |a| a.to_string_lossy()));
        return std::process::ExitCode::from(2);
    };
    match aggregate(std::path::Path::new(path)) {
        Ok(line) => {
            use std::io::Write as _;
            // A closed pipe (`| head`) is the reader's choice, not an error.
            match writeln!(std::io::stdout(), "{line}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("cannot print the result: {e}");
                    std::process::ExitCode::FAILURE
                }
                _ => std::process::ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("{}: {e}", std::path::Path::new(path).display());
            std::process::ExitCode::FAILURE
        }
    }
}
