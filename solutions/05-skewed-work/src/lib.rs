//! Reference solution of exercise 05 — skewed work.

use rayon::prelude::*;

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

/// The work for one item, as given: its cost grows with the value, from no
/// rounds for `x < 2^26` to about 4 000 xorshift rounds for `x` near `u32::MAX`.
/// On sorted input, the last items cost thousands of times more than the first.
///
/// Do not change it: the tests and the timing gate use their own copy.
pub fn score(x: u32) -> u64 {
    let k = u64::from(x >> 24);
    let mut h = u64::from(x) | 1;
    for _ in 0..k * k / 16 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
    }
    h
}
