//! The one test suite of exercise 06, run unchanged against your crate and
//! the reference. `cargo xtask check 06-grain-size` runs it; do not edit it.

use grain_size::{cheap, pick_grain, sum_cheap, sum_in_tasks};
use proptest::prelude::*;

/// The published work function; yours must not differ from it.
fn published(x: u32) -> u64 {
    let mut h = u64::from(x);
    for _ in 0..4 {
        h = (h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    h >> 56
}

fn oracle(items: &[u32]) -> u64 {
    items.iter().map(|&x| published(x)).sum()
}

#[test]
fn cheap_is_unchanged() {
    for x in [0, 1, 0xFFFF_FFFF, 0x8000_0001, 12345] {
        assert_eq!(cheap(x), published(x), "cheap({x}) differs from the published work function");
    }
}

#[test]
fn every_grain_gives_the_same_sum() {
    let items = datagen::uniform_u32(10_007, 3);
    let want = oracle(&items);
    for grain in [1, 2, 3, 64, 1000, 10_006, 10_007, 50_000] {
        let got = sum_in_tasks(&items, grain);
        let why = if got < want {
            "too little: was the total read before every task had added its part (inside the rayon::scope \
             closure, or after rayon::spawn without waiting), or were items skipped?"
        } else {
            "too much: were items summed twice?"
        };
        assert!(got == want, "sum_in_tasks(10 007 items, grain {grain}) = {got}, expected {want} — {why}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn one_chunk_is_one_task() {
    // With `grain` = every item there is one task, so one thread does all
    // the work; code that splits the items its own way spreads it out.
    let items = datagen::uniform_u32(8_000_000, 6);
    // Only this pool's threads (and threads they start, which inherit the
    // name) count: other tests run at the same time in this process.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).thread_name(|i| format!("one-task-{i}")).build().unwrap();
    let (total, cpu) = testkit::cpu_by_thread(|| pool.install(|| sum_in_tasks(&items, items.len())));
    assert_eq!(total, oracle(&items));
    let cpu: Vec<(String, f64)> = cpu.into_iter().filter(|(name, _)| name.starts_with("one-task-")).collect();
    let all: f64 = cpu.iter().map(|(_, s)| s).sum();
    let busiest = cpu.first().map_or(0.0, |(_, s)| *s);
    assert!(
        busiest > 0.8 * all,
        "sum_in_tasks(items, items.len()) spread its work over several threads (CPU-seconds by thread: {cpu:.3?}): \
         with a grain of every item it must spawn exactly one task — is `grain` used to cut the chunks?"
    );
}

#[test]
fn empty_input_sums_to_zero() {
    assert_eq!(sum_in_tasks(&[], 1), 0);
    assert_eq!(sum_cheap(&[]), 0);
}

#[test]
#[should_panic(expected = "grain")]
fn zero_grain_panics_with_a_clear_message() {
    sum_in_tasks(&[1, 2, 3], 0);
}

#[test]
fn the_grain_is_in_range() {
    for len in [0, 1, 7, 1000, 1 << 20, 1 << 26] {
        for threads in [1, 2, 4, 16, 64] {
            let g = pick_grain(len, threads);
            assert!((1..=len.max(1)).contains(&g), "pick_grain({len}, {threads}) = {g}, not in 1..={}", len.max(1));
        }
    }
}

#[test]
fn every_thread_gets_several_tasks() {
    // "Many enough that every thread gets several": on a large input (64 M
    // items), at least two tasks per thread, whatever the number of threads —
    // a rule written for this machine's cores leaves a larger machine idle.
    let len = 1 << 26;
    for threads in [1, 2, 4, 16, 64] {
        let g = pick_grain(len, threads);
        let tasks = len.div_ceil(g.max(1));
        assert!(
            tasks >= 2 * threads,
            "pick_grain({len}, {threads}) = {g}: {tasks} tasks for {threads} threads, fewer than two each — use \
             `threads` in the rule"
        );
    }
}

#[test]
fn sum_cheap_matches_the_oracle() {
    let items = datagen::uniform_u32(1_000_003, 9);
    assert_eq!(sum_cheap(&items), oracle(&items));
}

/// What a person sees: the sum of a generated array.
#[test]
fn generated_report() {
    let items = datagen::uniform_u32(2_000_000, 42);
    insta::assert_snapshot!("generated_2M_seed42", format!("items={} sum={}\n", items.len(), sum_cheap(&items)));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_items_any_grain(items in prop::collection::vec(any::<u32>(), 0..2_000), grain in 1usize..3_000) {
        prop_assert_eq!(sum_in_tasks(&items, grain), oracle(&items));
    }
}
