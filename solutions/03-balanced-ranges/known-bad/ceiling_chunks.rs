//! expect: tests-failed
//! failing: ten_items_in_three_parts, every_small_length_and_part_count
//! `div_ceil` chunks, clamped to `len`: 10 in 4 parts gives 3, 3, 3, 1 — the last ones run short.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let size = len.div_ceil(parts);
    (0..parts).map(|i| (i * size).min(len)..((i + 1) * size).min(len)).collect()
}
