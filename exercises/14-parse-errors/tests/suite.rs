//! The one test suite of exercise 14, run unchanged against your crate and
//! the reference. `cargo xtask check 14-parse-errors` runs it; do not edit it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use parse_errors::{LineError, LogReport, Problem, parse_line, parse_log};
use proptest::prelude::*;

/// What a plain loop over the lines reports.
fn oracle(log: &str) -> LogReport {
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

/// Runs `parse_log` on a rayon pool of `threads` threads.
fn on_threads(threads: usize, log: &str) -> LogReport {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    pool.install(|| parse_log(log))
}

/// Compares two reports, naming the first difference instead of printing both.
fn assert_same(got: &LogReport, want: &LogReport, what: &str) {
    assert_eq!(
        (got.lines, got.valid, got.latency_ms, got.errors.len()),
        (want.lines, want.valid, want.latency_ms, want.errors.len()),
        "{what}: (lines, valid, latency_ms, number of errors) differ from a sequential loop's"
    );
    for (k, (g, w)) in got.errors.iter().zip(&want.errors).enumerate() {
        assert_eq!(g, w, "{what}: error #{k} (in line order) should be `{w}`, got `{g}`");
    }
}

const GOOD: &str = "2026-01-01T00:00:00.000Z INFO worker=1 latency_ms=5 bytes=9 path=/";

#[test]
fn an_empty_log_has_no_lines() {
    assert_eq!(parse_log(""), LogReport::default());
}

#[test]
fn the_example_of_the_docs() {
    let log = format!("{GOOD}\noops\n");
    let report = parse_log(&log);
    assert_eq!(
        (report.lines, report.valid, report.latency_ms),
        (2, 1, 5),
        "(lines, valid, latency_ms) of a log of 2 lines, the second `oops`: a final `\\n` ends the last line, it \
         does not start an empty one"
    );
    assert_eq!(
        report.errors.len(),
        1,
        "the malformed line `oops` belongs in report.errors (returned, not printed):\n{report}"
    );
    assert_eq!(report.errors[0].to_string(), r#"line 2: bad timestamp `oops`: "oops""#);
}

#[test]
fn line_numbers_start_at_1() {
    let report = parse_log(&format!("bad\n{GOOD}\n"));
    assert_eq!(report.errors.len(), 1, "{report}");
    assert_eq!(report.errors[0].line, 1, "the first line of a file is line 1, as an editor shows it");
}

#[test]
fn a_last_line_without_a_newline_counts() {
    let report = parse_log(&format!("{GOOD}\n{GOOD}\nlast"));
    assert_eq!((report.lines, report.valid), (3, 2), "(lines, valid) of 2 valid lines and `last`, without a `\\n`");
    assert_eq!(report.errors[0].line, 3);
    assert_eq!(report.errors[0].text, "last");
}

#[test]
fn crlf_endings_are_not_part_of_the_text() {
    let report = parse_log(&format!("{GOOD}\r\nbad\r\n{GOOD}\r\n"));
    assert_eq!((report.lines, report.valid), (3, 2), "(lines, valid) of 3 lines ending in `\\r\\n`");
    assert_eq!(
        report.errors[0].text, "bad",
        "the offending text without its line ending: `\\r\\n` ends a line as `\\n` does (`str::lines` drops the `\\r`)"
    );
}

#[test]
fn a_carriage_return_that_ends_no_line_is_text() {
    // Only `\r\n` ends a line (as in `str::lines`): a `\r` before it, or at
    // the very end of the log, belongs to the line's text.
    let report = parse_log(&format!("{GOOD}\r\nbad\r\r\nmid\rdle\nlast\r"));
    assert_eq!((report.lines, report.valid), (4, 1), "(lines, valid) of `GOOD\\r\\nbad\\r\\r\\nmid\\rdle\\nlast\\r`");
    let texts: Vec<&str> = report.errors.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        ["bad\r", "mid\rdle", "last\r"],
        "the offending texts: a line's text loses only the `\\n` or `\\r\\n` that ends it (`str::lines`)"
    );
}

#[test]
fn an_empty_line_is_an_error_with_its_number() {
    let report = parse_log(&format!("{GOOD}\n\n{GOOD}\n"));
    assert_eq!(
        report.errors,
        vec![LineError { line: 2, text: String::new(), problem: Problem::Empty }],
        "an empty line is a line like any other: reported as Problem::Empty under its number, not skipped"
    );
}

#[test]
fn a_bad_line_does_not_stop_the_rest() {
    let mut log = String::from("2026-01-01T00:00:00.000Z LOUD worker=1 latency_ms=5 bytes=9 path=/\n");
    for _ in 0..999 {
        log.push_str(GOOD);
        log.push('\n');
    }
    let report = on_threads(2, &log);
    assert_eq!((report.lines, report.valid, report.latency_ms), (1000, 999, 999 * 5), "{}", report.errors.len());
}

#[test]
fn every_line_bad_across_every_chunk_boundary() {
    // Each line is malformed and says its own number: any chunk that numbers
    // its lines from the start of the chunk, or drops or repeats a line at a
    // cut, shows up here.
    let log: String = (1..=20_000).map(|i| format!("line-{i}\n")).collect();
    for threads in [1, 2, 3, 8] {
        let report = on_threads(threads, &log);
        assert_eq!(report.lines, 20_000, "on {threads} threads");
        assert_eq!(report.errors.len(), 20_000, "on {threads} threads: every line is malformed");
        for (k, e) in report.errors.iter().enumerate() {
            assert_eq!(e.text, format!("line-{}", k + 1), "on {threads} threads: error #{k} is not line {}", k + 1);
            assert_eq!(e.line, k + 1, "on {threads} threads: `{}` is line {}, not line {}", e.text, k + 1, e.line);
        }
    }
}

#[test]
fn a_generated_log_on_8_threads_many_times() {
    // Deterministic order is not luck: run it again and again on many threads.
    let log = datagen::log_lines(100_000, 7, 3_000);
    let want = oracle(&log);
    assert!(want.errors.len() > 200, "the generator should make some 300 malformed lines");
    for round in 0..5 {
        assert_same(&on_threads(8, &log), &want, &format!("round {round} on 8 threads"));
    }
}

#[test]
fn non_ascii_text_is_never_cut_inside_a_character() {
    // Malformed lines of 2- and 3-byte characters, of many lengths: a cut
    // made at a byte offset lands inside a character for most thread counts.
    let log: String = (1..=3_000).map(|i| format!("é{}日ü {i}\n", "ñ".repeat(i % 7))).collect();
    let want = oracle(&log);
    for threads in [1, 2, 3, 5, 8] {
        let got = catch_unwind(AssertUnwindSafe(|| on_threads(threads, &log))).unwrap_or_else(|_| {
            panic!(
                "parse_log panicked on a log of non-ASCII lines on {threads} threads: a `&str` can be sliced only \
                 where a character starts — look for the next `\\n` in `log.as_bytes()` and cut after it"
            )
        });
        assert_same(&got, &want, &format!("non-ASCII lines on {threads} threads"));
    }
}

#[test]
fn latencies_add_up_beyond_u32() {
    // Each line's latency fits a u32; the sum of a few does not.
    let line = "2026-01-01T00:00:00.000Z INFO worker=1 latency_ms=4000000000 bytes=9 path=/";
    let log: String = (0..1_000).map(|_| format!("{line}\n")).collect();
    for threads in [1, 4] {
        let report = on_threads(threads, &log);
        assert_eq!(
            report.latency_ms,
            1_000 * 4_000_000_000,
            "1000 lines of latency_ms=4000000000 on {threads} thread(s): add the latencies up in a u64 — a u32 \
             holds at most 4294967295, and in a release build it wraps around silently"
        );
    }
}

#[test]
#[cfg(target_os = "linux")]
fn the_lines_are_parsed_on_several_threads_of_the_pool() {
    // About 0.1 s of parsing on a pool of 4 named threads: long enough for
    // each thread's CPU time to be read (testkit::cpu_by_thread).
    let log = datagen::log_lines(400_000, 14, 1_000);
    let want = oracle(&log);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .thread_name(|i| format!("parse-pool-{i}"))
        .build()
        .expect("a thread pool");
    let (got, cpu) = testkit::cpu_by_thread(|| pool.install(|| parse_log(&log)));
    assert_same(&got, &want, "400 000 lines on 4 threads");
    // A thread started from a pool thread inherits its name: the pool's four
    // names on more than four threads mean parse_log started threads of its own.
    let in_pool: Vec<&(String, f64)> = cpu.iter().filter(|(name, _)| name.starts_with("parse-pool-")).collect();
    assert!(
        in_pool.len() <= 4,
        "parse_log started threads of its own (CPU-seconds by thread: {cpu:.3?}): parse the chunks with a rayon \
         parallel iterator, which runs on the pool parse_log is called in — not on `std::thread`s or a pool it builds"
    );
    let total: f64 = in_pool.iter().map(|(_, s)| s).sum();
    let working = in_pool.iter().filter(|(_, s)| *s > 0.1 * total).count();
    assert!(
        working >= 2,
        "parse_log did its work on {working} thread(s) of a pool of 4 (CPU-seconds by thread: {cpu:.3?}): cut the \
         log into newline-aligned chunks, a few per thread, and parse them with `par_iter`"
    );
}

/// What a person sees: the report of a generated log with malformed lines.
#[test]
fn generated_log_report() {
    let log = datagen::log_lines(20_000, 42, 2_000);
    let report = on_threads(4, &log);
    insta::assert_snapshot!("log_20000_seed42_2000ppm", report.to_string());
}

/// Any line: valid, or broken in one of the ways logs break.
fn any_line() -> impl Strategy<Value = String> {
    let valid = (0u32..16, 1u32..2000, any::<u16>(), prop::sample::select(vec!["INFO", "WARN", "DEBUG", "ERROR"]))
        .prop_map(|(w, l, b, level)| {
            format!("2026-01-01T00:00:00.000Z {level} worker={w} latency_ms={l} bytes={b} path=/api/items")
        });
    prop_oneof![
        6 => valid.clone(),
        1 => valid.clone().prop_flat_map(|line| { let n = line.len(); (Just(line), 0..n) })
            .prop_map(|(line, cut)| line[..cut].to_string()),
        1 => valid.clone().prop_map(|line| line.replace("latency_ms=", "latency_ms=x")),
        1 => valid.prop_map(|line| line.replace("INFO", "LOUD")),
        1 => "[a-z =]{0,12}",
        1 => "[a-zé日ü =]{0,12}",
        1 => "[a-z\r =]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_log_matches_the_sequential_loop(
        lines in prop::collection::vec(any_line(), 0..120),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        threads in 1usize..6,
    ) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let mut log = lines.join(ending);
        if final_newline && !lines.is_empty() {
            log.push_str(ending);
        }
        let want = oracle(&log);
        let got = on_threads(threads, &log);
        prop_assert_eq!(got, want, "log of {} lines on {} threads:\n{}", lines.len(), threads, log);
    }
}
