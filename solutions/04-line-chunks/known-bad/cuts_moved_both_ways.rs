//! expect: tests-failed
//! failing: four_lines_in_two_chunks, only_newlines
//! Each chunk's start moves back to a line start and its end moves forward to a line end, independently:
//! the line under every cut goes to both neighbours, and is counted twice.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let len = data.len();
    let back = |t: usize| data[..t].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let forward = |t: usize| data[t..].iter().position(|&b| b == b'\n').map_or(len, |p| t + p + 1);
    (0..parts)
        .map(|i| (back(i * len / parts), if i + 1 == parts { len } else { forward((i + 1) * len / parts) }))
        .filter(|(s, e)| e > s)
        .map(|(s, e)| s..e)
        .collect()
}
