//! The one test suite of exercise 05, run unchanged against your crate and
//! the reference. `cargo xtask check 05-skewed-work` runs it; do not edit it.

use proptest::prelude::*;
use skewed_work::{score, score_all};

/// The published work function; yours must not differ from it.
fn published_score(x: u32) -> u64 {
    let k = u64::from(x >> 24);
    let mut h = u64::from(x) | 1;
    for _ in 0..k * k / 16 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
    }
    h
}

/// The sequential oracle.
fn oracle(items: &[u32]) -> Vec<u64> {
    items.iter().map(|&x| published_score(x)).collect()
}

/// Sorted, so the cost grows along the input — as in the timing gate.
fn skewed(n: usize, seed: u64) -> Vec<u32> {
    let mut items = datagen::uniform_u32(n, seed);
    items.sort_unstable();
    items
}

#[test]
fn score_is_unchanged() {
    for x in [0, 1, 1 << 24, 0x8000_0000, u32::MAX] {
        assert_eq!(score(x), published_score(x), "score({x}) differs from the published work function");
    }
}

#[test]
fn empty_input() {
    assert_eq!(score_all(&[]), Vec::<u64>::new());
}

#[test]
fn one_item() {
    assert_eq!(score_all(&[u32::MAX]), oracle(&[u32::MAX]));
}

#[test]
fn sorted_input_keeps_its_order() {
    let items = skewed(10_000, 5);
    assert_eq!(score_all(&items), oracle(&items));
}

#[test]
fn reversed_input_keeps_its_order() {
    let mut items = skewed(10_000, 6);
    items.reverse();
    assert_eq!(score_all(&items), oracle(&items));
}

/// What a person sees: a summary of the scores of a generated, sorted input.
#[test]
fn generated_report() {
    let items = skewed(5_000, 42);
    let scores = score_all(&items);
    let sum = scores.iter().fold(0u64, |a, &s| a.wrapping_add(s));
    let report = format!(
        "items={}\nscores={}\nwrapping sum={sum}\nfirst={:?}\nlast={:?}\n",
        items.len(),
        scores.len(),
        &scores[..3],
        &scores[scores.len() - 3..]
    );
    insta::assert_snapshot!("generated_5000_seed42", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 100,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn matches_the_sequential_oracle(items in prop::collection::vec(any::<u32>(), 0..600)) {
        prop_assert_eq!(score_all(&items), oracle(&items));
    }
}
