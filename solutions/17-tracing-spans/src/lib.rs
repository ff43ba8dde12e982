//! Reference solution of exercise 17 — structured logging with `tracing`.

use std::time::Instant;

use tracing::field::Empty;
use tracing::{info, info_span};

// ANCHOR: traced_sum
/// Sums `data` on worker threads and tells a `tracing` subscriber what each
/// worker and each chunk did, and how long it took.
pub fn traced_sum(data: &[u32], workers: usize, chunk_len: usize) -> u64 {
    assert!(workers > 0, "traced_sum needs at least one worker (workers == 0)");
    assert!(chunk_len > 0, "traced_sum needs chunks of at least one item (chunk_len == 0)");
    let chunks: Vec<&[u32]> = data.chunks(chunk_len).collect();
    let threads = workers.min(chunks.len());
    info!(items = data.len(), workers = threads, chunks = chunks.len(), "job started");
    let total = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|worker| {
                let chunks = &chunks;
                s.spawn(move || run_worker(worker, threads, chunks))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a worker panicked")).sum()
    });
    info!(sum = total, "job done");
    total
}
// ANCHOR_END: traced_sum

// ANCHOR: spans
/// One worker thread: its span is made and entered here, on its own thread.
fn run_worker(worker: usize, threads: usize, chunks: &[&[u32]]) -> u64 {
    let span = info_span!("worker", worker, chunks = Empty, items = Empty, elapsed_us = Empty);
    let _entered = span.enter();
    let start = Instant::now();
    let (mut sum, mut done, mut items) = (0, 0, 0);
    for (index, chunk) in chunks.iter().enumerate().skip(worker).step_by(threads) {
        sum += sum_chunk(index, chunk);
        done += 1;
        items += chunk.len();
    }
    span.record("chunks", done).record("items", items).record("elapsed_us", micros(start));
    sum
}

/// One chunk, in its own span inside the worker's.
fn sum_chunk(index: usize, chunk: &[u32]) -> u64 {
    let span = info_span!("chunk", chunk = index, items = chunk.len(), elapsed_us = Empty);
    let _entered = span.enter();
    let start = Instant::now();
    let sum: u64 = chunk.iter().map(|&x| u64::from(x)).sum();
    span.record("elapsed_us", micros(start));
    info!(sum, "chunk done");
    sum
}

fn micros(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX)
}
// ANCHOR_END: spans
