//! The one test suite of exercise 27-stations-mmap, run against the
//! learner's crate and the reference. The capstone's checks run through a
//! file: each input is written to a temporary file and aggregated from it.

use proptest::prelude::*;
use stations::suite;
use stations::{FileError, RowError};
use stations_mmap::aggregate_file;
use testkit::TempFile;

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
