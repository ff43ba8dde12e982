//! Exercise 09 — shared memory. Read `book/src/ch03-processes/shared-memory.md`.
//!
//! Every task fills bytes with [`pattern`]: `out[i] == pattern(i)`.
//! Given: [`pattern`] and [`WorkerError`] (`src/given.rs`), and the worker program
//! (`src/worker.rs`, run by `src/main.rs`). Yours: the three functions below.

use std::io;
use std::path::Path;

pub mod worker;

mod given;
pub use given::{WorkerError, pattern};

/// Fills `out` with `out[i] = pattern(i)` on `threads` scoped threads, each
/// writing its own contiguous region.
///
/// The model: cut `out` into `threads` disjoint `&mut` slices (their lengths
/// differ by at most one), and give each thread one, with the offset where
/// it starts. Disjoint `&mut` slices are how safe Rust lets threads write
/// one buffer at the same time: no locks, no copies.
///
/// # Panics
///
/// Panics with a message naming `threads` when `threads == 0`.
pub fn fill_with_threads(out: &mut [u8], threads: usize) {
    todo!("split the buffer into disjoint regions and fill each on its own thread")
}

/// Fills bytes `start..end` of the file at `path` with `pattern`, through a
/// shared memory map of just that region.
///
/// The model: open the file for reading and writing, map `end - start`
/// bytes from offset `start` with `memmap2::MmapOptions` (`map_mut`: a
/// shared, writable mapping) and fill it. Other processes see the bytes as
/// soon as they are written; `flush` would also force them to disk, which
/// this task does not need. Mapping is `unsafe`:
/// write the `// SAFETY:` comment that says why no one else can change
/// those bytes while you hold the map. An empty region maps nothing.
///
/// # Errors
///
/// Opening or mapping fails (no such file, no permission…). A region past
/// the end of the file is not caught by mapping: the first write to it
/// kills the process with `SIGBUS`, which is why the coordinator sets the
/// length first.
pub fn fill_region_of_file(path: &Path, start: u64, end: u64) -> io::Result<()> {
    todo!("map the region shared and writable, and fill it")
}

/// Creates the file at `path`, `len` bytes long, filled with `pattern` by
/// worker processes that write disjoint regions through shared memory maps.
///
/// The model: create (or truncate) the file and set its length to `len`;
/// cut `0..len` into `workers` balanced regions; start one process per
/// non-empty region, as `program ARGS… PATH START END`; wait for all of
/// them. Every worker is waited for, even when one fails.
///
/// # Errors
///
/// A [`WorkerError`] naming the worker that could not be started or exited
/// with a non-zero status (`worker: 0` when the file itself cannot be made);
/// its `reason` gives the exit status as `ExitStatus` displays it
/// (`exit status: 9`).
///
/// # Panics
///
/// Panics with a message naming `workers` when `workers == 0`.
pub fn fill_file_with_processes(
    path: &Path,
    len: u64,
    workers: usize,
    program: &Path,
    args: &[&str],
) -> Result<(), WorkerError> {
    todo!("size the file, start a worker per region, wait for them all")
}
