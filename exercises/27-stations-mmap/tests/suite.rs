//! The one test suite of exercise 27-stations-mmap, run against the
//! learner's crate and the reference. The capstone's checks run through a
//! file: each input is written to a temporary file and aggregated from it.

use proptest::prelude::*;
use stations::suite;
use stations::{FileError, RowError};
use stations_mmap::aggregate_file;
use testkit::TempFile;

/// Counts, for the thread that asks, the largest single allocation while
/// it is watching: a map costs no heap, a copy of the file costs its size.
mod watched {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub struct Largest;

    thread_local! {
        static WATCHING: Cell<bool> = const { Cell::new(false) };
        static LARGEST: Cell<usize> = const { Cell::new(0) };
    }

    // SAFETY: every call goes to the system allocator; the bookkeeping is
    // two thread-local cells that never allocate.
    unsafe impl GlobalAlloc for Largest {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note(new_size);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    fn note(size: usize) {
        let _ = WATCHING.try_with(|w| {
            if w.get() {
                let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
            }
        });
    }

    /// `f`'s result and the largest allocation it made on this thread.
    pub fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
        LARGEST.with(|l| l.set(0));
        WATCHING.with(|w| w.set(true));
        let result = f();
        WATCHING.with(|w| w.set(false));
        (result, LARGEST.with(Cell::get))
    }
}

#[global_allocator]
static ALLOCATOR: watched::Largest = watched::Largest;

fn temp_file(bytes: &[u8]) -> TempFile {
    TempFile::with("rows.txt", bytes)
}

/// The stage as the checks call it: through a file.
fn via_file(input: &[u8]) -> Result<String, RowError> {
    let file = temp_file(input);
    match aggregate_file(file.path()) {
        Ok(line) => Ok(line),
        Err(FileError::Row(e)) => Err(e),
        Err(FileError::Io(e)) => panic!("a readable {}-byte file gave an i/o error: {e}", input.len()),
    }
}

#[test]
fn rounding_and_negative_zero() {
    insta::assert_snapshot!(suite::rounding_table(via_file));
}

#[test]
fn edge_cases() {
    for (what, input) in suite::edge_inputs() {
        suite::assert_like_oracle(via_file, &input, what);
    }
}

#[test]
fn an_empty_file_is_an_empty_result() {
    assert_eq!(via_file(b""), Ok("{}".to_string()));
}

#[test]
fn a_missing_file_is_an_io_error() {
    let missing = std::env::temp_dir().join("stations-mmap-no-such-file.txt");
    assert!(matches!(aggregate_file(&missing), Err(FileError::Io(_))), "a file that does not exist");
}

#[test]
fn the_file_is_mapped_not_copied() {
    let input = datagen::station_rows(400_000, 27).into_bytes();
    let file = temp_file(&input);
    let (result, largest) = watched::largest_allocation(|| aggregate_file(file.path()));
    assert!(result.is_ok(), "a valid file: {:?}", result.err());
    assert!(
        largest < input.len() / 4,
        "reading a {} MB file allocated {} MB at once on the calling thread: the file was copied into memory \
         (std::fs::read or read_to_end). Map it with memmap2::Mmap::map and aggregate the mapped bytes in place.",
        input.len() / 1_000_000,
        largest / 1_000_000
    );
}

#[test]
fn malformed_rows_are_reported_with_their_offset() {
    suite::assert_malformed_rejected(via_file);
}

#[test]
fn chunk_boundaries_fall_anywhere() {
    suite::assert_boundaries_anywhere(via_file);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_rows_like_the_oracle(input in suite::any_rows()) {
        suite::assert_like_oracle(via_file, &input, "random rows");
    }
}
