//! Reference solution of exercise 19-pipeline-bottleneck.

#[path = "../../../exercises/19-pipeline-bottleneck/src/given.rs"]
pub mod given;

use std::time::Instant;

pub use given::{Pipeline, STAGES, StageProfile};

pub const SAMPLE: usize = 8192;

pub fn profile(pipeline: &Pipeline, sample: &[u64]) -> StageProfile {
    assert!(!sample.is_empty(), "profile needs a sample of at least one item");
    let mut values = sample.to_vec();
    let mut nanos_per_item = [0.0; STAGES];
    for (stage, nanos) in nanos_per_item.iter_mut().enumerate() {
        let start = Instant::now();
        for v in &mut values {
            *v = pipeline.stage(stage, *v);
        }
        // Keep the optimizer from dropping a pass whose values look unused.
        std::hint::black_box(&values);
        *nanos = start.elapsed().as_nanos() as f64 / sample.len() as f64;
    }
    StageProfile { nanos_per_item }
}

pub fn rebalance(profile: &StageProfile, threads: usize) -> [usize; STAGES] {
    assert!(threads >= STAGES, "{threads} threads for {STAGES} stages: every stage needs a worker");
    let cost = profile.nanos_per_item;
    let mut workers = [1; STAGES];
    for _ in STAGES..threads {
        let bottleneck = (0..STAGES)
            .max_by(|&a, &b| (cost[a] / workers[a] as f64).total_cmp(&(cost[b] / workers[b] as f64)))
            .expect("there are stages");
        workers[bottleneck] += 1;
    }
    workers
}

pub fn run_tuned(items: &[u64]) -> u64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let sample = &items[..items.len().min(SAMPLE)];
    if sample.is_empty() {
        return 0;
    }
    let workers = rebalance(&profile(&given::JOB, sample), STAGES + cores);
    given::run(&given::JOB, items, workers)
}
