//! expect: tests-failed
//! failing: more_parts_than_items, nothing_to_split_gives_empty_ranges
//! Balanced, but with `parts > len` it returns only `len` ranges: callers that zip ranges with workers lose workers.

use std::ops::Range;

pub fn balanced_ranges(len: usize, parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let parts_used = parts.min(len).max(1);
    let (base, extra) = (len / parts_used, len % parts_used);
    let start = |i: usize| i * base + i.min(extra);
    (0..parts_used).map(|i| start(i)..start(i + 1)).collect()
}
