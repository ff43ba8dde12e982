//! Exercise 05 — skewed work. Read `book/src/ch02-partitioning/skewed-work.md`.
//! Given: [`score`], the work for one item, in `src/work.rs`.

mod work;
pub use work::score;

/// Scores every item in parallel: `out[i] == score(items[i])`.
///
/// The model: the cost of an item grows along the input (it is sorted), so
/// cutting it into one contiguous chunk per core leaves the core with the
/// last chunk working long after the others are done. Let rayon's work
/// stealing share the work instead: idle workers take tasks from busy ones.
///
/// The output has one score per item, in input order. An empty input gives
/// an empty vector.
///
/// ```ignore
/// assert_eq!(skewed_work::score_all(&[1, 2]), vec![skewed_work::score(1), skewed_work::score(2)]);
/// ```
///
/// # Panics
///
/// Never.
pub fn score_all(items: &[u32]) -> Vec<u64> {
    todo!("score every item on all cores, keeping the input order")
}
