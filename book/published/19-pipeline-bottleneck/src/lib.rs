//! Exercise 19-pipeline-bottleneck — measure a pipeline's stages, then give
//! the slow one more workers. Read `book/src/ch06-resource-tuning/pipeline-bottleneck.md`.
//!
//! The pipeline, its runner and the job are given in `given.rs`.

pub mod given;

pub use given::{Pipeline, STAGES, StageProfile};

// ANCHOR: profile
/// Measures the time each stage of `pipeline` takes per item, on `sample`.
///
/// Run the stages one after another on this thread — all of `sample`
/// through stage 0, those results through stage 1, and so on — timing each
/// stage's pass with `std::time::Instant`. Divide by the sample's length.
///
/// # Panics
///
/// If `sample` is empty: nothing to measure.
pub fn profile(pipeline: &Pipeline, sample: &[u64]) -> StageProfile {
    todo!("time each stage on the sample")
}
// ANCHOR_END: profile

// ANCHOR: rebalance
/// Splits `threads` workers over the stages for the most throughput.
///
/// A pipeline runs as fast as its slowest stage: the stage with the most
/// time per item per worker, `nanos_per_item[s] / workers[s]`. Give every
/// stage one worker, then each further worker to the stage that is the
/// bottleneck at that moment. The result has no zero, adds up to `threads`,
/// and its bottleneck is as small as any split of `threads` can make it.
///
/// # Panics
///
/// If `threads < STAGES`: every stage needs a worker.
pub fn rebalance(profile: &StageProfile, threads: usize) -> [usize; STAGES] {
    todo!("one worker each, then the rest to the bottleneck, one at a time")
}
// ANCHOR_END: rebalance

// ANCHOR: tuned
/// Runs `given::JOB` over `items` with `STAGES + cores` workers (cores from
/// `std::thread::available_parallelism()`) split by `rebalance`, using a `profile` of the job on the first `SAMPLE` items
/// (all of them if there are fewer; none at all gives 0). Equals
/// `given::run_sequential(&given::JOB, items)`.
pub fn run_tuned(items: &[u64]) -> u64 {
    todo!("profile a sample, rebalance, given::run")
}
// ANCHOR_END: tuned

/// Items `run_tuned` profiles: enough for a stable measurement (about a
/// millisecond), few enough to cost nothing next to the job.
pub const SAMPLE: usize = 8192;
