//! Exercise 14 — errors with positions. Read `book/src/ch05-errors-logging/parse-errors.md`.
//!
//! Given: the log format, [`parse_line`] and the error types (`src/given.rs`).
//! Yours: [`parse_log`].

mod given;

pub use given::{Entry, Level, LineError, LogReport, Problem, parse_line};

/// Parses every line of `log` in parallel and reports all malformed lines
/// with their line numbers, in line order.
///
/// The model: lines are what `log.lines()` yields (split at `\n`, a `\r`
/// before it dropped, no empty line after a final `\n`), numbered from 1.
/// Cut the log into newline-aligned chunks (exercise 04), parse the chunks in
/// parallel with rayon, and give each error the line number it has *in the
/// whole log* — a chunk only knows where its lines are inside itself, so
/// something must add the lines of the chunks before it. A malformed line
/// does not stop anything: every other line is still parsed and counted.
///
/// The report is the same, field by field, as a sequential loop over
/// `log.lines().enumerate()` would give, whatever the number of threads:
/// `errors` sorted by line, each with the offending line's text.
///
/// ```ignore
/// let log = "2026-01-01T00:00:00.000Z INFO worker=1 latency_ms=5 bytes=9 path=/\noops\n";
/// let report = parse_log(log);
/// assert_eq!((report.lines, report.valid, report.latency_ms), (2, 1, 5));
/// assert_eq!(report.errors[0].to_string(), r#"line 2: bad timestamp `oops`: "oops""#);
/// ```
///
/// # Errors
///
/// None as such: malformed lines are data, reported in [`LogReport::errors`].
///
/// # Panics
///
/// Never.
pub fn parse_log(log: &str) -> LogReport {
    todo!("parse newline-aligned chunks in parallel; number the errors' lines across the whole log")
}
