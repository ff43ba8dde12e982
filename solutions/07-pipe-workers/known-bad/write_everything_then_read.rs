//! expect: timed-out
//! Writes all of a worker's jobs before reading any result: with jobs larger than a pipe holds,
//! the worker blocks writing results nobody reads, and the coordinator blocks writing jobs.

use std::io::{self, Read, Write};
use std::path::Path;

mod errors;
pub mod worker;

pub use errors::{FrameError, WorkerError};
pub use worker::work;

/// The largest payload a frame may carry: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

use std::io::BufReader;
use std::process::{Command, Stdio};

pub fn run_workers(
    program: &Path,
    args: &[&str],
    workers: usize,
    jobs: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, WorkerError> {
    assert!(workers > 0, "workers must be at least 1");
    let count = workers.min(jobs.len());
    let mut results = vec![Vec::new(); jobs.len()];
    let mut children = Vec::new();
    for k in 0..count {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| WorkerError { worker: k, reason: format!("cannot start: {e}") })?;
        let mut stdin = child.stdin.take().expect("piped");
        for job in jobs.iter().skip(k).step_by(count) {
            write_frame(&mut stdin, job).map_err(|e| WorkerError { worker: k, reason: e.to_string() })?;
        }
        drop(stdin);
        children.push(child);
    }
    for (k, child) in children.iter_mut().enumerate() {
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        for i in (k..jobs.len()).step_by(count) {
            results[i] = read_frame(&mut out, MAX_FRAME)
                .map_err(|e| WorkerError { worker: k, reason: e.to_string() })?
                .ok_or_else(|| WorkerError { worker: k, reason: "stopped early".into() })?;
        }
        let status = child.wait().map_err(|e| WorkerError { worker: k, reason: e.to_string() })?;
        if !status.success() {
            return Err(WorkerError { worker: k, reason: format!("exited with {status}") });
        }
    }
    Ok(results)
}
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
