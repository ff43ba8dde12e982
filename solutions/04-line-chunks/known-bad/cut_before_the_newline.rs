//! expect: tests-failed
//! failing: four_lines_in_two_chunks, no_final_newline_keeps_the_last_line
//! Off by one: each cut lands *on* the newline instead of just after it, so every chunk but the
//! first starts with the previous line's `\n` and ends in the middle of its own last line.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let len = data.len();
    let mut chunks = Vec::new();
    let mut start = 0;
    for i in 1..=parts {
        let target = (i * len / parts).max(start);
        let end = if i == parts { len } else { data[target..].iter().position(|&b| b == b'\n').map_or(len, |p| target + p) };
        if end > start {
            chunks.push(start..end);
            start = end;
        }
    }
    if start < len {
        chunks.push(start..len);
    }
    chunks
}
