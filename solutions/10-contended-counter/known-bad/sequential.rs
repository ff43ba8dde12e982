//! expect: not-parallel
//! Correct but sequential: one core does all the work.

/// Sums `data` in parallel. (Placeholder task from `cargo xtask new`: replace it.)
///
/// The model: split the work over all cores with rayon and add the partial sums.
///
/// # Panics
///
/// Never.
pub fn process(data: &[u32]) -> u64 {
    data.iter().map(|&x| u64::from(x)).sum()
}
// 10-contended-counter
