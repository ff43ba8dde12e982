//! The one test suite of exercise 20-memory-budget, run against the learner's
//! crate and the reference. Results are compared with the in-memory summary;
//! block boundaries are moved across every position of a line; and the
//! program runs as a child process on a file four times the budget, its peak
//! memory read from the kernel with `wait4`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use memory_budget::given::summarize_in_memory;
use memory_budget::{BLOCK, MAX_LINE, MEMORY_BUDGET, StreamError, Summary, summarize_stream};
use proptest::prelude::*;
use testkit::TempFile;

fn program() -> &'static Path {
    let exe = option_env!("CARGO_BIN_EXE_memory-budget").or(option_env!("CARGO_BIN_EXE_memory-budget-solution"));
    Path::new(exe.expect("cargo builds the program for the tests"))
}

fn log(rows: usize, seed: u64, malformed_ppm: u32) -> Vec<u8> {
    datagen::log_lines(rows, seed, malformed_ppm).into_bytes()
}

/// The outcome in a form that compares: the summary, or the too-long line's offset.
fn outcome(result: Result<Summary, StreamError>) -> Result<Summary, String> {
    result.map_err(|e| match e {
        StreamError::LineTooLong { offset, limit } => format!("line too long at byte {offset} (limit {limit})"),
        StreamError::Io(e) => format!("i/o error: {e}"),
    })
}

fn assert_same(text: &[u8], what: &str) {
    let want = outcome(summarize_in_memory(text));
    let got = outcome(summarize_stream(text));
    if got != want {
        let show = |o: &Result<Summary, String>| match o {
            Ok(s) => format!("{} lines, {} malformed, {} paths", s.lines, s.malformed, s.paths.len()),
            Err(e) => e.clone(),
        };
        panic!("{what} ({} bytes): streamed {}, but in memory {}", text.len(), show(&got), show(&want));
    }
}

/// A reader that hands out at most `step` bytes per call, as pipes and
/// sockets do: a `read` may return less than asked without being at the end.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A reader that fails every third call with `ErrorKind::Interrupted` (a
/// signal arrived before anything was read: the caller should just try
/// again) and otherwise hands out at most `step` bytes.
struct Interrupts<'a> {
    data: &'a [u8],
    step: usize,
    calls: usize,
}

impl Read for Interrupts<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(3) {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A reader whose disk fails after `good` bytes.
struct FailsAfter {
    good: usize,
}

impl Read for FailsAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.good == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let line = b"2026-01-01T00:00:00.000Z INFO worker=1 latency_ms=1 bytes=1 path=/x\n";
        let n = buf.len().min(self.good).min(line.len());
        buf[..n].copy_from_slice(&line[..n]);
        self.good -= n;
        Ok(n)
    }
}

#[test]
fn tiny_inputs() {
    let line = b"2026-01-01T00:00:00.000Z WARN worker=3 latency_ms=118 bytes=5120 path=/api/items";
    let mut with_newline = line.to_vec();
    with_newline.push(b'\n');
    for (text, what) in [
        (&b""[..], "an empty input"),
        (b"\n", "one empty line"),
        (b"\n\n\n", "three empty lines"),
        (b"x", "one malformed line without a newline"),
        (&line[..], "one line without a newline"),
        (&with_newline[..], "one line"),
    ] {
        assert_same(text, what);
    }
}

#[test]
fn a_summary_as_printed() {
    let summary = summarize_stream(&log(5_000, 20, 5_000)[..]).expect("a log with valid lines");
    insta::assert_snapshot!(summary.to_string());
}

#[test]
fn block_boundaries_fall_anywhere_in_a_line() {
    // A log a little over one block; a first line of `pad` bytes moves the
    // block boundary through every position of the lines around it.
    let base = log(14_000, 7, 2_000);
    assert!(base.len() > BLOCK && base.len() < 2 * BLOCK);
    for pad in 0..110 {
        let mut text = vec![b'x'; pad];
        text.push(b'\n');
        text.extend_from_slice(&base);
        assert_same(&text, &format!("a log with a first line of {pad} bytes"));
    }
}

#[test]
fn a_log_without_a_final_newline() {
    for rows in [1, 100, 11_200, 30_000] {
        let mut text = log(rows, 3, 0);
        text.pop();
        assert_same(&text, &format!("{rows} rows, the last without its newline"));
    }
}

#[test]
fn short_reads_lose_nothing() {
    let text = log(30_000, 11, 1_000);
    for step in [1 << 20, 65_536, 4_097, 1_000] {
        let want = summarize_in_memory(&text).unwrap();
        let got = summarize_stream(Trickle { data: &text, step }).expect("a log");
        assert_eq!(got, want, "{} bytes, read at most {step} at a time", text.len());
    }
}

#[test]
fn interrupted_reads_are_retried() {
    let text = log(30_000, 12, 1_000);
    let want = summarize_in_memory(&text).unwrap();
    for step in [1 << 20, 65_536, 1_000] {
        match summarize_stream(Interrupts { data: &text, step, calls: 0 }) {
            Ok(got) => assert_eq!(
                got,
                want,
                "{} bytes, read at most {step} at a time, every third read interrupted",
                text.len()
            ),
            Err(e) => panic!(
                "a reader whose every third read fails with ErrorKind::Interrupted made summarize_stream fail: {e}. \
                 Interrupted means a signal came before anything was read — call read again (read_exact and \
                 read_to_end do), it is not an error of the input"
            ),
        }
    }
}

#[test]
fn a_line_of_exactly_max_line_bytes_is_accepted() {
    let mut text = log(100, 1, 0);
    text.extend(std::iter::repeat_n(b'y', MAX_LINE));
    text.push(b'\n');
    text.extend_from_slice(&log(100, 2, 0));
    assert_same(&text, "a log with a line of exactly MAX_LINE bytes");
    assert!(summarize_stream(&text[..]).is_ok());
    // The same line where it crosses the first block boundary: at `BLOCK -
    // MAX_LINE` all of it is carried into the next block, exactly MAX_LINE bytes.
    let head = log(14_000, 3, 0);
    for start in BLOCK - MAX_LINE - 2..=BLOCK - MAX_LINE + 2 {
        let mut text = head[..head[..start - 100].iter().rposition(|&b| b == b'\n').unwrap() + 1].to_vec();
        text.extend(std::iter::repeat_n(b'x', start - 1 - text.len()));
        text.push(b'\n');
        text.extend(std::iter::repeat_n(b'y', MAX_LINE));
        text.push(b'\n');
        text.extend_from_slice(&log(3_000, 4, 0));
        assert_same(
            &text,
            &format!("a line of exactly MAX_LINE bytes at byte {start} (the first block ends at {BLOCK})"),
        );
    }
}

fn too_long_at(text: &[u8], what: &str) -> u64 {
    match summarize_stream(text) {
        Err(StreamError::LineTooLong { offset, limit }) => {
            assert_eq!(limit, MAX_LINE, "{what}: the limit reported");
            offset
        }
        other => panic!("{what}: expected Err(LineTooLong), got {:?}", outcome(other).map(|s| s.lines)),
    }
}

#[test]
fn an_input_without_newlines_is_refused_early() {
    // 8 MiB without a single newline: not a log. The reader must stop at
    // MAX_LINE, not hold the whole thing.
    let text = vec![b'z'; 8 << 20];
    assert_eq!(too_long_at(&text, "8 MiB without a newline"), 0);
}

#[test]
fn a_long_line_is_reported_where_it_starts() {
    let head = log(20_000, 5, 0);
    let cases = [
        ("inside a block", 3_000, MAX_LINE + 1),
        ("across a block boundary", BLOCK - 1_000, MAX_LINE + 10_000),
        ("at the end, without a newline", 2 * BLOCK + 5, 3 * MAX_LINE),
    ];
    for (what, at, len) in cases {
        let mut text = head.clone();
        text.truncate(at);
        let offset = text.len() as u64;
        text.push(b'\n');
        text.extend(std::iter::repeat_n(b'q', len));
        if !what.contains("without") {
            text.push(b'\n');
            text.extend_from_slice(&log(3_000, 6, 0));
        }
        assert_eq!(too_long_at(&text, what), offset + 1, "a {len}-byte line {what}");
    }
}

#[test]
fn the_first_long_line_wins() {
    // One too-long line a worker finds inside a block, and a later, huge one
    // the reader finds while carrying it: the earlier is the answer.
    let mut text = log(2_000, 8, 0);
    let first = text.len() as u64;
    text.extend(std::iter::repeat_n(b'a', MAX_LINE + 5));
    text.push(b'\n');
    text.extend_from_slice(&log(30_000, 9, 0));
    text.extend(std::iter::repeat_n(b'b', 4 << 20));
    assert_eq!(too_long_at(&text, "two long lines"), first);
    // The same, with both in one block: the reader sees the second one's
    // start carried over before any worker has seen the block — which must
    // still reach a worker, or the second line is named.
    let mut text = log(300, 8, 0);
    let first = text.len() as u64;
    text.extend(std::iter::repeat_n(b'a', 3 * MAX_LINE));
    text.push(b'\n');
    text.extend(std::iter::repeat_n(b'b', 2 << 20));
    assert_eq!(too_long_at(&text, "two long lines in one block"), first, "the first of two long lines in one block");
}

#[test]
fn long_lines_in_many_blocks() {
    // A too-long line in about every block, in more blocks than there are
    // workers and buffers: each worker finds one — and must still hand every
    // buffer back and take the next, or the reader waits on a buffer (or a
    // channel) that never comes back.
    let mut text = Vec::new();
    let mut first = None;
    for k in 0..24 {
        text.extend_from_slice(&log(2_500, 100 + k, 0));
        first.get_or_insert(text.len() as u64);
        text.extend(std::iter::repeat_n(b'x', MAX_LINE + 5));
        text.push(b'\n');
        text.extend_from_slice(&log(2_500, 200 + k, 0));
    }
    assert!(text.len() > 8 * BLOCK, "the input spans many blocks");
    assert_eq!(too_long_at(&text, "a long line in every block"), first.expect("a long line"));
}

#[test]
fn a_read_error_is_returned() {
    match summarize_stream(FailsAfter { good: 3 << 20 }) {
        Err(StreamError::Io(e)) => assert!(e.to_string().contains("disk went away"), "the error passed on: {e}"),
        other => panic!("a reader that fails after 3 MiB: expected Err(Io), got {:?}", outcome(other).map(|s| s.lines)),
    }
}

#[test]
#[cfg(target_os = "linux")]
fn one_worker_per_core() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let text = log(200_000, 21, 100);
    // A thread started without a name takes the name of the thread that
    // starts it: the workers are named after this test. datagen's threads,
    // joined, may take a moment to leave: wait (at most 2 s) until this one is alone.
    let me = std::fs::read_to_string("/proc/thread-self/comm").expect("this thread's name").trim().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while testkit::thread_names().iter().filter(|n| **n == me).count() > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let (got, cpu) = testkit::cpu_by_thread(|| summarize_stream(&text[..]));
    assert_eq!(outcome(got), outcome(summarize_in_memory(&text)), "a log of 200 000 lines");
    // This thread (the reader) and the threads it started that ran.
    let started = cpu.iter().filter(|(name, s)| *name == me && *s > 0.0).count().saturating_sub(1);
    assert!(
        started >= cores,
        "summarize_stream started {started} worker thread(s) on a machine of {cores} cores (CPU-seconds by thread: \
         {cpu:.3?}): start one worker per core (std::thread::available_parallelism), the reader being the calling thread"
    );
}

/// What a measured run of the program did.
struct Measured {
    ok: bool,
    stdout: String,
    stderr: String,
    peak: u64,
}

/// Runs the program on `file` in its `--measure` mode, which reads the peak
/// resident memory of the run with `wait4`.
fn run_measured(file: &Path) -> Measured {
    let out =
        Command::new(program()).arg("--measure").arg(file).stdin(Stdio::null()).output().expect("start the program");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_bytes="))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak_rss_bytes= line from --measure: {stderr}"));
    Measured { ok: out.status.success(), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr, peak }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

fn assert_within_budget(run: &Measured, what: &str) {
    assert!(
        run.peak <= MEMORY_BUDGET as u64,
        "peak memory {:.1} MiB on {what}; the budget is {:.0} MiB. Is the whole file read at once, \
         mapped into memory, queued faster than the workers take it, or a line carried without limit?",
        mib(run.peak),
        mib(MEMORY_BUDGET as u64)
    );
}

fn write_file(name: &str, bytes: &[u8]) -> TempFile {
    TempFile::with(name, bytes)
}

#[test]
fn the_program_stays_within_its_memory_budget() {
    let _alone = testkit::serial();
    let text = log(1_000_000, 20, 100);
    assert!(text.len() > 3 * MEMORY_BUDGET, "the file must be several times the budget");
    let file = write_file("log", &text);
    let want = summarize_in_memory(&text).unwrap().to_string();
    let size = format!("a {:.0} MiB log", mib(text.len() as u64));
    drop(text);
    let run = run_measured(file.path());
    assert!(run.ok, "the program failed on {size}: {}", run.stderr);
    assert_eq!(run.stdout, want, "the program's summary of {size}");
    assert_within_budget(&run, &size);
    eprintln!("peak memory {:.1} MiB on {size} (budget {:.0} MiB)", mib(run.peak), mib(MEMORY_BUDGET as u64));
}

#[test]
fn a_file_without_newlines_is_refused_within_the_budget() {
    let _alone = testkit::serial();
    let file = write_file("one-line", &vec![b'n'; 4 * MEMORY_BUDGET]);
    let run = run_measured(file.path());
    assert!(
        !run.ok,
        "a {:.0} MiB file without a newline is not a log, but the program succeeded",
        mib(4 * MEMORY_BUDGET as u64)
    );
    assert!(run.stderr.contains("byte 0"), "the error names where the line starts: {}", run.stderr);
    assert_within_budget(&run, "a file without newlines");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_stream_like_they_summarize_in_memory(
        lines in prop::collection::vec(prop::collection::vec(prop::sample::select(&b"ab \n="[..]), 0..40), 0..50),
    ) {
        let text: Vec<u8> = lines.concat();
        let want = outcome(summarize_in_memory(&text));
        prop_assert_eq!(outcome(summarize_stream(&text[..])), want);
    }
}
