//! Range `i` starts at `i * len / parts`, computed in `u128` so it cannot overflow;
//! the longer ranges are spread out instead of coming first.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let start = |i: usize| (i as u128 * len as u128 / parts as u128) as usize;
    (0..parts).map(|i| start(i)..start(i + 1)).collect()
}
