//! Exercise 26-stations-fast — the capstone's third stage: the same result,
//! faster, from a parser and a hash table made for this input.
//! Read `book/src/ch08-capstone/fast.md`.
//!
//! Given: exercise 24's reference as the crate `stations_straightforward`
//! (`parse_row`, `Stats`, `format_unsorted`, …) and exercise 25's as
//! `stations_parallel` (`newline_chunks`).

pub use stations::{Problem, RowError};

// ANCHOR: stub
/// The result line for `input`, exactly as `stations_straightforward`
/// gives it — the same rules, the same first error — on all cores, without
/// the general-purpose parts:
///
/// - **Parse from the row's end.** A temperature is `-?D?D.D`: its `;` is
///   4, 5 or 6 bytes before the row's end, and its value is a few digit
///   subtractions — no `str`, no `f64`, no search for the `;`.
/// - **A table made for the job.** Names are slices of the input; hash each
///   once per row (a few multiplications over 8-byte words); keep the hash
///   in the slot; check a name for UTF-8 only when its station is new —
///   there are at most 10 000 of those.
/// - **Find rows with `memchr`**, which looks at many bytes per step.
///
/// A row the fast path cannot read goes to `stations_straightforward::parse_row`, which
/// says exactly what is wrong (and where).
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    todo!("split_row from the end, an open-addressing table, newline_chunks on rayon")
}
// ANCHOR_END: stub
