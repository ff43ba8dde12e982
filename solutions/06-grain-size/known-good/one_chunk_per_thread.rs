//! One task per thread: on uniform, cheap items a static split is as good as any.

use std::sync::atomic::{AtomicU64, Ordering};

pub fn sum_in_tasks(items: &[u32], grain: usize) -> u64 {
    assert!(grain > 0, "sum_in_tasks needs at least one item per task (grain == 0)");
    let total = AtomicU64::new(0);
    rayon::scope(|s| {
        for chunk in items.chunks(grain) {
            let total = &total;
            s.spawn(move |_| {
                let sum: u64 = chunk.iter().map(|&x| cheap(x)).sum();
                total.fetch_add(sum, Ordering::Relaxed);
            });
        }
    });
    total.into_inner()
}

pub fn pick_grain(len: usize, threads: usize) -> usize {
    len.div_ceil(threads.max(1)).max(1)
}

/// What the timing gate measures: `sum_in_tasks` with `pick_grain`.
pub fn sum_cheap(items: &[u32]) -> u64 {
    sum_in_tasks(items, pick_grain(items.len(), rayon::current_num_threads()))
}

/// The work for one item, as given: four rounds of multiply-and-shift, a
/// few nanoseconds. With so little work per item, the cost of a task shows.
///
/// Do not change it: the tests and the timing gate use their own copy.
#[inline]
pub fn cheap(x: u32) -> u64 {
    let mut h = u64::from(x);
    for _ in 0..4 {
        h = (h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    h >> 56
}
