//! Exercise 04 — newline-aligned chunks. Read `book/src/ch02-partitioning/line-chunks.md`.

use std::ops::Range;

/// Splits `data` into at most `parts` chunks of whole lines, of about equal size.
///
/// The model: aim for `parts` chunks of `data.len() / parts` bytes, then move every
/// cut to a line boundary — just after a `b'\n'`. The chunks come in order,
/// are non-empty, and together cover `0..data.len()` exactly once, so no
/// line is lost, duplicated or cut in two. Each chunk ends just after a
/// `b'\n'`, except the last, which ends at `data.len()` (a file need not
/// end with a newline).
///
/// Size: no chunk is longer than `data.len().div_ceil(parts)` plus the longest
/// line — a line longer than a chunk simply makes its chunk longer (and you
/// may return fewer than `parts` chunks).
///
/// Edge cases: empty `data` gives no chunks; data without any newline is
/// one chunk.
///
/// ```ignore
/// // Cuts aimed at byte 6 of 12; moved forward, it lands after "ef\n".
/// assert_eq!(line_chunks::line_chunks(b"ab\ncd\nef\ngh\n", 2), vec![0..9, 9..12]);
/// ```
///
/// # Panics
///
/// Panics with a message naming `parts` when `parts == 0`.
pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    todo!("cut the data into ranges that start and end on line boundaries")
}
