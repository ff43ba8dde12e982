//! expect: tests-failed
//! On a bad answer it returns at once: the workers are never waited for and stay behind as zombies.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

mod errors;
pub mod worker;

pub use errors::{FrameError, WorkerError};
pub use worker::work;

/// The largest payload a frame may carry: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

/// Writes `payload` as one frame: its length as a little-endian `u32`, then the bytes.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a frame carries at most u32::MAX bytes"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(payload)
}

/// Reads one frame of at most `limit` bytes; `Ok(None)` at a clean end of input.
pub fn read_frame(r: &mut impl Read, limit: usize) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0; 4];
    match read_full(r, &mut header)? {
        0 => return Ok(None),
        4 => {}
        got => return Err(FrameError::Truncated { expected: 4, got }),
    }
    let len = u32::from_le_bytes(header) as usize;
    // Check before allocating: the length comes from the other side.
    if len > limit {
        return Err(FrameError::TooLong { len, limit });
    }
    let mut payload = vec![0; len];
    match read_full(r, &mut payload)? {
        got if got == len => Ok(Some(payload)),
        got => Err(FrameError::Truncated { expected: len, got }),
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Runs every job through worker processes and returns the results in input order.
pub fn run_workers(program: &Path, args: &[&str], workers: usize, jobs: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, WorkerError> {
    assert!(workers > 0, "run_workers needs at least one worker (workers == 0)");
    let count = workers.min(jobs.len());
    let mut children: Vec<Child> = Vec::with_capacity(count);
    for k in 0..count {
        let spawned = Command::new(program).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(e) => {
                for child in &mut children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(WorkerError { worker: k, reason: format!("cannot start {}: {e}", program.display()) });
            }
        }
    }
    let answers: Vec<Result<Vec<Vec<u8>>, String>> = std::thread::scope(|s| {
        let mut readers = Vec::with_capacity(count);
        for (k, child) in children.iter_mut().enumerate() {
            let (stdin, stdout) = (child.stdin.take().expect("piped"), child.stdout.take().expect("piped"));
            let mine: Vec<&[u8]> = jobs.iter().skip(k).step_by(count).map(Vec::as_slice).collect();
            let expected = mine.len();
            // Feed and drain at the same time: a pipe holds ~64 KiB, so writing
            // every job before reading would block both sides.
            s.spawn(move || {
                let mut w = BufWriter::new(stdin);
                for job in mine {
                    if write_frame(&mut w, job).is_err() {
                        break; // the worker is gone; its reader and exit status say why
                    }
                }
                let _ = w.flush();
                // Dropping `w` closes the worker's stdin: its signal to finish.
            });
            readers.push(s.spawn(move || read_answers(BufReader::new(stdout), expected)));
        }
        readers.into_iter().map(|h| h.join().expect("a reader thread panicked")).collect()
    });
    let mut per_worker = Vec::with_capacity(count);
    for (k, answer) in answers.into_iter().enumerate() {
        if let Err(problem) = &answer {
            return Err(WorkerError { worker: k, reason: problem.clone() }); // the children are never waited for
        }
        let status = children[k].wait().map_err(|e| WorkerError { worker: k, reason: format!("cannot wait for it: {e}") })?;
        match answer {
            Ok(results) if status.success() => per_worker.push(results),
            Ok(_) => return Err(WorkerError { worker: k, reason: format!("exited with {status}") }),
            Err(problem) => return Err(WorkerError { worker: k, reason: format!("{problem} ({status})") }),
        }
    }
    // Worker k answered jobs k, k + count, k + 2·count, … in that order.
    let mut results = vec![Vec::new(); jobs.len()];
    for (k, answers) in per_worker.into_iter().enumerate() {
        for (i, answer) in answers.into_iter().enumerate() {
            results[k + i * count] = answer;
        }
    }
    Ok(results)
}

/// Reads `expected` result frames; on a problem, drains the rest so the
/// worker never blocks on a full pipe.
fn read_answers(mut r: impl Read, expected: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut answers = Vec::with_capacity(expected);
    let problem = loop {
        if answers.len() == expected {
            return Ok(answers);
        }
        match read_frame(&mut r, MAX_FRAME) {
            Ok(Some(answer)) => answers.push(answer),
            Ok(None) => break format!("stopped after {} of {expected} results", answers.len()),
            Err(e) => break format!("sent a malformed frame: {e}"),
        }
    };
    let _ = io::copy(&mut r, &mut io::sink());
    Err(problem)
}
