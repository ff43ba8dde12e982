//! expect: tests-failed
//! Forgets the last item: the oracle comparison catches it.

/// Sums `data` in parallel. (Placeholder task from `cargo xtask new`: replace it.)
///
/// The model: split the work over all cores with rayon and add the partial sums.
///
/// # Panics
///
/// Never.
pub fn process(data: &[u32]) -> u64 {
    let n = data.len().saturating_sub(1);
    data[..n].iter().map(|&x| u64::from(x)).sum()
}
// 17-tracing-spans
