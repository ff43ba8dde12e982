//! The log format and its error types (given: you need not change them).
//!
//! A valid line has six fields separated by single spaces:
//!
//! ```text
//! 2026-01-01T00:00:01.042Z WARN worker=3 latency_ms=118 bytes=5120 path=/api/items
//! ```
//!
//! [`parse_line`] turns one line into an [`Entry`] or says what is wrong with
//! it ([`Problem`]); your `parse_log` adds *where* ([`LineError`]).

use std::fmt;

use thiserror::Error;

/// The severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

/// One valid log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub level: Level,
    pub worker: u32,
    pub latency_ms: u32,
    pub bytes: u32,
}

// ANCHOR: errors
/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    #[error("empty line")]
    Empty,
    #[error("bad timestamp `{0}`")]
    BadTimestamp(String),
    #[error("unknown level `{0}`")]
    UnknownLevel(String),
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("field `{field}` is not a number: `{value}`")]
    BadNumber { field: &'static str, value: String },
}

/// A line that could not be parsed: where it is, what it says, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: {problem}: {text:?}")]
pub struct LineError {
    /// 1-based: the first line of the log is line 1.
    pub line: usize,
    /// The offending line, as it is in the log (without its line ending).
    pub text: String,
    /// What is wrong with it.
    #[source]
    pub problem: Problem,
}
// ANCHOR_END: errors

/// What `parse_log` found in a whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogReport {
    /// Lines in the log, valid or not.
    pub lines: usize,
    /// Lines that parsed.
    pub valid: usize,
    /// The sum of `latency_ms` over the valid lines.
    pub latency_ms: u64,
    /// Every line that did not parse, in line order.
    pub errors: Vec<LineError>,
}

impl fmt::Display for LogReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} lines: {} valid (latency {} ms in all), {} malformed",
            self.lines,
            self.valid,
            self.latency_ms,
            self.errors.len()
        )?;
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

// ANCHOR: parse_line
/// Parses one line (without its line ending).
///
/// # Errors
///
/// The first [`Problem`] found, checking the fields from left to right.
pub fn parse_line(line: &str) -> Result<Entry, Problem> {
    if line.is_empty() {
        return Err(Problem::Empty);
    }
    let mut fields = line.split(' ');
    let timestamp = fields.next().unwrap_or_default();
    if timestamp.len() != 24 || timestamp.as_bytes()[10] != b'T' || !timestamp.ends_with('Z') {
        return Err(Problem::BadTimestamp(timestamp.to_string()));
    }
    let level = match fields.next() {
        Some("DEBUG") => Level::Debug,
        Some("INFO") => Level::Info,
        Some("WARN") => Level::Warn,
        Some("ERROR") => Level::Error,
        Some(other) => return Err(Problem::UnknownLevel(other.to_string())),
        None => return Err(Problem::MissingField("level")),
    };
    let mut number = |field: &'static str| -> Result<u32, Problem> {
        let value =
            fields.next().and_then(|f| f.strip_prefix(field)?.strip_prefix('=')).ok_or(Problem::MissingField(field))?;
        value.parse().map_err(|_| Problem::BadNumber { field, value: value.to_string() })
    };
    let (worker, latency_ms, bytes) = (number("worker")?, number("latency_ms")?, number("bytes")?);
    match fields.next().and_then(|f| f.strip_prefix("path=")) {
        Some(path) if !path.is_empty() => Ok(Entry { level, worker, latency_ms, bytes }),
        _ => Err(Problem::MissingField("path")),
    }
}
// ANCHOR_END: parse_line
