//! Exercise 12-heat-stencil — Heat stencil. Read `book/src/ch04-synchronization/heat-stencil.md`.

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
