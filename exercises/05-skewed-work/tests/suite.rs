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

/// What is wrong with `got` as the scores of `items`, in terms of the items:
/// missing or extra scores, scores out of order, or wrong values.
fn score_problem(items: &[u32], got: &[u64]) -> Option<String> {
    let want = oracle(items);
    if got.len() != want.len() {
        let hint = if got.len() < want.len() {
            "items were lost — a remainder (len % threads) of a split that no chunk took?"
        } else {
            "items were scored twice — a chunk for the remainder on top of a last chunk that already ran to the end?"
        };
        return Some(format!("{} items gave {} scores: {hint}", items.len(), got.len()));
    }
    let i = (0..want.len()).find(|&i| got[i] != want[i])?;
    Some(match want.iter().position(|&w| w == got[i]) {
        Some(j) => format!(
            "out[{i}] is the score of items[{j}], not of items[{i}]: the scores must come in input order \
             (results collected as they finish come in completion order)"
        ),
        None => format!(
            "out[{i}] = {}, but score(items[{i}] = {}) = {}: is `score` the published one?",
            got[i], items[i], want[i]
        ),
    })
}

fn assert_scores(items: &[u32], got: &[u64], what: &str) {
    if let Some(problem) = score_problem(items, got) {
        panic!("score_all of {what}: {problem}");
    }
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
    assert_scores(&[], &score_all(&[]), "no items");
}

#[test]
fn one_item() {
    assert_scores(&[u32::MAX], &score_all(&[u32::MAX]), "one item");
}

#[test]
fn sorted_input_keeps_its_order() {
    let items = skewed(10_007, 5);
    assert_scores(&items, &score_all(&items), "10 007 sorted items");
}

#[test]
fn reversed_input_keeps_its_order() {
    let mut items = skewed(10_007, 6);
    items.reverse();
    assert_scores(&items, &score_all(&items), "10 007 items sorted in reverse");
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
        let problem = score_problem(&items, &score_all(&items));
        prop_assert!(problem.is_none(), "score_all of {} items: {}", items.len(), problem.unwrap_or_default());
    }
}
