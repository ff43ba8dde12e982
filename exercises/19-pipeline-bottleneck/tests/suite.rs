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

#[test]
fn profile_finds_the_slow_stage_wherever_it_is() {
    let _alone = testkit::serial();
    let sample = items(&datagen::uniform_u32(20_000, 19));
    for slow in 0..STAGES {
        // A measurement can be disturbed (another program took the core for a
        // moment): three tries, and the slow stage must be found in one.
        let profiles: Vec<StageProfile> = (0..3).map(|_| profile(&slow_at(slow), &sample)).collect();
        let found = profiles.iter().any(|p| {
            let t = p.nanos_per_item;
            (0..STAGES).all(|s| s == slow || t[slow] > 3.0 * t[s])
        });
        assert!(
            found,
            "stage {} ({slow}) does 20× the work of the others, but three profiles say {:?} ns per item",
            STAGE_NAMES[slow],
            profiles.iter().map(|p| p.nanos_per_item).collect::<Vec<_>>()
        );
    }
}

#[test]
fn profile_is_per_item() {
    let _alone = testkit::serial();
    let pipeline = slow_at(1);
    let small = items(&datagen::uniform_u32(10_000, 1));
    let large = items(&datagen::uniform_u32(40_000, 2));
    // Per item, not per sample: four times the items, about the same numbers.
    let ratios: Vec<f64> = (0..3)
        .map(|_| profile(&pipeline, &large).nanos_per_item[1] / profile(&pipeline, &small).nanos_per_item[1])
        .collect();
    assert!(
        ratios.iter().any(|r| (0.5..2.0).contains(r)),
        "the slow stage measured on 40 000 items ÷ on 10 000 items gave {ratios:?}: divide by the sample's length"
    );
}

#[test]
#[should_panic(expected = "sample")]
fn an_empty_sample_is_refused() {
    profile(&JOB, &[]);
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
