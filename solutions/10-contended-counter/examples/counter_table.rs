//! The contended-counter table of chapter 4: nanoseconds per increment for
//! each way of counting, on 1 thread and on every core, measured in one run.
//!
//! `cargo run --release -p contended-counter-solution --example counter_table`

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use contended_counter::given::{AtomicCounter, MutexCounter};
use contended_counter::{Counter, ShardedCounter};

/// Shards side by side: eight to a 64-byte cache line.
struct UnpaddedCounter(Box<[AtomicU64]>);

impl Counter for UnpaddedCounter {
    fn increment(&self, thread: usize) {
        self.0[thread % self.0.len()].fetch_add(1, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.0.iter().map(|s| s.load(Ordering::Relaxed)).sum()
    }
}

// Long enough (tens of ms) that an idle core has woken up and both threads overlap.
const PER_THREAD: u64 = 20_000_000;

/// Wall-clock nanoseconds per increment, median of five runs. The threads
/// start together at a barrier: counting contention needs them to overlap
/// (and the best of several runs would favour one where they did not).
fn per_increment(threads: usize, count: impl Fn(usize) + Sync) -> f64 {
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let start = Barrier::new(threads);
            let t = Instant::now();
            std::thread::scope(|s| {
                for thread in 0..threads {
                    let (count, start) = (&count, &start);
                    s.spawn(move || {
                        start.wait();
                        count(thread)
                    });
                }
            });
            t.elapsed().as_secs_f64() * 1e9 / (PER_THREAD as f64 * threads as f64)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn shared<C: Counter>(counter: &C) -> impl Fn(usize) + Sync + '_ {
    move |thread| (0..PER_THREAD).for_each(|_| counter.increment(std::hint::black_box(thread)))
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("ns per increment (wall time / increments), {PER_THREAD} increments per thread, median of 5\n");
    println!("| counter | 1 thread | {cores} threads |");
    println!("|---|---:|---:|");
    let row = |name: &str, f: &dyn Fn(usize) -> f64| println!("| {name} | {:.2} | {:.2} |", f(1), f(cores));
    row("one `Mutex<u64>`", &|t| per_increment(t, shared(&MutexCounter::default())));
    row("one `AtomicU64`", &|t| per_increment(t, shared(&AtomicCounter::default())));
    row("shards side by side", &|t| {
        per_increment(t, shared(&UnpaddedCounter((0..t).map(|_| AtomicU64::new(0)).collect())))
    });
    row("cache-padded shards", &|t| per_increment(t, shared(&ShardedCounter::new(t))));
    row("a local count, added once", &|t| {
        let total = AtomicU64::new(0);
        per_increment(t, |_| {
            let mut local = 0u64;
            for _ in 0..PER_THREAD {
                local = std::hint::black_box(local + 1);
            }
            total.fetch_add(local, Ordering::Relaxed);
        })
    });
}
