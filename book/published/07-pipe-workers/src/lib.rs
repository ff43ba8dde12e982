//! Exercise 07 — worker processes over pipes. Read `book/src/ch03-processes/pipe-workers.md`.
//!
//! A frame is a 4-byte little-endian length followed by that many bytes.
//! Given: the error types (`src/errors.rs`) and the worker side
//! (`src/worker.rs`, run by `src/main.rs`). Yours: the three functions below.

use std::io::{self, Read, Write};
use std::path::Path;

mod errors;
pub mod worker;

pub use errors::{FrameError, WorkerError};
pub use worker::work;

/// The largest payload a frame may carry: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

/// Writes `payload` as one frame: its length as a little-endian `u32`, then the bytes.
///
/// # Errors
///
/// The writer's errors; an `InvalidInput` error when the payload is longer
/// than `u32::MAX` bytes.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    todo!("write the length header, then the payload")
}

/// Reads one frame of at most `limit` bytes.
///
/// The model: read the 4-byte header, check the announced length against
/// `limit` *before* allocating anything, then read exactly that many bytes.
/// `Ok(None)` means the input ended cleanly, between two frames.
///
/// # Errors
///
/// [`FrameError::TooLong`] when the header announces more than `limit`
/// bytes; [`FrameError::Truncated`] when the input ends inside a header or a
/// payload, with how many bytes did arrive (count them yourself: `read_exact`
/// cannot tell you); [`FrameError::Io`] when the reader fails.
pub fn read_frame(r: &mut impl Read, limit: usize) -> Result<Option<Vec<u8>>, FrameError> {
    todo!("read the header, check the limit, read the payload")
}

/// Runs every job through worker processes and returns the results in input order.
///
/// The model: start `min(workers, jobs.len())` processes of `program` with
/// `args`, stdin and stdout piped. Job `i` goes to worker `i % count`, as a
/// frame on its stdin; each worker answers its jobs in the order it got them,
/// one result frame per job on its stdout. Close a worker's stdin when its
/// jobs are sent: that is how it knows to exit.
///
/// A pipe holds only about 64 KiB: if you write all jobs before reading any
/// result, a worker blocks writing its results and you block writing its
/// jobs. Feed and drain each worker at the same time (a writer and a reader
/// thread per worker, in `std::thread::scope`).
///
/// Every process started is waited for before this returns — on success and
/// on error — so none is left behind, not even as a zombie.
///
/// ```ignore
/// let out = run_workers(Path::new("target/release/pipe-worker"), &[], 2, &[b"ab".to_vec()])?;
/// assert_eq!(out, vec![b"cb".to_vec()]);
/// ```
///
/// # Errors
///
/// A [`WorkerError`] naming the worker when one cannot be started, exits
/// with a non-zero status, sends a malformed frame or stops before answering
/// all its jobs. Its `reason` is for a person and must carry the facts: the
/// exit status as `ExitStatus` displays it (`exit status: 7`, whenever it is
/// not a success, even if the worker also stopped early) and the
/// [`FrameError`] as it displays itself (`frame too long: …`).
///
/// # Panics
///
/// Panics with a message naming `workers` when `workers == 0`.
pub fn run_workers(
    program: &Path,
    args: &[&str],
    workers: usize,
    jobs: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, WorkerError> {
    todo!("start the pool, feed and drain each child, wait for every one")
}
