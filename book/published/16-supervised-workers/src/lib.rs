//! Exercise 16 — supervised worker processes. Read `book/src/ch05-errors-logging/supervised-workers.md`.
//!
//! Given: the types (`src/given.rs`) and the worker side (`src/worker.rs`,
//! run by `src/main.rs`). Yours: [`supervise`].

use std::path::Path;

mod given;
pub mod worker;

pub use given::{BATCH, Record, Report, SuperviseError};
pub use worker::work;

/// Runs every record through worker processes that may crash, restarts the
/// ones that do, and returns every record's result exactly once.
///
/// The model: cut `records` into batches of [`BATCH`] consecutive records.
/// Start `min(workers, batches)` *slots*, each a thread (in
/// `std::thread::scope`) that owns one worker process of `program`, with
/// stdin and stdout piped and arguments `args(slot, launch)` — `launch` is 0
/// for the slot's first worker, 1 for its first restart, and so on. A slot
/// takes the next batch not yet taken by any slot, sends its records as
/// `{id} {value}` lines and then `end`, and reads the answers until the
/// worker's `end` line (the protocol is in `src/worker.rs`; a batch is far
/// smaller than a pipe's buffer, so writing it whole before reading is safe).
///
/// A worker dies when its stdout ends before `end`. A line without its
/// `\n` is torn — the worker died while writing it — and is not a result.
/// Then the slot waits for the dead process (no zombie), starts a new one
/// and sends it the **same batch again**, whole: delivery is *at least
/// once*. Answers that arrived before the crash are kept, so some ids come
/// back twice; keep one result per id. A slot may restart its worker
/// `max_restarts` times; when it dies once more, the run fails.
///
/// When the batches run out, each slot closes its worker's stdin (the
/// worker then exits) and waits for it. On every path out of this function,
/// every process started has been waited for.
///
/// ```ignore
/// let records: Vec<Record> = (0..20).map(|id| Record { id, value: id * 7 }).collect();
/// let report = supervise(Path::new("target/release/record-worker"), 2, &|_, _| vec![], &records, 3)?;
/// assert_eq!(report.results[5], (5, work(35)));
/// assert_eq!(report.restarts, 0);
/// ```
///
/// # Errors
///
/// [`SuperviseError::Spawn`] when a worker cannot be started;
/// [`SuperviseError::GaveUp`] when a slot's worker dies after `max_restarts`
/// restarts, with the last worker's exit status as `ExitStatus` displays it.
/// When several slots fail, the error is the lowest slot's. Once one slot
/// has failed, the others take no new batch: they finish the one they hold,
/// stop their workers, wait for them, and the run returns the error.
///
/// # Panics
///
/// Panics with a message naming `workers` when `workers == 0`.
pub fn supervise(
    program: &Path,
    workers: usize,
    args: &(dyn Fn(usize, usize) -> Vec<String> + Sync),
    records: &[Record],
    max_restarts: usize,
) -> Result<Report, SuperviseError> {
    todo!("one thread per slot: start a worker, feed it batches, restart it when it dies, keep one result per id")
}
