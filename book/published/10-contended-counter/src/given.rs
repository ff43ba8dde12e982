//! The counting job and two simple counters (given — do not edit). Your part,
//! `ShardedCounter`, is in `lib.rs`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: counter
/// A counter many threads add to at once.
pub trait Counter: Sync {
    /// Counts one event seen by thread number `thread` (0-based). Any
    /// `thread` is allowed, also one above the number of threads the counter
    /// was made for.
    fn increment(&self, thread: usize);

    /// Every increment made so far (call it after the counting threads ended).
    fn total(&self) -> u64;
}
// ANCHOR_END: counter

// ANCHOR: job
/// Whether an input item is an event: seven in eight uniform random items
/// are (so the branch is mostly predicted and the counter is the bottleneck).
pub fn is_event(x: u32) -> bool {
    !x.is_multiple_of(8)
}

/// Counts the events in `data` on `threads` scoped threads, one contiguous
/// chunk each; every event is one `counter.increment(thread)`, so the
/// counter is as contended as a counter can be.
pub fn count_events_with<C: Counter>(data: &[u32], counter: &C, threads: usize) -> u64 {
    let chunk = data.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        for (thread, part) in data.chunks(chunk).enumerate() {
            s.spawn(move || {
                for &x in part {
                    if is_event(x) {
                        counter.increment(thread);
                    }
                }
            });
        }
    });
    counter.total()
}
// ANCHOR_END: job

/// The events in `data`, counted on every core with your `ShardedCounter` —
/// what the timing gate measures against one `MutexCounter`.
pub fn count_events(data: &[u32]) -> u64 {
    let threads = threads();
    count_events_with(data, &crate::ShardedCounter::new(threads), threads)
}

/// The threads `count_events` uses: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

// ANCHOR: simple
/// One `u64` behind one lock: every increment waits for the lock.
#[derive(Default)]
pub struct MutexCounter(Mutex<u64>);

impl Counter for MutexCounter {
    fn increment(&self, _thread: usize) {
        *self.0.lock().unwrap() += 1;
    }
    fn total(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}

/// One atomic: no lock, but every core still fights for the same cache line.
#[derive(Default)]
pub struct AtomicCounter(AtomicU64);

impl Counter for AtomicCounter {
    fn increment(&self, _thread: usize) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: simple
