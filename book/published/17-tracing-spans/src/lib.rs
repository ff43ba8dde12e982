//! Exercise 17 — structured logging with `tracing`. Read `book/src/ch05-errors-logging/tracing-spans.md`.
//!
//! Yours: [`traced_sum`], and the spans and events it emits — they are part
//! of its contract, checked by a subscriber in the tests.

/// Sums `data` on worker threads and tells a `tracing` subscriber what each
/// worker and each chunk did, and how long it took.
///
/// The model: cut `data` into chunks of `chunk_len` (`data.chunks`, the last
/// may be shorter); start `min(workers, chunks)` threads in
/// `std::thread::scope`; chunk `c` goes to worker `c % threads`, and each
/// worker does its chunks in increasing order. What it emits, all at level
/// INFO, with exactly these names and fields:
///
/// | where | what | fields |
/// |---|---|---|
/// | calling thread, first | event `"job started"` | `items` (data.len()), `workers` (threads started), `chunks` |
/// | each worker thread | span `worker`, around all its work | `worker` (its index); recorded before it closes: `chunks`, `items` (its totals), `elapsed_us` |
/// | inside the worker span | span `chunk`, one per chunk | `chunk` (the chunk's index in `data`), `items` (its length); recorded before it closes: `elapsed_us` |
/// | inside the chunk span | event `"chunk done"` | `sum` (the chunk's sum) |
/// | calling thread, last | event `"job done"` | `sum` (the total) |
///
/// A field recorded later must be declared when the span is made, as
/// `tracing::field::Empty`; `Span::record` ignores a field the span was not
/// made with. `elapsed_us` is a whole number of microseconds, a `u64`
/// (`Instant::elapsed().as_micros()` is a `u128`: convert it). A span entered
/// on one thread is not current on another: enter the worker span *in* its thread.
///
/// ```ignore
/// // 10 items, chunks of 4: chunks 0 and 2 on worker 0, chunk 1 on worker 1.
/// assert_eq!(traced_sum(&[1; 10], 2, 4), 10);
/// ```
///
/// # Panics
///
/// Panics with a message naming `workers` when `workers == 0`, and naming
/// `chunk_len` when `chunk_len == 0`.
pub fn traced_sum(data: &[u32], workers: usize, chunk_len: usize) -> u64 {
    todo!("a worker span per thread, a chunk span per chunk, the events of the table")
}
