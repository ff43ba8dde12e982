//! The synchronization types this crate may use (given — do not edit).
//!
//! Normally these are `std::sync`'s. With the crate's `loom` feature they are
//! loom's: the same API, but every lock, wait and notify becomes a point where
//! loom's model checker can switch threads, so the suite's models try every
//! interleaving instead of the few a normal run happens to hit. A queue that
//! uses `std::sync` directly is invisible to loom — which is why `clippy.toml`
//! bans those types in this crate.

#[cfg(feature = "loom")]
pub use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(feature = "loom"))]
#[allow(clippy::disallowed_types)]
pub use std::sync::{Condvar, Mutex, MutexGuard};
