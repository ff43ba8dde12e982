//! Exercise 15-panic-isolation — Panic isolation. Read `book/src/ch05-errors-logging/panic-isolation.md`.

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
