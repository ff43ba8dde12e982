//! expect: tests-failed
//! failing: huge_lengths_do_not_overflow
//! `i * len / parts` is balanced, but `i * len` overflows `usize` for large inputs (and wraps in release builds).

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let start = |i: usize| i.wrapping_mul(len) / parts;
    (0..parts).map(|i| start(i)..if i + 1 == parts { len } else { start(i + 1) }).collect()
}
