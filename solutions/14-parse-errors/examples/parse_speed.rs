//! How fast the reference parses a generated log, beside a plain sequential loop.
//!
//! cargo run --release -p parse-errors-solution --example parse_speed

use parse_errors::{LineError, LogReport, parse_line, parse_log};
use testkit::median_seconds;

fn sequential(log: &str) -> LogReport {
    let mut report = LogReport::default();
    for (i, text) in log.lines().enumerate() {
        report.lines += 1;
        match parse_line(text) {
            Ok(entry) => {
                report.valid += 1;
                report.latency_ms += u64::from(entry.latency_ms);
            }
            Err(problem) => report.errors.push(LineError { line: i + 1, text: text.to_string(), problem }),
        }
    }
    report
}

fn main() {
    let log = datagen::log_lines(2_000_000, 42, 1_000);
    let mb = log.len() as f64 / 1e6;
    let want = sequential(&log);
    assert_eq!(parse_log(&log), want);
    println!(
        "{} lines, {mb:.0} MB, {} malformed; median of 5 runs on {} threads",
        want.lines,
        want.errors.len(),
        rayon::current_num_threads()
    );
    let seq = median_seconds(5, || drop(std::hint::black_box(sequential(&log))));
    let par = median_seconds(5, || drop(std::hint::black_box(parse_log(&log))));
    println!("sequential loop:   {seq:.3} s ({:.0} MB/s)", mb / seq);
    println!("reference (rayon): {par:.3} s ({:.0} MB/s), {:.2}x", mb / par, seq / par);
}
