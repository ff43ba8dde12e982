//! The one test suite of exercise 08, run unchanged against your crate and
//! the reference. `cargo xtask check 08-bounded-pipeline` runs it; do not edit it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
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

/// Waits until `count` goes above `limit`, or has not moved for 200 ms (3 s
/// at most), and returns it. A step held up in a test's closure lets the
/// other threads run as far ahead as the pipeline allows: a correct one
/// stops at `limit`, and one with more room than it should goes past it —
/// however the threads happen to be scheduled, short of a 200 ms stall.
fn settle(count: &AtomicU64, limit: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(3);
    let (mut last, mut since) = (count.load(Ordering::SeqCst), Instant::now());
    while last <= limit && since.elapsed() < Duration::from_millis(200) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
        let now = count.load(Ordering::SeqCst);
        if now != last {
            (last, since) = (now, Instant::now());
        }
    }
    last
}

/// Runs `items` through a pipeline whose sink is slow, and returns the largest
/// number of items ever taken from the source but not yet delivered. The
/// sink holds the first item until the other threads have filled all the
/// room the pipeline has, so the most it can hold is always measured.
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
            if delivered == 0 {
                settle(&taken, 2 * capacity as u64 + 3);
            }
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

/// Set once a pipeline run by [`in_time`] has hung: its threads are still
/// blocked, so later runs are not started (each would wait its 3 s too).
static HUNG: AtomicBool = AtomicBool::new(false);

/// Runs `pipeline` on a thread of its own and waits for it at most 3 s, so a
/// pipeline that hangs fails its test with a message instead of stopping the
/// whole suite. (A hung pipeline's threads are left blocked until the test
/// program ends.)
fn in_time<R: Send + 'static>(pipeline: impl FnOnce() -> R + Send + 'static) -> R {
    assert!(!HUNG.load(Ordering::SeqCst), "not run: an earlier pipeline of these tests hung (see its failure)");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(pipeline());
    });
    match rx.recv_timeout(Duration::from_secs(3)) {
        Ok(result) => result,
        Err(RecvTimeoutError::Disconnected) => panic!("run_pipeline panicked (its message is above)"),
        Err(RecvTimeoutError::Timeout) => {
            HUNG.store(true, Ordering::SeqCst);
            panic!(
                "run_pipeline did not return within 3 s: a thread waits for something that never comes. After a stage\n\
                 error, the stage thread must own its receiver, so that returning drops it and the source's next send\n\
                 fails; the sink's loop ends when the stage's sender is dropped; and no thread may be joined while the\n\
                 threads it waits for are not started yet."
            )
        }
    }
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
fn the_stage_runs_on_one_thread() {
    const CAPACITY: u64 = 2;
    let taken = AtomicU64::new(0);
    let stage_threads = std::sync::Mutex::new(std::collections::HashSet::new());
    let source = (0..200u64).inspect(|_| {
        taken.fetch_add(1, Ordering::SeqCst);
    });
    let mut out = Vec::new();
    let n = run_pipeline(
        source,
        |x| {
            stage_threads.lock().unwrap().insert(std::thread::current().id());
            if x == 0 {
                // Held up on item 0, one stage thread leaves the items behind
                // it in the channel (`CAPACITY + 2` taken); a second one takes
                // item 1 meanwhile, and stages it later.
                settle(&taken, CAPACITY + 2);
            }
            Ok::<_, ()>(x)
        },
        |y| out.push(y),
        CAPACITY as usize,
    );
    assert_eq!(n, Ok(200));
    let threads = stage_threads.into_inner().unwrap().len();
    assert_eq!(
        threads, 1,
        "the stage ran on {threads} threads: stages on several threads overtake each other, so results lose their\n\
         order. Run the stage on one thread of its own."
    );
    assert!(out == (0..200).collect::<Vec<_>>(), "items lost, duplicated or reordered");
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
        let max = max_in_flight(1_000, capacity);
        let bound = 2 * capacity as u64 + 3;
        assert!(
            max <= bound,
            "capacity {capacity}: {max} items were taken from the source and not yet given to the sink at once; at most\n\
             {bound} may be: {capacity} in each channel, one in each thread's hands. Make both channels bounded(capacity)\n\
             exactly, and keep no buffer of your own in a thread."
        );
    }
}

#[test]
fn a_rendezvous_channel_works_too() {
    let max = max_in_flight(500, 0);
    assert!(
        max <= 3,
        "capacity 0: {max} items were taken from the source and not yet given to the sink at once; at most 3 may be,\n\
         one in each thread's hands: bounded(0) is a rendezvous channel that holds nothing (not bounded(1))"
    );
}

#[test]
fn a_stage_error_stops_the_pipeline() {
    let taken = Arc::new(AtomicU64::new(0));
    let counter = taken.clone();
    let (result, out) = in_time(move || {
        let mut out = Vec::new();
        let source = (0..100_000u64).inspect(|_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let result =
            run_pipeline(source, |x| if x == 100 { Err(format!("bad item {x}")) } else { Ok(x) }, |y| out.push(y), 4);
        (result, out)
    });
    assert_eq!(result, Err("bad item 100".to_string()), "the stage's error must be returned");
    assert!(out == (0..100).collect::<Vec<_>>(), "the sink must get exactly the items before the failing one");
    let taken = taken.load(Ordering::SeqCst);
    assert!(taken <= 100 + 2 * 4 + 3, "the source was read on after the error: {taken} of 100 000 items taken");
}

#[test]
fn a_failing_first_item_delivers_nothing() {
    let (result, calls) = in_time(|| {
        let mut calls = 0;
        (run_pipeline(0..10u8, |_| Err::<u8, _>("no"), |_| calls += 1, 2), calls)
    });
    assert_eq!(result, Err("no"));
    assert_eq!(calls, 0);
}

#[test]
fn the_first_error_is_returned() {
    let (result, out) = in_time(|| {
        let mut out = Vec::new();
        let result = run_pipeline(0..50u64, |x| if x % 10 == 3 { Err(x) } else { Ok(x) }, |y| out.push(y), 4);
        (result, out)
    });
    assert_eq!(
        result,
        Err(3),
        "items 3, 13, 23, 33 and 43 fail: the error of the first failing item, 3, must be returned, and nothing after it"
    );
    assert_eq!(out, [0, 1, 2], "the sink must get exactly the items before the first failing one");
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
        let (result, out) = in_time(move || {
            let mut out = Vec::new();
            let result = run_pipeline(0..len, |x| if x == fail_at { Err(x) } else { Ok(x) }, |y| out.push(y), capacity);
            (result, out)
        });
        if fail_at < len {
            prop_assert_eq!(result, Err(fail_at));
            prop_assert_eq!(out, (0..fail_at).collect::<Vec<_>>());
        } else {
            prop_assert_eq!(result, Ok(len));
            prop_assert_eq!(out, (0..len).collect::<Vec<_>>());
        }
    }
}
