//! Exercise 20-memory-budget — summarize a log several times larger than the
//! memory you may use, in parallel. Read `book/src/ch06-resource-tuning/memory-budget.md`.
//!
//! The summary, how a line adds to it, the error type and the program are
//! given in `given.rs`.

pub mod given;

use std::io::Read;

pub use given::{MAX_LINE, MEMORY_BUDGET, StreamError, Summary};

/// Bytes read from the input at a time.
pub const BLOCK: usize = 1 << 20;
/// Buffers that may exist at once — being filled, queued, or being summarized.
pub const BUFFERS: usize = 4;

// ANCHOR: stub
/// The summary of the log `reader` yields, equal to
/// `given::summarize_in_memory` of all its bytes, in at most
/// `BUFFERS × (BLOCK + MAX_LINE)` bytes of buffers, on all cores.
///
/// The model: this thread reads blocks of `BLOCK` bytes into buffers and
/// sends them, with the byte offset where each starts, over a bounded
/// channel to one worker per core; each worker summarizes whole lines
/// (`Summary::add_lines`) into its own `Summary` and sends the emptied buffer
/// back for reuse. A block rarely ends at a line's end: cut it after its last
/// `\n` and carry the rest to the front of the next buffer. At most `BUFFERS`
/// buffers ever exist: when all are in use, the reader waits for one to come
/// back. At the end, merge the workers' summaries.
///
/// # Errors
///
/// `StreamError::Io` if reading fails. `StreamError::LineTooLong` with the
/// byte offset (in the whole input) of the first line longer than
/// `MAX_LINE`: a worker finds one inside its block (`add_lines` says where),
/// the reader one whose carried start already exceeds `MAX_LINE` — it stops
/// reading there, without waiting for the line's end.
pub fn summarize_stream<R: Read>(reader: R) -> Result<Summary, StreamError> {
    todo!("a reader, BUFFERS buffers going round, one worker per core")
}
// ANCHOR_END: stub
