//! Reference solution of exercise 14 — errors with positions.
//!
//! The given module is the exercise's own file, not a copy.

use rayon::prelude::*;

#[path = "../../../exercises/14-parse-errors/src/given.rs"]
mod given;

pub use given::{Entry, Level, LineError, LogReport, Problem, parse_line};

// ANCHOR: parse_log
/// Parses every line of `log` in parallel and reports all malformed lines
/// with their line numbers, in line order.
pub fn parse_log(log: &str) -> LogReport {
    // A few chunks per thread, so a slow chunk does not leave a core idle.
    let parts = rayon::current_num_threads() * 4;
    let chunks: Vec<&str> = line_chunks(log, parts).collect();
    // In parallel: each chunk numbers its lines from 0, inside itself.
    let partial: Vec<LogReport> = chunks.par_iter().map(|chunk| parse_chunk(chunk)).collect();
    // In order: a chunk's first line comes after all the lines of the chunks before it.
    let mut report = LogReport::default();
    for part in partial {
        let first_line = report.lines + 1;
        report.errors.extend(part.errors.into_iter().map(|e| LineError { line: first_line + e.line, ..e }));
        report.lines += part.lines;
        report.valid += part.valid;
        report.latency_ms += part.latency_ms;
    }
    report
}

/// One chunk's report; its errors' `line` counts from 0 inside the chunk.
fn parse_chunk(chunk: &str) -> LogReport {
    let mut report = LogReport::default();
    for (i, text) in chunk.lines().enumerate() {
        match parse_line(text) {
            Ok(entry) => {
                report.valid += 1;
                report.latency_ms += u64::from(entry.latency_ms);
            }
            Err(problem) => report.errors.push(LineError { line: i, text: text.to_string(), problem }),
        }
        report.lines += 1;
    }
    report
}
// ANCHOR_END: parse_log

// ANCHOR: line_chunks
/// About `parts` pieces of `text`, each ending just after a `\n` (the last at the end).
fn line_chunks(text: &str, parts: usize) -> impl Iterator<Item = &str> {
    let target = text.len().div_ceil(parts.max(1)).max(1);
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = match rest.as_bytes().get(target..).and_then(|tail| tail.iter().position(|&b| b == b'\n')) {
            Some(newline) => target + newline + 1,
            None => rest.len(),
        };
        let (chunk, tail) = rest.split_at(cut);
        rest = tail;
        Some(chunk)
    })
}
// ANCHOR_END: line_chunks
