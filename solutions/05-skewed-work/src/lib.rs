//! Reference solution of exercise 05 — skewed work.

use rayon::prelude::*;

#[path = "../../../exercises/05-skewed-work/src/work.rs"]
mod work;
pub use work::score;

/// Scores every item in parallel: `out[i] == score(items[i])`.
///
/// The model: `par_iter` splits the input in halves, recursively, into
/// tasks; a worker that runs out of tasks steals half of another worker's
/// remaining range. The expensive end of the input is shared out as it is
/// reached, so both cores stay busy to the end. `collect` writes each result
/// at its index, so the order is the input's.
///
/// ```ignore
/// assert_eq!(skewed_work::score_all(&[1, 2]), vec![skewed_work::score(1), skewed_work::score(2)]);
/// ```
// ANCHOR: solution
pub fn score_all(items: &[u32]) -> Vec<u64> {
    items.par_iter().map(|&x| score(x)).collect()
}
// ANCHOR_END: solution
