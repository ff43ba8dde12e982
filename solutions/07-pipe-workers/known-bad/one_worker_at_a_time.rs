//! expect: tests-failed
//! Sequential in disguise: starts a worker, feeds and drains it, waits for it, and only then starts the next.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

mod errors;
pub mod worker;

pub use errors::{FrameError, WorkerError};
pub use worker::work;

/// The largest payload a frame may carry: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too long"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(payload)
}

pub fn read_frame(r: &mut impl Read, limit: usize) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0; 4];
    let got = read_full(r, &mut header)?;
    match got {
        0 => return Ok(None),
        4 => {}
        got => return Err(FrameError::Truncated { expected: 4, got }),
    }
    let len = u32::from_le_bytes(header) as usize;
    if len > limit {
        return Err(FrameError::TooLong { len, limit });
    }
    let mut payload = vec![0; len];
    match read_full(r, &mut payload)? {
        got if got == len => Ok(Some(payload)),
        got => Err(FrameError::Truncated { expected: len, got }),
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

pub fn run_workers(program: &Path, args: &[&str], workers: usize, jobs: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, WorkerError> {
    assert!(workers > 0, "workers must be at least 1");
    let count = workers.min(jobs.len());
    let mut results = vec![Vec::new(); jobs.len()];
    let failed = |worker, reason: String| WorkerError { worker, reason };
    for k in 0..count {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| failed(k, format!("cannot start: {e}")))?;
        let (stdin, stdout) = (child.stdin.take().expect("piped"), child.stdout.take().expect("piped"));
        let mine: Vec<&Vec<u8>> = jobs.iter().skip(k).step_by(count).collect();
        let answers = std::thread::scope(|s| {
            s.spawn(move || {
                let mut w = BufWriter::new(stdin);
                for job in mine {
                    if write_frame(&mut w, job).is_err() {
                        break;
                    }
                }
            });
            let mut r = BufReader::new(stdout);
            let mut answers = Vec::new();
            while let Ok(Some(answer)) = read_frame(&mut r, MAX_FRAME) {
                answers.push(answer);
            }
            answers
        });
        let status = child.wait().map_err(|e| failed(k, e.to_string()))?;
        if !status.success() {
            return Err(failed(k, format!("exited with {status}")));
        }
        for (i, answer) in answers.into_iter().enumerate() {
            results[k + i * count] = answer;
        }
    }
    Ok(results)
}
