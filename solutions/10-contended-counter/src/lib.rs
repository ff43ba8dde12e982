//! Reference solution of exercise 10-contended-counter.

#[path = "../../../exercises/10-contended-counter/src/given.rs"]
pub mod given;

use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam::utils::CachePadded;
pub use given::{Counter, count_events};

// ANCHOR: solution
pub struct ShardedCounter {
    /// One cache line per shard: a thread's increments never invalidate the
    /// line another thread is writing.
    shards: Box<[CachePadded<AtomicU64>]>,
}

impl ShardedCounter {
    pub fn new(shards: usize) -> Self {
        assert!(shards > 0, "a sharded counter needs at least 1 shard");
        Self { shards: (0..shards).map(|_| CachePadded::new(AtomicU64::new(0))).collect() }
    }
}

impl Counter for ShardedCounter {
    fn increment(&self, thread: usize) {
        // Relaxed: the count needs no ordering with other memory; the scope's
        // join makes every increment visible to `total`.
        self.shards[thread % self.shards.len()].fetch_add(1, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.shards.iter().map(|s| s.load(Ordering::Relaxed)).sum()
    }
}
// ANCHOR_END: solution
