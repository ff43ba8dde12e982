//! The one test suite of exercise 19-pipeline-bottleneck, run against the
//! learner's crate and the reference. `profile` is checked on pipelines whose
//! slow stage moves (a guess cannot pass), `rebalance` against a brute-force
//! search over every split, `run_tuned` against the sequential pipeline.

use std::fmt::Write as _;

use pipeline_bottleneck::given::{JOB, STAGE_NAMES, items, run_sequential};
use pipeline_bottleneck::{Pipeline, SAMPLE, STAGES, StageProfile, profile, rebalance, run_tuned};
use proptest::prelude::*;

/// Time per item of the slowest stage per worker: what limits throughput.
fn bottleneck(cost: &[f64; STAGES], workers: &[usize; STAGES]) -> f64 {
    (0..STAGES).map(|s| cost[s] / workers[s] as f64).fold(0.0, f64::max)
}

/// Every split of `threads` into STAGES parts of at least 1.
fn splits(threads: usize) -> Vec<[usize; STAGES]> {
    let mut all = Vec::new();
    for a in 1..threads {
        for b in 1..threads - a {
            all.push([a, b, threads - a - b]);
        }
    }
    all
}

fn best_bottleneck(cost: &[f64; STAGES], threads: usize) -> f64 {
    splits(threads).iter().map(|w| bottleneck(cost, w)).fold(f64::INFINITY, f64::min)
}

fn assert_optimal(cost: [f64; STAGES], threads: usize) {
    let workers = rebalance(&StageProfile { nanos_per_item: cost }, threads);
    assert!(
        workers.iter().all(|&w| w > 0),
        "rebalance({cost:?}, {threads}) gave {workers:?}: a stage with no worker never finishes"
    );
    assert_eq!(
        workers.iter().sum::<usize>(),
        threads,
        "rebalance({cost:?}, {threads}) gave {workers:?}: not {threads} workers"
    );
    let (got, best) = (bottleneck(&cost, &workers), best_bottleneck(&cost, threads));
    let slowest =
        (0..STAGES).max_by(|&a, &b| (cost[a] / workers[a] as f64).total_cmp(&(cost[b] / workers[b] as f64))).unwrap();
    assert!(
        got <= best * (1.0 + 1e-12),
        "rebalance({cost:?}, {threads}) gave {workers:?}: its slowest stage, {} with {} worker(s), takes {got:.3} ns per item \
         per worker, but a split can reach {best:.3}",
        STAGE_NAMES[slowest],
        workers[slowest]
    );
}

#[test]
fn rebalancing_examples() {
    // [40, 60, 10] on 6 threads: enrich, the slowest stage at the start, is
    // not the bottleneck any more after two extra workers — parse is.
    let cases = [
        ([10.0, 60.0, 10.0], 5),
        ([40.0, 60.0, 10.0], 6),
        ([10.0, 60.0, 10.0], 8),
        ([30.0, 10.0, 20.0], 6),
        ([1.0, 1.0, 100.0], 4),
        ([5.0, 40.0, 20.0], 10),
    ];
    let mut table = String::new();
    for (cost, threads) in cases {
        // Each of these has one best split, so the table is the same for every correct rebalance.
        let best = best_bottleneck(&cost, threads);
        let optimal: Vec<_> = splits(threads).into_iter().filter(|w| bottleneck(&cost, w) <= best).collect();
        assert_eq!(optimal.len(), 1, "test case {cost:?} on {threads} threads has several best splits");
        let workers = rebalance(&StageProfile { nanos_per_item: cost }, threads);
        let named: Vec<String> = STAGE_NAMES.iter().zip(&workers).map(|(n, w)| format!("{n} {w}")).collect();
        writeln!(table, "{cost:?} ns/item on {threads} threads: {}", named.join(", ")).unwrap();
    }
    insta::assert_snapshot!(table);
}

#[test]
fn stages_that_cost_nothing_still_get_a_worker() {
    assert_optimal([0.0, 0.0, 0.0], 7);
    assert_optimal([0.0, 50.0, 0.0], 4);
    assert_optimal([1.0, 2.0, 3.0], STAGES);
}

#[test]
#[should_panic(expected = "stage")]
fn fewer_threads_than_stages_are_refused() {
    rebalance(&StageProfile { nanos_per_item: [1.0, 2.0, 3.0] }, STAGES - 1);
}

/// A pipeline whose stage `slow` costs 20 times the others.
fn slow_at(slow: usize) -> Pipeline {
    let mut rounds = [4; STAGES];
    rounds[slow] = 80;
    Pipeline::new(rounds)
}

/// Each stage's least time per item over `tries` profiles: a measurement
/// another program disturbed (it took the core for a moment) only ever comes
/// out too large, so the least is the undisturbed one.
fn least_of(tries: usize, mut profile_once: impl FnMut() -> StageProfile) -> [f64; STAGES] {
    (0..tries).fold([f64::INFINITY; STAGES], |least, _| {
        let t = profile_once().nanos_per_item;
        std::array::from_fn(|s| least[s].min(t[s]))
    })
}

#[test]
fn profile_finds_the_slow_stage_wherever_it_is() {
    let _alone = testkit::serial();
    let sample = items(&datagen::uniform_u32(10_000, 19));
    for slow in 0..STAGES {
        let t = least_of(5, || profile(&slow_at(slow), &sample));
        // The slow stage does 80 rounds of a multiply chain: well over 1 ns on any machine.
        assert!(
            t[slow] >= 1.0,
            "stage {} ({slow}) does 80 rounds of mixing per item, but the profiles say at least {t:?} ns per item: \
             the work was not measured — is each stage's result used (fed to the next stage, or \
             std::hint::black_box)? The compiler drops a loop whose results nobody reads",
            STAGE_NAMES[slow]
        );
        assert!(
            (0..STAGES).all(|s| s == slow || t[slow] > 3.0 * t[s]),
            "stage {} ({slow}) does 20× the work of the others, but five profiles say at least {t:?} ns per item: \
             time each stage's pass on its own",
            STAGE_NAMES[slow]
        );
    }
}

#[test]
fn profile_is_per_item() {
    let _alone = testkit::serial();
    let pipeline = slow_at(1);
    let small = items(&datagen::uniform_u32(1_000, 1));
    let large = items(&datagen::uniform_u32(4_000, 2));
    // Per item, not per sample: four times the items, about the same numbers.
    let (mut on_small, mut on_large) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..7 {
        on_small = on_small.min(profile(&pipeline, &small).nanos_per_item[1]);
        on_large = on_large.min(profile(&pipeline, &large).nanos_per_item[1]);
    }
    let ratio = on_large / on_small;
    assert!(
        (0.5..2.0).contains(&ratio),
        "the slow stage measured {on_large:.1} ns per item on 4 000 items and {on_small:.1} on 1 000 (the least of 7 \
         profiles each), a ratio of {ratio:.2}: divide the time by the sample's length"
    );
}

#[test]
#[should_panic(expected = "sample")]
fn an_empty_sample_is_refused() {
    profile(&JOB, &[]);
}

#[test]
#[cfg(target_os = "linux")]
fn the_tuned_job_starts_stages_plus_cores_workers() {
    let _alone = testkit::serial();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let input = items(&datagen::uniform_u32(1_000_000, 23));
    // A thread started without a name takes the name of the thread that
    // starts it: given::run's threads are named after this test.
    let me = std::fs::read_to_string("/proc/thread-self/comm").expect("this thread's name").trim().to_string();
    // datagen's threads, joined, may take a moment to leave: wait (at most 2 s) until this one is alone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while testkit::thread_names().iter().filter(|n| **n == me).count() > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let (total, cpu) = testkit::cpu_by_thread(|| run_tuned(&input));
    assert_eq!(total, run_sequential(&JOB, &input), "run_tuned of a million items");
    // This thread and those it started (all of them ran: each did work).
    let started = cpu.iter().filter(|(name, s)| *name == me && *s > 0.0).count().saturating_sub(1);
    assert_eq!(
        started,
        STAGES + cores + 1,
        "run_tuned started {started} threads: given::run starts one per worker and one that feeds the items, and \
         run_tuned gives it STAGES + cores = {STAGES} + {cores} workers (split by rebalance). Threads seen, with \
         their CPU-seconds: {cpu:.3?}"
    );
}

#[test]
fn the_tuned_job_matches_the_sequential_pipeline() {
    for n in [0, 1, 100, SAMPLE, SAMPLE + 1, 100_000] {
        let input = items(&datagen::uniform_u32(n, 7));
        assert_eq!(run_tuned(&input), run_sequential(&JOB, &input), "{n} items");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rebalance_reaches_the_best_bottleneck(
        cost in prop::array::uniform3(0.1f64..1000.0),
        threads in STAGES..=16,
    ) {
        assert_optimal(cost, threads);
    }
}
