//! Walk the lines once and close a chunk as soon as it holds `len / parts` bytes (rounded up).

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let target = data.len().div_ceil(parts);
    let mut chunks = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' && i + 1 - start >= target {
            chunks.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < data.len() {
        chunks.push(start..data.len());
    }
    chunks
}
