//! Reference solution of exercise 03 — balanced ranges.

use std::ops::Range;

/// Splits `len` items into exactly `parts` contiguous ranges whose lengths
/// differ by at most one.
///
/// The model: every range gets `len / parts` items and the first
/// `len % parts` ranges one more, so range `i` starts at
/// `i * base + min(i, extra)` — a closed form with no running total and no
/// multiplication that can overflow (`i * base <= len`).
///
/// ```ignore
/// assert_eq!(balanced_ranges::balanced_ranges(10, 3), vec![0..4, 4..7, 7..10]);
/// ```
///
/// # Panics
///
/// Panics when `parts == 0`.
// ANCHOR: solution
pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "balanced_ranges needs at least one part (parts == 0)");
    let (base, extra) = (len / parts, len % parts);
    let start = |i: usize| i * base + i.min(extra);
    (0..parts).map(|i| start(i)..start(i + 1)).collect()
}
// ANCHOR_END: solution
