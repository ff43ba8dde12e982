//! Exercise 29-stations-fastest — the capstone's last stage: the same
//! result at the speed of the machine. Read `book/src/ch08-capstone/fastest.md`.
//!
//! Given: exercise 24's reference as `stations_straightforward` (`parse_row`,
//! `Stats`, `format_unsorted`) and exercise 25's as `stations_parallel`
//! (`newline_chunks`); `memchr`. The program (`src/main.rs`) maps the file
//! and calls `aggregate` on the map.

pub use stations::{Problem, RowError};

// ANCHOR: stub
/// The result line for `input`, exactly as `stations_straightforward`
/// gives it — the same rules, the same first error — at least 3× faster
/// than stage 3 (`stations_fast`) per core:
///
/// - **Words, not bytes.** Load a row's first 16 bytes as one `u128`, find
///   the `;` in all of them at once (the zero-byte trick: `x ^ ";;;…"`,
///   then `(x - 0x0101…) & !x & 0x8080…`), and keep the name's bytes, masked,
///   as the key: no `memcmp`, no hash loop for names of up to 15 bytes.
/// - **Branch-free temperature.** Read the 8 bytes after the `;` as a `u64`
///   and compute the value and the row's length with shifts, masks and
///   conditional moves; check its shape (`-?D?D.D\n`) in the same word.
/// - **A table that stays in cache.** Small slots that point into a dense
///   array of stations; a name is checked (length, UTF-8, no `\n`) only
///   when its station is new.
/// - **Several cursors per thread**, each in its own part of a piece, one
///   row from each in turn; **small pieces handed out by an atomic counter**
///   so no thread waits at the end.
/// - **A careful path** for everything else: names of 16 bytes or more, the
///   input's last bytes, and every malformed row — `parse_row` says what is
///   wrong, and the earliest error in the input wins.
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    todo!("words and masks for the name, a branch-free temperature, a small table, cursors and pieces")
}
// ANCHOR_END: stub
