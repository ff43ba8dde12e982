//! The one test suite of exercise 29-stations-fastest, run against
//! the learner's crate and the reference. The checks are the capstone's
//! (`stations::suite`), the same for every stage.

use proptest::prelude::*;
use stations::suite;
use stations_fastest::aggregate;

#[test]
fn rounding_and_negative_zero() {
    insta::assert_snapshot!(suite::rounding_table(aggregate));
}

#[test]
fn edge_cases() {
    for (what, input) in suite::edge_inputs() {
        suite::assert_like_oracle(aggregate, &input, what);
    }
}

#[test]
fn a_small_result_as_printed() {
    insta::assert_snapshot!(aggregate(&suite::few_stations()).expect("generated rows are valid"));
}

#[test]
fn malformed_rows_are_reported_with_their_offset() {
    suite::assert_malformed_rejected(aggregate);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_rows_like_the_oracle(input in suite::any_rows()) {
        suite::assert_like_oracle(aggregate, &input, "random rows");
    }
}

#[test]
fn chunk_boundaries_fall_anywhere() {
    suite::assert_boundaries_anywhere(aggregate);
}
