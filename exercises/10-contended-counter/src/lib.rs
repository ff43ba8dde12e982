//! Exercise 10-contended-counter — Contended counter. Read `book/src/ch04-synchronization/contended-counter.md`.

/// Sums `data` in parallel. (Placeholder task from `cargo xtask new`: replace it.)
///
/// The model: split the work over all cores with rayon and add the partial sums.
///
/// # Panics
///
/// Never.
pub fn process(data: &[u32]) -> u64 {
    todo!("write the parallel version")
}
