//! The one test suite of exercise 10-contended-counter, run against the
//! learner's crate and the reference.

use contended_counter::given::{self, AtomicCounter, MutexCounter, is_event};
use contended_counter::{Counter, ShardedCounter, count_events};
use proptest::prelude::*;

fn oracle(data: &[u32]) -> u64 {
    data.iter().filter(|&&x| is_event(x)).count() as u64
}

#[test]
fn a_new_counter_is_zero() {
    for shards in [1, 2, 7, 64] {
        assert_eq!(ShardedCounter::new(shards).total(), 0, "{shards} shards");
    }
}

#[test]
fn every_shard_is_counted() {
    let c = ShardedCounter::new(5);
    for thread in 0..5 {
        for _ in 0..=thread {
            c.increment(thread);
        }
    }
    assert_eq!(c.total(), 1 + 2 + 3 + 4 + 5);
    assert_eq!(c.total(), 1 + 2 + 3 + 4 + 5, "reading the total must not change it");
}

#[test]
fn threads_beyond_the_shard_count_share_shards() {
    let c = ShardedCounter::new(3);
    for thread in [3, 4, 100, usize::MAX] {
        c.increment(thread);
    }
    assert_eq!(c.total(), 4);
}

#[test]
#[should_panic(expected = "shard")]
fn zero_shards_are_refused() {
    let _ = ShardedCounter::new(0);
}

#[test]
fn no_increment_is_lost_when_threads_share_a_shard() {
    // Two threads on one shard, released together by a barrier: a
    // read-then-write instead of one atomic add loses counts.
    let c = ShardedCounter::new(1);
    let per_thread = 5_000_000u64;
    let start = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        for thread in 0..2 {
            let (c, start) = (&c, &start);
            s.spawn(move || {
                start.wait();
                (0..per_thread).for_each(|_| c.increment(thread * 7));
            });
        }
    });
    assert_eq!(c.total(), 2 * per_thread, "{} increments were lost", 2 * per_thread - c.total());
}

#[test]
fn all_three_counters_agree_on_generated_data() {
    let data = datagen::uniform_u32(200_000, 10);
    let expected = oracle(&data);
    let mutex = given::count_events_with(&data, &MutexCounter::default(), 3);
    let atomic = given::count_events_with(&data, &AtomicCounter::default(), 3);
    let sharded = given::count_events_with(&data, &ShardedCounter::new(3), 3);
    assert_eq!([mutex, atomic, sharded], [expected; 3]);
    insta::assert_snapshot!(format!(
        "{} items, {expected} events: mutex {mutex}, atomic {atomic}, sharded {sharded}",
        data.len()
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn count_events_matches_the_sequential_oracle(data in prop::collection::vec(any::<u32>(), 0..5000)) {
        prop_assert_eq!(count_events(&data), oracle(&data));
    }

    #[test]
    fn any_threads_and_shards_count_exactly(
        data in prop::collection::vec(any::<u32>(), 0..3000),
        shards in 1usize..9,
        threads in 1usize..9,
    ) {
        prop_assert_eq!(given::count_events_with(&data, &ShardedCounter::new(shards), threads), oracle(&data));
    }
}
