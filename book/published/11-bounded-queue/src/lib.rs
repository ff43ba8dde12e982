//! Exercise 11-bounded-queue — a blocking bounded queue from a `Mutex` and two
//! `Condvar`s. Read `book/src/ch04-synchronization/bounded-queue.md`.
//!
//! The types and `new` are given in `given.rs`; the shim in `sync.rs` decides
//! whether `Mutex` and `Condvar` are std's or loom's.

mod given;
pub mod sync;

pub use given::{BoundedQueue, Closed};

impl<T> BoundedQueue<T> {
    // ANCHOR: stubs
    /// Appends `item`, waiting while the queue is full.
    ///
    /// # Errors
    ///
    /// `Closed(item)` if the queue is closed — before the call or while this
    /// producer waits for room.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        todo!("wait while full and open; then push, or hand the item back if closed")
    }

    /// Takes the oldest item, waiting while the queue is empty and open.
    /// Returns `None` only when the queue is closed **and** empty: items pushed
    /// before `close` are still delivered.
    pub fn pop(&self) -> Option<T> {
        todo!("wait while empty and open; then pop, or None if closed and drained")
    }

    /// Closes the queue and wakes **every** waiting producer and consumer.
    /// Closing twice is harmless.
    pub fn close(&self) {
        todo!("set the flag and wake everyone who waits")
    }
    // ANCHOR_END: stubs
}
