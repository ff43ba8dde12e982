//! Exercise 10-contended-counter — a counter many threads can add to without
//! waiting for each other. Read `book/src/ch04-synchronization/contended-counter.md`.
//!
//! The job (`count_events`), the `Counter` trait and two simple counters are
//! given in `given.rs`.

pub mod given;

pub use given::{Counter, count_events};

// ANCHOR: stub
/// A counter split into shards, one per thread, so that threads counting at
/// the same time never touch the same memory.
///
/// The model: `increment(thread)` adds to shard `thread % shards` (an
/// uncontended atomic add); `total()` adds the shards up. Shards that share a
/// 64-byte cache line still fight over it ("false sharing"), and x86-64
/// fetches lines in pairs, so there a shard needs 128 bytes of its own: give
/// each shard the room of `crossbeam::utils::CachePadded`, which knows the
/// size for each CPU.
///
/// ```
/// use contended_counter::{Counter, ShardedCounter};
/// let c = ShardedCounter::new(2);
/// c.increment(0);
/// c.increment(1);
/// c.increment(5); // thread 5 shares shard 1
/// assert_eq!(c.total(), 3);
/// ```
pub struct ShardedCounter {
    // Your fields.
}

impl ShardedCounter {
    /// A counter with `shards` shards, all zero.
    ///
    /// # Panics
    ///
    /// If `shards` is 0, with a message that says so (it must mention "shard").
    pub fn new(shards: usize) -> Self {
        todo!("one zeroed, cache-padded atomic per shard")
    }
}

impl Counter for ShardedCounter {
    fn increment(&self, thread: usize) {
        todo!("add 1 to this thread's shard")
    }

    fn total(&self) -> u64 {
        todo!("add up the shards")
    }
}
// ANCHOR_END: stub
