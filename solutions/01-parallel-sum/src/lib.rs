//! Reference solution of exercise 01 — parallel sum.

/// Sums `data` on `threads` OS threads, one contiguous chunk per thread.
///
/// The model: `threads` contiguous chunks whose lengths differ by at most one
/// (the first `len % threads` chunks get one extra item), each summed on a
/// scoped thread; the partial sums are added in chunk order.
///
/// ```ignore
/// assert_eq!(parallel_sum::parallel_sum(&[1, 2, 3, 4, 5], 2), 15);
/// ```
///
/// # Panics
///
/// Panics when `threads == 0`.
// ANCHOR: solution
pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "parallel_sum needs at least one thread (threads == 0)");
    let (base, extra) = (data.len() / threads, data.len() % threads);
    std::thread::scope(|scope| {
        let mut rest = data;
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            let (chunk, tail) = rest.split_at(base + usize::from(i < extra));
            rest = tail;
            // Spawn all threads first; join only after the loop.
            handles.push(scope.spawn(move || sum_chunk(chunk)));
        }
        handles.into_iter().map(|h| h.join().expect("a summing thread panicked")).sum()
    })
}
// ANCHOR_END: solution

// ANCHOR: sum_chunk
/// Widening each item before adding lets the compiler vectorise the loop
/// and makes overflow impossible for any realistic length.
fn sum_chunk(chunk: &[u32]) -> u64 {
    chunk.iter().map(|&x| u64::from(x)).sum()
}
// ANCHOR_END: sum_chunk
