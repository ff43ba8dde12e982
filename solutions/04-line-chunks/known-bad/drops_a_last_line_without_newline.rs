//! expect: tests-failed
//! failing: no_final_newline_keeps_the_last_line, data_without_newlines_is_one_chunk
//! Every chunk ends just after a newline — so a last line with no newline after it belongs to no chunk.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let mut chunks = Vec::new();
    let mut start = 0;
    for i in 1..=parts {
        let target = (i * data.len() / parts).max(start);
        let Some(p) = data[target..].iter().position(|&b| b == b'\n') else { break };
        let end = target + p + 1;
        if end > start {
            chunks.push(start..end);
            start = end;
        }
    }
    chunks
}
