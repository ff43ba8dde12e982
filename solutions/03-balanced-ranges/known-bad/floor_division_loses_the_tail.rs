//! expect: tests-failed
//! Every range gets `len / parts` items; the `len % parts` left over at the end belong to no range.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let size = len / parts;
    (0..parts).map(|i| i * size..(i + 1) * size).collect()
}
