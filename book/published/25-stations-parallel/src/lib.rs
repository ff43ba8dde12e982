//! Exercise 25-stations-parallel — the capstone's second stage: the same
//! result on every core. Read `book/src/ch08-capstone/parallel.md`.
//!
//! From this stage on, exercise 24's reference is given as the crate
//! `stations_straightforward`: `rows`, `parse_row`, `Stats`, `format_result`
//! (and `format_unsorted`, which sorts first).

pub use stations::{Problem, RowError};

// ANCHOR: stub
/// The result line for `input`, as `stations_straightforward::aggregate`
/// gives it (the same rules, the same first error), computed on all cores.
///
/// The model: cut the input into newline-aligned chunks, a few per thread
/// (each chunk ends just after a `\n`, so no row is ever split); on rayon,
/// turn each chunk's rows into a map of its own from name to `Stats`,
/// remembering that `stations_straightforward::rows` numbers offsets from the chunk's
/// start; then merge the maps, sort by name and format. A chunk with a
/// malformed row gives an error — and of those, the one earliest in the
/// input wins.
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    todo!("newline-aligned chunks, a map per chunk, merge in input order")
}
// ANCHOR_END: stub
