//! The one test suite of exercise 15, run unchanged against your crate and
//! the reference. `cargo xtask check 15-panic-isolation` runs it; do not edit it.
//!
//! The panics these tests cause on purpose print their usual message on
//! stderr ("thread '…' panicked at …"): that is the panic hook, and it is
//! expected.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use panic_isolation::{ItemPanic, NON_STRING_PAYLOAD, run_isolated};
use proptest::prelude::*;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool")
}

/// Runs a job on `pool`; a panic that escapes `run_isolated` fails the test with a clear message.
fn job<R: Send>(pool: &rayon::ThreadPool, items: &[u32], work: impl Fn(&u32) -> R + Sync) -> Vec<Result<R, ItemPanic>> {
    match catch_unwind(AssertUnwindSafe(|| pool.install(|| run_isolated(items, &work)))) {
        Ok(results) => results,
        Err(_) => panic!("a panic in one item escaped run_isolated: the whole job failed, every result is lost"),
    }
}

/// The work of the property tests: panics on multiples of `modulus`, with a `String` message.
fn fragile(x: u32, modulus: u32) -> u64 {
    if x.is_multiple_of(modulus) {
        panic!("{x} is a multiple of {modulus}");
    }
    u64::from(x) * 3
}

fn oracle(items: &[u32], modulus: u32) -> Vec<Result<u64, ItemPanic>> {
    let outcome = |(index, &x): (usize, &u32)| {
        if x.is_multiple_of(modulus) {
            Err(ItemPanic { index, message: format!("{x} is a multiple of {modulus}") })
        } else {
            Ok(u64::from(x) * 3)
        }
    };
    items.iter().enumerate().map(outcome).collect()
}

#[test]
fn no_items_no_results() {
    assert!(job(&pool(2), &[], |&x| x).is_empty());
}

#[test]
fn the_example_of_the_docs() {
    let out = job(&pool(2), &[1, 0, 4], |&x| 100 / x);
    assert_eq!(out[0], Ok(100));
    assert_eq!(out[1], Err(ItemPanic { index: 1, message: "attempt to divide by zero".into() }));
    assert_eq!(out[2], Ok(25));
}

#[test]
fn one_panic_the_others_finish() {
    let items: Vec<u32> = (0..1000).collect();
    let out = job(&pool(2), &items, |&x| if x == 617 { panic!("item 617 is cursed") } else { x + 1 });
    assert_eq!(out.len(), 1000, "one result per item");
    for (i, r) in out.iter().enumerate() {
        if i == 617 {
            assert_eq!(
                r,
                &Err(ItemPanic { index: 617, message: "item 617 is cursed".into() }),
                "item 617 panicked: its ItemPanic names it by its place in the whole input, 617"
            );
        } else {
            assert_eq!(r, &Ok(i as u32 + 1), "item {i} did not panic; its result is lost or wrong");
        }
    }
}

#[test]
fn a_literal_message_is_kept() {
    let out = job(&pool(2), &[7], |_| -> u32 { panic!("a static message") });
    assert_eq!(out, vec![Err(ItemPanic { index: 0, message: "a static message".into() })]);
}

#[test]
fn a_formatted_message_is_kept() {
    // `panic!` with arguments carries a `String`, not a `&str`.
    let out = job(&pool(2), &[7], |x| -> u32 { panic!("item {x} failed at step {}", x * 2) });
    assert_eq!(out, vec![Err(ItemPanic { index: 0, message: "item 7 failed at step 14".into() })]);
}

#[test]
fn an_unwrap_message_is_kept() {
    let out = job(&pool(2), &[1, 2], |&x| -> u32 { "nope".parse::<u32>().map(|n| n + x).unwrap() });
    let want = "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }";
    assert_eq!(out[1], Err(ItemPanic { index: 1, message: want.into() }));
}

#[test]
fn a_non_string_payload_has_the_stated_message() {
    let out = job(&pool(2), &[1, 2, 3], |&x| if x == 2 { std::panic::panic_any(42_i32) } else { x });
    assert_eq!(out, vec![Ok(1), Err(ItemPanic { index: 1, message: NON_STRING_PAYLOAD.into() }), Ok(3)]);
}

#[test]
fn a_message_is_kept_whole() {
    // Messages of several lines (as `assert_eq!` makes), spaces at the ends, an empty one: as given, every byte.
    let messages =
        ["first line\nsecond line", "assertion failed\n  left: 1\n right: 2", "  padded  \n", "", "ünïcödé ✓"];
    let items: Vec<u32> = (0..messages.len() as u32).collect();
    let out = job(&pool(2), &items, |&x| -> u32 { panic!("{}", messages[x as usize]) });
    for (i, message) in messages.iter().enumerate() {
        assert_eq!(
            out[i],
            Err(ItemPanic { index: i, message: message.to_string() }),
            "the message is the text given to `panic!`, whole: not its first line, not trimmed"
        );
    }
}

#[test]
fn the_panic_hook_is_left_as_the_caller_set_it() {
    // The panic hook belongs to the whole process: while a job runs, other
    // threads panic too, and their panics must still be reported. So the
    // caller's hook sees every item's panic, and is still in place after.
    static SEEN: AtomicUsize = AtomicUsize::new(0);
    const MARK: &str = "seen-by-the-callers-hook";
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let text = payload.downcast_ref::<String>().map(String::as_str).or(payload.downcast_ref::<&str>().copied());
        if text.is_some_and(|t| t.starts_with(MARK)) {
            SEEN.fetch_add(1, Ordering::SeqCst);
        }
    }));
    let out = catch_unwind(AssertUnwindSafe(|| {
        pool(2).install(|| run_isolated(&[0, 1, 2, 3], |&x: &u32| if x % 2 == 0 { panic!("{MARK} {x}") } else { x }))
    }));
    let during = SEEN.load(Ordering::SeqCst);
    let _ = catch_unwind(|| panic!("{MARK} after the job"));
    let after = SEEN.load(Ordering::SeqCst) - during;
    std::panic::set_hook(previous);
    let out = out.expect("a panic escaped run_isolated");
    assert_eq!(out.iter().filter(|r| r.is_err()).count(), 2, "items 0 and 2 panic");
    assert_eq!(
        (during, after),
        (2, 1),
        "(item panics the caller's hook saw, later panics it saw): run_isolated must not replace the panic hook — \
         it is the whole process's, so a quiet hook silences other threads' panics, and one not put back silences \
         every later panic"
    );
}

#[test]
fn every_item_may_panic() {
    let items: Vec<u32> = (0..64).collect();
    let out = job(&pool(3), &items, |x| -> u8 { panic!("no {x}") });
    let want: Vec<Result<u8, ItemPanic>> =
        (0..64).map(|i| Err(ItemPanic { index: i, message: format!("no {i}") })).collect();
    assert_eq!(out, want);
}

#[test]
fn the_pool_works_for_the_next_job() {
    let pool = pool(3);
    let items: Vec<u32> = (0..300).collect();
    let first = job(&pool, &items, |&x| if x.is_multiple_of(10) { panic!("ten") } else { x });
    assert_eq!(first.iter().filter(|r| r.is_err()).count(), 30);
    // Every thread of the pool is alive and takes work.
    let mut threads = pool.broadcast(|ctx| ctx.index());
    threads.sort_unstable();
    assert_eq!(threads, vec![0, 1, 2], "after a job with panics, the pool should still run on all its threads");
    let second = job(&pool, &items, |&x| x * 2);
    assert!(second.iter().enumerate().all(|(i, r)| r == &Ok(i as u32 * 2)), "the second job on the same pool failed");
    // And the global pool, too.
    let third = catch_unwind(|| run_isolated(&items, |&x| if x == 5 { panic!("five") } else { x }));
    let third = third.expect("a panic escaped run_isolated on the global pool");
    assert_eq!(third.iter().filter(|r| r.is_err()).count(), 1);
}

#[test]
fn items_run_at_the_same_time() {
    // Two items on two threads, each waiting (at most 3 s) for the other to start.
    let arrived = AtomicUsize::new(0);
    let out = job(&pool(2), &[0, 1], |_| {
        arrived.fetch_add(1, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(3);
        while arrived.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        arrived.load(Ordering::SeqCst) >= 2
    });
    assert_eq!(out, vec![Ok(true), Ok(true)], "the two items never ran at the same time: run them in parallel");
}

#[test]
fn results_come_in_input_order_not_finishing_order() {
    // Item 0 waits until item 1 has started, then sleeps: item 1 always
    // finishes first, so results kept in finishing order come out swapped.
    let started = AtomicUsize::new(0);
    let out = job(&pool(2), &[0, 1], |&i| {
        if i == 0 {
            let deadline = Instant::now() + Duration::from_secs(3);
            while started.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_millis(50));
        } else {
            started.store(1, Ordering::SeqCst);
        }
        i * 10
    });
    assert_eq!(out, vec![Ok(0), Ok(10)], "result i must be item i's, whatever order the items finish in");
}

#[test]
fn items_can_run_while_another_panics() {
    // Item 0 panics only once item 1 has started; item 1 ends only once item 0 has panicked.
    let (started, panicked) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let wait_for = |flag: &AtomicUsize| {
        let deadline = Instant::now() + Duration::from_secs(3);
        while flag.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        flag.load(Ordering::SeqCst) != 0
    };
    let out = job(&pool(2), &[0, 1], |&x| {
        if x == 0 {
            let saw = wait_for(&started);
            panicked.store(1, Ordering::SeqCst);
            panic!("item 0 gives up (item 1 seen: {saw})");
        }
        started.store(1, Ordering::SeqCst);
        wait_for(&panicked)
    });
    assert_eq!(out[0], Err(ItemPanic { index: 0, message: "item 0 gives up (item 1 seen: true)".into() }));
    assert_eq!(out[1], Ok(true), "item 1 should finish normally while item 0 panics beside it");
}

#[test]
fn items_run_on_the_pool_of_the_caller() {
    // The caller's pool names its threads: every item must run on one of them.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .thread_name(|i| format!("callers-pool-{i}"))
        .build()
        .expect("a thread pool");
    let items: Vec<u32> = (0..300).collect();
    let out = job(&pool, &items, |&x| {
        if x % 50 == 7 {
            panic!("item {x} fails");
        }
        std::thread::current().name().map(str::to_owned)
    });
    for (i, r) in out.iter().enumerate() {
        if let Ok(name) = r {
            assert!(
                name.as_deref().is_some_and(|n| n.starts_with("callers-pool-")),
                "item {i} ran on the thread {name:?}, not on a thread of the pool run_isolated was called in \
                 (`callers-pool-0` to `-2`): use a rayon parallel iterator, which runs on the current pool — not a \
                 pool of your own or `std::thread`s"
            );
        }
    }
    assert_eq!(out.iter().filter(|r| r.is_err()).count(), 6, "items 7, 57, …, 257 panic");
}

/// What a person sees: a job's report, one line per item.
#[test]
fn job_report() {
    let items: Vec<u32> = (0..10).collect();
    let out = job(&pool(2), &items, |&x| match x {
        2 => panic!("a static message"),
        5 => panic!("item {x}: value {} out of range", x * 100),
        7 => std::panic::panic_any(x),
        _ => x * x,
    });
    let report: String = out
        .iter()
        .enumerate()
        .map(|(i, r)| match r {
            Ok(v) => format!("{i}: ok {v}\n"),
            Err(e) => format!("{i}: {e}\n"),
        })
        .collect();
    insta::assert_snapshot!("job_of_10_with_3_panics", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 60,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_job_matches_the_oracle(
        items in prop::collection::vec(0u32..10_000, 0..300),
        modulus in 2u32..40,
        threads in 1usize..5,
    ) {
        let got = job(&pool(threads), &items, |&x| fragile(x, modulus));
        prop_assert_eq!(got, oracle(&items, modulus));
    }
}
