//! Exercise 03 — balanced ranges. Read `book/src/ch02-partitioning/balanced-ranges.md`.

use std::ops::Range;

/// Splits `len` items into exactly `parts` contiguous ranges whose lengths
/// differ by at most one.
///
/// The model: the ranges come in order, the first starts at 0, each starts
/// where the previous one ended, and the last ends at `len`, so every index
/// in `0..len` is in exactly one range. When `len` is not a multiple of
/// `parts`, `len % parts` ranges are one item longer than the others (which
/// ones is up to you). When `parts > len`, some ranges are empty.
///
/// Edge cases: `len == 0` gives `parts` empty ranges `0..0`; lengths up to
/// `usize::MAX` must not overflow.
///
/// ```ignore
/// // One valid answer; the longer range could be any of the three.
/// assert_eq!(balanced_ranges::balanced_ranges(10, 3), vec![0..4, 4..7, 7..10]);
/// ```
///
/// # Panics
///
/// Panics with a message naming `parts` when `parts == 0`.
pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    todo!("split 0..len into ranges whose lengths differ by at most one")
}
