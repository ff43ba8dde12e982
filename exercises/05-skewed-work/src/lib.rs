//! Exercise 05 — skewed work. Read `book/src/ch02-partitioning/skewed-work.md`.

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
