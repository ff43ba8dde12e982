//! Reference solution of exercise 06 — grain size.

use std::sync::atomic::{AtomicU64, Ordering};

#[path = "../../../exercises/06-grain-size/src/work.rs"]
mod work;
pub use work::cheap;

/// Sums `cheap(x)` over `items`, one rayon task per chunk of `grain` items.
///
/// The model: `rayon::scope` waits for every task it spawned; each task sums
/// its chunk privately and touches the shared total once, so the total costs
/// one atomic addition per task, not per item.
// ANCHOR: solution
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

/// Eight tasks per thread: enough for work stealing to even out a slow
/// thread, few enough that task overhead is invisible.
pub fn pick_grain(len: usize, threads: usize) -> usize {
    (len / (threads.max(1) * 8)).max(1)
}
// ANCHOR_END: solution

/// What the timing gate measures: `sum_in_tasks` with `pick_grain`.
pub fn sum_cheap(items: &[u32]) -> u64 {
    sum_in_tasks(items, pick_grain(items.len(), rayon::current_num_threads()))
}
