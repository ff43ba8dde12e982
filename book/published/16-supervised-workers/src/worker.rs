//! The worker side (given): `src/main.rs` runs [`main`]; your `supervise`
//! starts that program and talks to it over its stdin and stdout, one text
//! line per message.
//!
//! | direction | line | meaning |
//! |---|---|---|
//! | to the worker | `{id} {value}` | a record of the current batch |
//! | to the worker | `end` | the batch is complete |
//! | from the worker | `{id} {result}` | `result` is [`work`]`(value)` |
//! | from the worker | `end` | every record of the batch was answered |
//!
//! The worker answers each record as soon as it reads it, and flushes every
//! line. It exits with status 0 when its stdin ends.
//!
//! Fault injection (the tests use it): with `--crash-after N` the worker
//! answers N records, then, when the next record arrives, writes half of its
//! answer — a torn line, without its `\n` — and kills itself with SIGKILL.
//! A restarted worker gets its own arguments, so it may crash at another point, or not at all.
//! With `--meet DIR N`, when its first record arrives the worker creates
//! `DIR/<pid>` and waits (at most 3 s) until `DIR` holds N files — N workers
//! have had a record to work on — and exits with status 3 if they never come:
//! the tests use it to prove the slots work at the same time.
//! With `--quit-after N`, when the N-th batch's `end` arrives the worker
//! closes its stdin, answers that `end`, and exits with status 0: it quits
//! between two batches, and the next batch written to it meets a closed pipe
//! (EPIPE, a broken pipe). With `--log FILE`, the worker appends a line with
//! the ids of each batch to `FILE` when its `end` arrives, so a test can see
//! how the records were cut into batches.

use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

// ANCHOR: work
/// The work for one record: cheap and deterministic, so any answer can be checked.
pub fn work(value: u64) -> u64 {
    (value ^ 0x5DEE_CE66_D1CE_4E5B).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}
// ANCHOR_END: work

/// What the tests make a worker do (see the module's documentation).
#[derive(Debug, Default)]
pub struct Faults<'a> {
    /// Die at the record after this many answers.
    pub crash_after: Option<usize>,
    /// Wait with the first record until the folder holds this many files.
    pub meet: Option<(&'a Path, usize)>,
    /// Quit after answering this many batches.
    pub quit_after: Option<usize>,
    /// Append the ids of each batch to this file.
    pub log: Option<&'a Path>,
}

/// The longest line a worker reads: a record is two numbers. A longer line
/// is refused without being held in memory, or echoed whole.
pub const MAX_LINE: usize = 4096;

/// Serves batches from `input` until it ends, misbehaving as `faults` say.
pub fn serve(mut input: impl BufRead, mut output: impl Write, faults: Faults<'_>) -> io::Result<()> {
    let Faults { crash_after, mut meet, quit_after, log } = faults;
    let (mut answered, mut batches, mut batch) = (0, 0, Vec::new());
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if input.by_ref().take(MAX_LINE as u64 + 1).read_until(b'\n', &mut bytes)? == 0 {
            return Ok(());
        }
        if bytes.pop_if(|b| *b == b'\n').is_none() && bytes.len() > MAX_LINE {
            let e = format!("a line of more than {MAX_LINE} bytes: {}", shown(&String::from_utf8_lossy(&bytes)));
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        bytes.pop_if(|b| *b == b'\r');
        let line = String::from_utf8_lossy(&bytes);
        if line == "end" {
            batches += 1;
            let ids: Vec<String> = batch.drain(..).map(|id: u64| id.to_string()).collect();
            if let Some(log) = log {
                let mut file = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
                file.write_all(format!("{}\n", ids.join(" ")).as_bytes())?;
            }
            if quit_after == Some(batches) {
                hang_up();
                output.write_all(b"end\n")?;
                output.flush()?;
                return Ok(());
            }
            output.write_all(b"end\n")?;
            output.flush()?;
            continue;
        }
        let record = line.split_once(' ').and_then(|(id, value)| Some((id.parse::<u64>().ok()?, value.parse().ok()?)));
        let Some((id, value)) = record else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("not a record: {}", shown(&line))));
        };
        batch.push(id);
        if let Some((dir, n)) = meet.take()
            && !met(dir, n)
        {
            eprintln!(
                "record-worker {}: waited 3 s in {} for {n} workers; they never came",
                std::process::id(),
                dir.display()
            );
            std::process::exit(3);
        }
        let answer = format!("{id} {}\n", work(value));
        if crash_after == Some(answered) {
            output.write_all(&answer.as_bytes()[..answer.len() / 2])?;
            output.flush()?;
            die();
        }
        output.write_all(answer.as_bytes())?;
        output.flush()?;
        answered += 1;
    }
}

/// Closes this process's stdin, its only reader: from now on a write to the
/// pipe fails with EPIPE. Nothing reads stdin after this.
fn hang_up() {
    // SAFETY: close(2) of fd 0, which nothing in this process uses again.
    unsafe {
        libc::close(libc::STDIN_FILENO);
    }
}

/// Ends this process at once, as a crash would: no destructors, no flushing, no exit status of its own.
fn die() -> ! {
    // SAFETY: kill(2) with our own pid and a valid signal number; it has no memory-safety preconditions.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    unreachable!("SIGKILL cannot be caught");
}

/// `main` of the worker program:
/// `record-worker [--crash-after N] [--meet DIR N] [--quit-after N] [--log FILE]`.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut crash_after, mut meet, mut quit_after, mut log) = (None, None, None, None);
    let mut rest = args.as_slice();
    while !rest.is_empty() {
        match rest {
            [flag, n, tail @ ..] if flag == "--crash-after" || flag == "--quit-after" => {
                let Ok(n) = n.parse() else { return usage(&args) };
                *(if flag == "--crash-after" { &mut crash_after } else { &mut quit_after }) = Some(n);
                rest = tail;
            }
            [flag, dir, n, tail @ ..] if flag == "--meet" => {
                let Ok(n) = n.parse::<usize>() else { return usage(&args) };
                meet = Some((dir.clone(), n));
                rest = tail;
            }
            [flag, file, tail @ ..] if flag == "--log" => {
                log = Some(file.clone());
                rest = tail;
            }
            _ => return usage(&args),
        }
    }
    let (stdin, stdout) = (io::stdin().lock(), io::stdout().lock());
    let meet = meet.as_ref().map(|(dir, n)| (Path::new(dir.as_str()), *n));
    let faults = Faults { crash_after, meet, quit_after, log: log.as_deref().map(Path::new) };
    match serve(stdin, stdout, faults) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record-worker {}: {e}", std::process::id());
            ExitCode::from(101)
        }
    }
}

/// At most 80 bytes of what a peer sent, quoted, cut at a character boundary.
fn shown(text: &str) -> String {
    match text.char_indices().map(|(i, _)| i).find(|&i| i > 80) {
        Some(cut) => format!("{:?}… ({} bytes)", &text[..cut], text.len()),
        None => format!("{text:?}"),
    }
}

/// `--meet DIR N`: whether N workers reached this point within 3 s.
fn met(dir: &Path, n: usize) -> bool {
    if std::fs::write(dir.join(std::process::id().to_string()), b"").is_err() {
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if std::fs::read_dir(dir).map_or(0, |d| d.count()) >= n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn usage(args: &[String]) -> ExitCode {
    eprintln!("usage: record-worker [--crash-after N] [--meet DIR N] [--quit-after N] [--log FILE]; got {args:?}");
    ExitCode::from(2)
}
