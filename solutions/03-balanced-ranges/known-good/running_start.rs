//! A running start: each range takes `base` items, plus one while the remainder lasts.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let (base, mut extra) = (len / parts, len % parts);
    let mut start = 0;
    let mut ranges = Vec::with_capacity(parts);
    for _ in 0..parts {
        let size = base + usize::from(extra > 0);
        extra = extra.saturating_sub(1);
        ranges.push(start..start + size);
        start += size;
    }
    ranges
}
