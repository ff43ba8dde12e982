//! Exercise 27-stations-mmap — the capstone's last stage: the file mapped
//! into memory instead of read into a buffer. Read
//! `book/src/ch08-capstone/mmap.md`.
//!
//! Given: `stations::FileError`, and exercise 26's reference as the crate
//! `stations_fast`, whose `aggregate` runs on the mapped bytes.

use std::path::Path;

pub use stations::FileError;

// ANCHOR: stub
/// The result line for the file at `path`, as `stations_fast::aggregate`
/// gives it for the file's bytes — without copying them: map the file
/// (`memmap2::Mmap::map`, an `unsafe` call whose promise you write down in
/// a `// SAFETY:` comment: the file must not be truncated or rewritten
/// while it is mapped) and aggregate the mapped bytes.
///
/// An empty file is an empty result, `{}`. Errors: `FileError::Io` when the
/// file cannot be opened or mapped, `FileError::Row` for a malformed row.
pub fn aggregate_file(path: &Path) -> Result<String, FileError> {
    todo!("File::open, Mmap::map, stations_fast::aggregate")
}
// ANCHOR_END: stub
