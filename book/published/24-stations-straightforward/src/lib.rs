//! Exercise 24-stations-straightforward — the capstone's first stage: station
//! statistics, exactly right, one row after another. Read
//! `book/src/ch08-capstone/straightforward.md`.
//!
//! The error type is given in the `stations` crate; everything else is yours.

pub use stations::{Problem, RowError};

// ANCHOR: stub
/// The result line for `input`: `{name=min/mean/max, …}`, stations sorted by
/// name (byte order), temperatures in integer tenths, the mean
/// `floor((2·sum + n) / (2·n))` tenths (half rounds up), and never `-0.0`.
///
/// Rows are `<name>;<temperature>\n`; the last may lack its `\n`. A row
/// whose name is empty, longer than 100 bytes or not UTF-8, that has no `;`,
/// or whose temperature is not `-?D?D.D` (-99.9 to 99.9, one decimal) is an
/// error: the first such row's byte offset and what is wrong with it.
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    todo!("a map from name to min, max, sum and count; then sort and print")
}
// ANCHOR_END: stub
