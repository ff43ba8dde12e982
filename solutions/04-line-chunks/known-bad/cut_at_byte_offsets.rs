//! expect: tests-failed
//! failing: data_without_newlines_is_one_chunk, no_final_newline_keeps_the_last_line
//! Equal byte ranges, ignoring the lines: a cut lands inside a line, which both chunks then see half of.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let size = data.len().div_ceil(parts).max(1);
    (0..data.len()).step_by(size).map(|s| s..(s + size).min(data.len())).collect()
}
