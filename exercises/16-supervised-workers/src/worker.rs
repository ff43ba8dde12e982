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

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

// ANCHOR: work
/// The work for one record: cheap and deterministic, so any answer can be checked.
pub fn work(value: u64) -> u64 {
    (value ^ 0x5DEE_CE66_D1CE_4E5B).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}
// ANCHOR_END: work

/// Serves batches from `input` until it ends; dies at the `crash_after`-th
/// record if told to; waits at `meet` with its first record.
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    crash_after: Option<usize>,
    mut meet: Option<(&Path, usize)>,
) -> io::Result<()> {
    let mut answered = 0;
    for line in input.lines() {
        let line = line?;
        if line == "end" {
            output.write_all(b"end\n")?;
            output.flush()?;
            continue;
        }
        let record = line.split_once(' ').and_then(|(id, value)| Some((id.parse::<u64>().ok()?, value.parse().ok()?)));
        let Some((id, value)) = record else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("not a record: {line:?}")));
        };
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
    Ok(())
}

/// Ends this process at once, as a crash would: no destructors, no flushing, no exit status of its own.
fn die() -> ! {
    // SAFETY: kill(2) with our own pid and a valid signal number; it has no memory-safety preconditions.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    unreachable!("SIGKILL cannot be caught");
}

/// `main` of the worker program: `record-worker [--crash-after N] [--meet DIR N]`.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut crash_after, mut meet) = (None, None);
    let mut rest = args.as_slice();
    while !rest.is_empty() {
        match rest {
            [flag, n, tail @ ..] if flag == "--crash-after" => {
                let Ok(n) = n.parse() else { return usage(&args) };
                crash_after = Some(n);
                rest = tail;
            }
            [flag, dir, n, tail @ ..] if flag == "--meet" => {
                let Ok(n) = n.parse::<usize>() else { return usage(&args) };
                meet = Some((dir.clone(), n));
                rest = tail;
            }
            _ => return usage(&args),
        }
    }
    let (stdin, stdout) = (io::stdin().lock(), io::stdout().lock());
    let meet = meet.as_ref().map(|(dir, n)| (Path::new(dir.as_str()), *n));
    match serve(stdin, stdout, crash_after, meet) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record-worker {}: {e}", std::process::id());
            ExitCode::from(101)
        }
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
    eprintln!("usage: record-worker [--crash-after N] [--meet DIR N]; got {args:?}");
    ExitCode::from(2)
}
