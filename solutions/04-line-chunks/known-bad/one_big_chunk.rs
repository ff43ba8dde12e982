//! expect: tests-failed
//! failing: four_lines_in_two_chunks, many_short_lines_are_balanced
//! Sequential in disguise: one chunk is always "aligned", and leaves every other worker idle.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    if data.is_empty() { Vec::new() } else { vec![0..data.len()] }
}
