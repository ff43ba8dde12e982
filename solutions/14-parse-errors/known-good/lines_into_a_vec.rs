//! Collects the lines into a `Vec` first, so an indexed parallel iterator can number
//! them; `fold` + `reduce` keep the errors in order (rayon reduces neighbours, left to right).

use rayon::prelude::*;

#[path = "../../../exercises/14-parse-errors/src/given.rs"]
mod given;

pub use given::{Entry, Level, LineError, LogReport, Problem, parse_line};

pub fn parse_log(log: &str) -> LogReport {
    let lines: Vec<&str> = log.lines().collect();
    lines
        .par_iter()
        .enumerate()
        .fold(LogReport::default, |mut report, (i, text)| {
            report.lines += 1;
            match parse_line(text) {
                Ok(entry) => {
                    report.valid += 1;
                    report.latency_ms += u64::from(entry.latency_ms);
                }
                Err(problem) => report.errors.push(LineError { line: i + 1, text: text.to_string(), problem }),
            }
            report
        })
        .reduce(LogReport::default, |mut left, right| {
            left.lines += right.lines;
            left.valid += right.valid;
            left.latency_ms += right.latency_ms;
            left.errors.extend(right.errors);
            left
        })
}
