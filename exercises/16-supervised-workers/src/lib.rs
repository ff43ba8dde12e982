//! Exercise 16-supervised-workers — Supervised workers. Read `book/src/ch05-errors-logging/supervised-workers.md`.

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
