//! Exercise 01 — parallel sum. Read `book/src/ch01-measure-first/parallel-sum.md`.

/// Sums `data` on `threads` OS threads, one contiguous chunk per thread.
///
/// The model: split `data` into `threads` contiguous chunks whose lengths
/// differ by at most one, sum each chunk on its own thread inside
/// [`std::thread::scope`] (so the threads may borrow `data`), then add the
/// partial sums. The total is a `u64`, so a billion `u32::MAX` values fit.
///
/// Edge cases: empty `data` sums to 0; `threads > data.len()` is fine (some
/// threads get an empty chunk, or you start fewer of them).
///
/// ```ignore
/// assert_eq!(parallel_sum::parallel_sum(&[1, 2, 3, 4, 5], 2), 15);
/// ```
///
/// # Panics
///
/// Panics with a message naming `threads` when `threads == 0`.
pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    todo!("write the parallel sum: split, spawn, join, add")
}
