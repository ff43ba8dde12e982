//! Exercise 14-parse-errors — Parse errors. Read `book/src/ch05-errors-logging/parse-errors.md`.

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
