//! expect: tests-failed
//! failing: ten_items_in_three_parts, every_small_length_and_part_count
//! Every range gets `len / parts` items; the `len % parts` left over at the end belong to no range.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let size = len / parts;
    (0..parts).map(|i| i * size..(i + 1) * size).collect()
}
