//! Reference solution of exercise 04 — newline-aligned chunks.

use std::ops::Range;

/// Splits `data` into at most `parts` chunks of whole lines, of about equal size.
///
/// The model: the `i`-th cut aims at `i * len / parts` and moves forward to just
/// after the next `b'\n'` (or to the end). The search starts at the previous
/// cut when the aim falls before it — inside a line longer than a chunk — so
/// chunks are never empty and never overlap.
///
/// ```ignore
/// // Cuts aimed at byte 6 of 12; moved forward, it lands after "ef\n".
/// assert_eq!(line_chunks::line_chunks(b"ab\ncd\nef\ngh\n", 2), vec![0..9, 9..12]);
/// ```
///
/// # Panics
///
/// Panics when `parts == 0`.
// ANCHOR: solution
pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "line_chunks needs at least one chunk (parts == 0)");
    let len = data.len();
    let mut chunks = Vec::with_capacity(parts);
    let mut start = 0;
    for i in 1..=parts {
        if start == len {
            break;
        }
        // The aimed-at cut, in u128 so `i * len` cannot overflow.
        let target = ((i as u128 * len as u128) / parts as u128) as usize;
        let end = if i == parts { len } else { after_next_newline(data, target.max(start)) };
        chunks.push(start..end);
        start = end;
    }
    chunks
}

/// The index just after the first `b'\n'` at or after `from`, or `data.len()`.
fn after_next_newline(data: &[u8], from: usize) -> usize {
    data[from..].iter().position(|&b| b == b'\n').map_or(data.len(), |p| from + p + 1)
}
// ANCHOR_END: solution
