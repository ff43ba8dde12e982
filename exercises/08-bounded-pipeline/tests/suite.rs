//! The one test suite of exercise 08, run unchanged against your crate and
//! the reference. `cargo xtask check 08-bounded-pipeline` runs it; do not edit it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bounded_pipeline::run_pipeline;
use proptest::prelude::*;

/// Spins for `d`: a slow sink that never sleeps (sleeping could hide a race).
fn busy_wait(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// Runs `items` through a pipeline whose sink is slow, and returns the largest
/// number of items ever taken from the source but not yet delivered.
fn max_in_flight(items: u64, capacity: usize) -> u64 {
    let taken = AtomicU64::new(0);
    let mut delivered = 0;
    let mut max = 0;
    let source = (0..items).inspect(|_| {
        taken.fetch_add(1, Ordering::SeqCst);
    });
    let n = run_pipeline(
        source,
        |x| Ok::<_, ()>(x + 1),
        |y| {
            max = max.max(taken.load(Ordering::SeqCst) - delivered);
            assert_eq!(y, delivered + 1, "items out of order or lost");
            delivered += 1;
            busy_wait(Duration::from_micros(30));
        },
        capacity,
    );
    assert_eq!(n, Ok(items), "every item must reach the sink");
    max
}

/// Polls `done` for up to 3 s.
fn within_3s(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

#[test]
fn the_three_steps_run_on_their_own_threads() {
    let produced = AtomicU64::new(0);
    let transformed = AtomicU64::new(0);
    let stage_saw_the_source_run = std::sync::atomic::AtomicBool::new(true);
    let mut sink_saw_both_run = true;
    let source = (0..10u64).inspect(|_| {
        produced.fetch_add(1, Ordering::SeqCst);
    });
    let n = run_pipeline(
        source,
        |x| {
            // While the stage holds item 1, the source must go on producing.
            if x == 1 && !within_3s(|| produced.load(Ordering::SeqCst) >= 4) {
                stage_saw_the_source_run.store(false, Ordering::SeqCst);
            }
            transformed.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(x)
        },
        |y| {
            // While the sink holds item 0, the other two steps must go on.
            if y == 0 {
                sink_saw_both_run = within_3s(|| transformed.load(Ordering::SeqCst) >= 3);
            }
        },
        4,
    );
    assert_eq!(n, Ok(10));
    assert!(
        stage_saw_the_source_run.load(Ordering::SeqCst),
        "the stage waited 3 s on item 1 and the source produced nothing meanwhile: the source needs its own thread"
    );
    assert!(
        sink_saw_both_run,
        "the sink waited 3 s on item 0 and no further item was transformed meanwhile: the stage needs its own thread"
    );
}

#[test]
fn items_arrive_once_and_in_order() {
    let mut out = Vec::new();
    let n = run_pipeline(0..10_000u64, |x| Ok::<_, ()>(x * 3), |y| out.push(y), 8);
    assert_eq!(n, Ok(10_000));
    assert!(out == (0..10_000).map(|x| x * 3).collect::<Vec<_>>(), "items lost, duplicated or reordered");
}

#[test]
fn an_empty_source_delivers_nothing() {
    let mut calls = 0;
    assert_eq!(run_pipeline(std::iter::empty::<u8>(), Ok::<_, ()>, |_| calls += 1, 4), Ok(0));
    assert_eq!(calls, 0);
}

#[test]
fn one_item_with_capacity_one() {
    let mut out = Vec::new();
    assert_eq!(run_pipeline(std::iter::once("a"), |s| Ok::<_, ()>(s.len()), |n| out.push(n), 1), Ok(1));
    assert_eq!(out, [1]);
}

#[test]
fn a_slow_sink_holds_back_the_source() {
    for capacity in [1, 4, 16] {
        let max = max_in_flight(3_000, capacity);
        let bound = 2 * capacity as u64 + 3;
        assert!(max <= bound, "capacity {capacity}: {max} items were in flight at once, the bound is {bound}");
    }
}

#[test]
fn a_rendezvous_channel_works_too() {
    assert!(max_in_flight(500, 0) <= 3);
}

#[test]
fn a_stage_error_stops_the_pipeline() {
    let taken = AtomicU64::new(0);
    let mut out = Vec::new();
    let source = (0..100_000u64).inspect(|_| {
        taken.fetch_add(1, Ordering::SeqCst);
    });
    let result =
        run_pipeline(source, |x| if x == 100 { Err(format!("bad item {x}")) } else { Ok(x) }, |y| out.push(y), 4);
    assert_eq!(result, Err("bad item 100".to_string()), "the stage's error must be returned");
    assert!(out == (0..100).collect::<Vec<_>>(), "the sink must get exactly the items before the failing one");
    let taken = taken.load(Ordering::SeqCst);
    assert!(taken <= 100 + 2 * 4 + 3, "the source was read on after the error: {taken} of 100 000 items taken");
}

#[test]
fn a_failing_first_item_delivers_nothing() {
    let mut calls = 0;
    assert_eq!(run_pipeline(0..10u8, |_| Err::<u8, _>("no"), |_| calls += 1, 2), Err("no"));
    assert_eq!(calls, 0);
}

/// What a person sees: log lines parsed in the stage and counted per level in the sink.
#[test]
fn log_levels_report() {
    let text = datagen::log_lines(5_000, 42, 0);
    let mut counts = std::collections::BTreeMap::new();
    let parse = |line: &str| line.split(' ').nth(1).map(str::to_string).ok_or_else(|| format!("no level in {line:?}"));
    let n = run_pipeline(text.lines(), parse, |level| *counts.entry(level).or_insert(0) += 1, 16);
    let report: String = counts.iter().map(|(level, n)| format!("{level:<6} {n}\n")).collect();
    assert_eq!(n, Ok(5_000));
    insta::assert_snapshot!("log_levels_5000_seed42", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 60,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_input_any_capacity(items in prop::collection::vec(any::<u32>(), 0..500), capacity in 0usize..8) {
        let mut out = Vec::new();
        let n = run_pipeline(items.iter().copied(), |x| Ok::<_, ()>(u64::from(x) * 2), |y| out.push(y), capacity);
        prop_assert_eq!(n, Ok(items.len() as u64));
        prop_assert_eq!(out, items.iter().map(|&x| u64::from(x) * 2).collect::<Vec<_>>());
    }

    #[test]
    fn any_failure_point(len in 1u64..300, fail_at in 0u64..300, capacity in 1usize..6) {
        let mut out = Vec::new();
        let result = run_pipeline(0..len, |x| if x == fail_at { Err(x) } else { Ok(x) }, |y| out.push(y), capacity);
        if fail_at < len {
            prop_assert_eq!(result, Err(fail_at));
            prop_assert_eq!(out, (0..fail_at).collect::<Vec<_>>());
        } else {
            prop_assert_eq!(result, Ok(len));
            prop_assert_eq!(out, (0..len).collect::<Vec<_>>());
        }
    }
}
