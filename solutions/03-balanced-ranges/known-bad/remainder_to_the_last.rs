//! expect: tests-failed
//! failing: more_parts_than_items, every_small_length_and_part_count
//! Covers everything, but the last range takes the whole remainder: 10 in 4 parts gives 2, 2, 2, 4.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let size = len / parts;
    (0..parts).map(|i| i * size..if i + 1 == parts { len } else { (i + 1) * size }).collect()
}
