//! Reference solution of exercise 13-lock-ordering.

use rayon::prelude::*;

/// Sums `data` in parallel. (Placeholder task from `cargo xtask new`: replace it.)
///
/// The model: split the work over all cores with rayon and add the partial sums.
///
/// # Panics
///
/// Never.
// ANCHOR: solution
pub fn process(data: &[u32]) -> u64 {
    data.par_iter().map(|&x| u64::from(x)).sum()
}
// ANCHOR_END: solution
