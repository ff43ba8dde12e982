//! The one test suite of exercise 01, run unchanged against your crate and
//! the reference. `cargo xtask check 01-parallel-sum` runs it; do not edit it.

use parallel_sum::parallel_sum;
use proptest::prelude::*;

/// The sequential oracle every answer is compared with.
fn oracle(data: &[u32]) -> u64 {
    data.iter().map(|&x| u64::from(x)).sum()
}

#[test]
fn empty_data_sums_to_zero() {
    for threads in [1, 2, 7] {
        assert_eq!(parallel_sum(&[], threads), 0, "empty slice with threads = {threads}");
    }
}

#[test]
fn one_item() {
    assert_eq!(parallel_sum(&[42], 1), 42);
    assert_eq!(parallel_sum(&[42], 4), 42, "one item, four threads");
}

#[test]
fn more_threads_than_items() {
    let data = [1, 2, 3];
    assert_eq!(parallel_sum(&data, 8), 6, "3 items on 8 threads");
}

#[test]
fn length_not_divisible_by_threads_keeps_the_tail() {
    let data: Vec<u32> = (1..=10).collect();
    for threads in 1..=10 {
        assert_eq!(parallel_sum(&data, threads), 55, "1..=10 on {threads} threads");
    }
}

#[test]
fn large_values_do_not_overflow() {
    let data = vec![u32::MAX; 1000];
    assert_eq!(parallel_sum(&data, 3), 1000 * u64::from(u32::MAX));
}

#[test]
#[should_panic(expected = "threads")]
fn zero_threads_panics_with_a_clear_message() {
    parallel_sum(&[1, 2, 3], 0);
}

/// What a person sees: the sum of a generated array for several thread counts.
#[test]
fn generated_data_report() {
    let data = datagen::uniform_u32(1_000_003, 42);
    let report: String =
        [1, 2, 3, 8, 64].iter().map(|&t| format!("threads={t:<3} sum={}\n", parallel_sum(&data, t))).collect();
    insta::assert_snapshot!("generated_1M_seed42", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn matches_the_sequential_oracle(
        data in prop::collection::vec(any::<u32>(), 0..2_000),
        threads in 1usize..=16,
    ) {
        prop_assert_eq!(parallel_sum(&data, threads), oracle(&data));
    }
}
