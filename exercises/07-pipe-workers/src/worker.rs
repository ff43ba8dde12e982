// ANCHOR: protocol
//! The worker side (given): read job frames on stdin, answer each with a
//! result frame on stdout, stop at the end of the input. `src/main.rs` runs
//! [`serve_stdio`]; your `run_workers` starts that program.
//!
//! A job is any bytes; its result is [`work`] of them. Jobs that start with
//! `!` are commands the tests use to make a worker misbehave:
//!
//! | job | the worker… |
//! |---|---|
//! | `!pid` | answers with its process id, in decimal |
//! | `!barrier DIR N` | creates `DIR/<pid>`, waits (at most 3 s) until `DIR` holds N files, answers `met` or `alone` |
//! | `!quit` | exits at once with status 0, without answering |
//! | `!exit N` | exits at once with status N, without answering |
//! | `!fail-at-end N` | answers normally, then exits with status N when its input ends |
//! | `!garbage` | writes a frame header announcing 4 GiB, then carries on |
//!
//! One option, for the tests too: with `--record DIR` the worker creates
//! `DIR/<pid>` as it starts, so a test can count the processes started.
// ANCHOR_END: protocol

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use crate::{FrameError, MAX_FRAME, read_frame, write_frame};

/// The work a worker does for one job: the bytes reversed, each plus one.
pub fn work(job: &[u8]) -> Vec<u8> {
    job.iter().rev().map(|b| b.wrapping_add(1)).collect()
}

/// Serves jobs from `input` until it ends; returns the exit status to use.
pub fn serve(input: impl Read, output: impl Write) -> Result<u8, FrameError> {
    let (mut input, mut output) = (BufReader::with_capacity(1 << 16, input), BufWriter::with_capacity(1 << 16, output));
    let mut status_at_end = 0;
    while let Some(job) = read_frame(&mut input, MAX_FRAME)? {
        if let Some(answer) = barrier(&job) {
            write_frame(&mut output, answer)?;
            output.flush()?;
            continue;
        }
        match command(&job) {
            Some(("!pid", _)) => write_frame(&mut output, std::process::id().to_string().as_bytes())?,
            Some(("!quit", _)) => {
                output.flush()?;
                std::process::exit(0);
            }
            Some(("!exit", Some(status))) => {
                output.flush()?;
                std::process::exit(i32::from(status));
            }
            Some(("!garbage", _)) => {
                output.write_all(&0xFFFF_FFF0u32.to_le_bytes())?;
                output.write_all(b"xyz")?;
            }
            other => {
                if let Some(("!fail-at-end", Some(status))) = other {
                    status_at_end = status;
                }
                write_frame(&mut output, &work(&job))?;
            }
        }
        // Answer each job as soon as it is done: the coordinator may be waiting for it.
        output.flush()?;
    }
    output.flush()?;
    Ok(status_at_end)
}

/// A test command (`!name` or `!name N`), or `None` for a plain job.
fn command(job: &[u8]) -> Option<(&str, Option<u8>)> {
    if job.first() != Some(&b'!') || job.len() > 32 {
        return None;
    }
    let text = std::str::from_utf8(job).ok()?;
    let (name, number) = text.split_once(' ').map_or((text, None), |(name, n)| (name, n.trim().parse().ok()));
    Some((name, number))
}

/// `!barrier DIR N`: whether N workers reached the barrier within 3 s.
fn barrier(job: &[u8]) -> Option<&'static [u8]> {
    let text = std::str::from_utf8(job.strip_prefix(b"!barrier ")?).ok()?;
    let (dir, n) = text.rsplit_once(' ')?;
    let n: usize = n.parse().ok()?;
    std::fs::write(std::path::Path::new(dir).join(std::process::id().to_string()), b"").ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < deadline {
        if std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0) >= n {
            return Some(b"met");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Some(b"alone")
}

/// `main` of the worker program: `pipe-worker [--record DIR]`.
pub fn serve_stdio() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [flag, dir] if flag == "--record" => {
            if let Err(e) = std::fs::write(std::path::Path::new(dir).join(std::process::id().to_string()), b"") {
                eprintln!("worker {}: --record {dir}: {e}", std::process::id());
                return ExitCode::from(2);
            }
        }
        _ => {
            eprintln!("usage: pipe-worker [--record DIR]; got {args:?}");
            return ExitCode::from(2);
        }
    }
    // The raw file descriptors: `io::stdout()` is line-buffered, which would
    // cut binary frames into many small writes at every `\n` byte.
    let raw = |fd: std::os::fd::BorrowedFd<'_>| fd.try_clone_to_owned().map(File::from);
    let (input, output) = match (raw(io::stdin().as_fd()), raw(io::stdout().as_fd())) {
        (Ok(input), Ok(output)) => (input, output),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("worker {}: cannot use stdin/stdout: {e}", std::process::id());
            return ExitCode::from(101);
        }
    };
    match serve(input, output) {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("worker {}: {e}", std::process::id());
            ExitCode::from(101)
        }
    }
}
