//! Given: the log format's summary, how one line adds to it, the error type,
//! and the program the tests run (`summarize_file`).
//!
//! A line looks like
//! `2026-01-01T00:00:01.042Z WARN worker=3 latency_ms=118 bytes=5120 path=/api/items`;
//! only its level, `bytes=` and `path=` matter here.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The whole process may not grow beyond this (peak resident set size).
pub const MEMORY_BUDGET: usize = 24 << 20;
/// The longest line accepted, in bytes (without its `\n`). A longer one
/// means the input is not a log — and a reader waiting for its end would
/// have to hold all of it.
pub const MAX_LINE: usize = 64 << 10;

// ANCHOR: summary
/// Traffic per path and lines per level, for a whole log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines, including malformed ones (a last line without `\n` counts).
    pub lines: u64,
    /// Lines that are not in the format.
    pub malformed: u64,
    /// Valid lines per level (`INFO`, `WARN`, …).
    pub levels: BTreeMap<String, u64>,
    /// Per path: (requests, total bytes).
    pub paths: BTreeMap<String, (u64, u64)>,
}
// ANCHOR_END: summary

impl Summary {
    /// Adds one line (without its `\n`).
    pub fn add_line(&mut self, line: &[u8]) {
        self.lines += 1;
        match parse(line) {
            Some((level, bytes, path)) => {
                *self.levels.entry(level.to_owned()).or_default() += 1;
                let entry = self.paths.entry(path.to_owned()).or_default();
                entry.0 += 1;
                entry.1 += bytes;
            }
            None => self.malformed += 1,
        }
    }

    /// Adds every line of `text`: lines end with `\n`, and a last line
    /// without one counts too. An empty `text` has no lines; `"\n"` has one, empty.
    ///
    /// `Err(start)` if the line starting at `start` (an index into `text`)
    /// is longer than [`MAX_LINE`]; the lines before it have been added.
    pub fn add_lines(&mut self, text: &[u8]) -> Result<(), usize> {
        if text.is_empty() {
            return Ok(());
        }
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let mut start = 0;
        for line in text.split(|&b| b == b'\n') {
            if line.len() > MAX_LINE {
                return Err(start);
            }
            self.add_line(line);
            start += line.len() + 1;
        }
        Ok(())
    }

    /// Adds what another part of the log counted.
    pub fn merge(&mut self, other: Summary) {
        self.lines += other.lines;
        self.malformed += other.malformed;
        for (level, n) in other.levels {
            *self.levels.entry(level).or_default() += n;
        }
        for (path, (requests, bytes)) in other.paths {
            let entry = self.paths.entry(path).or_default();
            entry.0 += requests;
            entry.1 += bytes;
        }
    }
}

/// `(level, bytes, path)` of a valid line.
fn parse(line: &[u8]) -> Option<(&str, u64, &str)> {
    let line = std::str::from_utf8(line).ok()?;
    let mut fields = line.split(' ');
    let (_time, level) = (fields.next()?, fields.next()?);
    let (_worker, _latency) = (fields.next()?, fields.next()?);
    let bytes = fields.next()?.strip_prefix("bytes=")?.parse().ok()?;
    let path = fields.next()?.strip_prefix("path=")?;
    let known = matches!(level, "DEBUG" | "INFO" | "WARN" | "ERROR");
    (known && fields.next().is_none()).then_some((level, bytes, path))
}

/// The whole log in memory, on one thread: what every version must equal.
pub fn summarize_in_memory(text: &[u8]) -> Result<Summary, StreamError> {
    let mut summary = Summary::default();
    match summary.add_lines(text) {
        Ok(()) => Ok(summary),
        Err(start) => Err(StreamError::LineTooLong { offset: start as u64, limit: MAX_LINE }),
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} lines, {} malformed", self.lines, self.malformed)?;
        for (level, n) in &self.levels {
            writeln!(f, "{level:<6} {n}")?;
        }
        for (path, (requests, bytes)) in &self.paths {
            writeln!(f, "{path:<16} {requests} requests, {bytes} bytes")?;
        }
        Ok(())
    }
}

// ANCHOR: error
/// Why a log could not be summarized.
#[derive(Debug)]
pub enum StreamError {
    /// Reading failed.
    Io(std::io::Error),
    /// A line longer than `limit` ([`MAX_LINE`]) bytes starts at byte
    /// `offset` of the input — the first such line.
    LineTooLong { offset: u64, limit: usize },
}
// ANCHOR_END: error

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "cannot read the log: {e}"),
            StreamError::LineTooLong { offset, limit } => {
                write!(f, "the line at byte {offset} is longer than {limit} bytes: is this a log?")
            }
        }
    }
}

impl std::error::Error for StreamError {}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> Self {
        StreamError::Io(e)
    }
}

/// The program's work: the summary of the log at `path`, streamed.
pub fn summarize_file(path: &Path) -> Result<Summary, StreamError> {
    crate::summarize_stream(std::fs::File::open(path)?)
}

/// `memory-budget FILE`: prints the summary, or the error on stderr (exit 1).
/// `memory-budget --measure FILE`: runs `memory-budget FILE` as a child,
/// then prints its peak memory on stderr as `peak_rss_bytes=N`.
pub fn main() -> std::process::ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    match &args[..] {
        [path] => summarize_and_print(Path::new(path)),
        [flag, path] if flag == "--measure" => measure(Path::new(path)),
        _ => {
            eprintln!("usage: memory-budget [--measure] FILE");
            std::process::ExitCode::from(2)
        }
    }
}

fn summarize_and_print(path: &Path) -> std::process::ExitCode {
    match summarize_file(path) {
        Ok(summary) => {
            print!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("memory-budget: {}: {e}", path.display());
            std::process::ExitCode::FAILURE
        }
    }
}

// ANCHOR: measure
/// Why a separate, small parent: a child started with `vfork` or
/// `posix_spawn` (as Rust's `Command` and Python's `subprocess` do) runs in
/// its parent's memory until `exec`, and Linux counts that memory's peak as
/// the new program's first `ru_maxrss`. A test process that once held
/// 100 MiB would see every child it starts "peak" at 100 MiB. This process
/// is small, so its child's count is the child's own.
fn measure(path: &Path) -> std::process::ExitCode {
    let exe = std::env::current_exe().expect("the program knows where it is");
    let child = match std::process::Command::new(exe).arg(path).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("memory-budget: cannot start the measured run: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    if waited != child.id() as libc::pid_t {
        eprintln!("memory-budget: wait4: {}", std::io::Error::last_os_error());
        return std::process::ExitCode::FAILURE;
    }
    // Linux counts ru_maxrss in KiB, macOS in bytes.
    let unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    eprintln!("peak_rss_bytes={}", usage.ru_maxrss as u64 * unit);
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if exited_ok { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}
// ANCHOR_END: measure
