//! The one test suite of exercise 16-supervised-workers, run against the learner's crate and the reference.

use supervised_workers::process;
use proptest::prelude::*;

fn oracle(data: &[u32]) -> u64 {
    data.iter().map(|&x| u64::from(x)).sum()
}

#[test]
fn empty_input() {
    assert_eq!(process(&[]), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn matches_the_sequential_oracle(data in prop::collection::vec(any::<u32>(), 0..1000)) {
        prop_assert_eq!(process(&data), oracle(&data));
    }
}
