//! Given: a three-stage pipeline whose stages cost different amounts of work
//! per item, and the code that runs it with any number of workers per stage.

use crossbeam::channel::{Receiver, Sender, bounded};

/// Stages, in the order items pass through them.
pub const STAGES: usize = 3;
/// What each stage is called in messages and in the book.
pub const STAGE_NAMES: [&str; STAGES] = ["parse", "enrich", "summarize"];
/// Items travel between stages in batches of this many: one channel
/// operation per batch, not per item.
pub const BATCH: usize = 512;
/// Batches each channel holds before its sender waits (backpressure).
pub const CHANNEL_BATCHES: usize = 4;

// ANCHOR: pipeline
/// A pipeline of [`STAGES`] stages. How much each stage costs is not
/// visible from outside: measure it.
#[derive(Clone, Copy, Debug)]
pub struct Pipeline {
    rounds: [u32; STAGES],
}

impl Pipeline {
    /// A pipeline whose stage `s` does `rounds[s]` rounds of mixing per item.
    pub const fn new(rounds: [u32; STAGES]) -> Pipeline {
        Pipeline { rounds }
    }

    /// Stage `stage`'s work on one item. (`#[inline]`: the optimizer sees
    /// through it wherever it is called, in the tests' build as in `bench`'s,
    /// so a measured loop whose results are unused goes away in both.)
    #[inline]
    pub fn stage(&self, stage: usize, item: u64) -> u64 {
        let mut h = item ^ (stage as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for _ in 0..self.rounds[stage] {
            h ^= h >> 29;
            h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        }
        h
    }
}

/// The job of the exercise: one stage is much slower than the others.
pub const JOB: Pipeline = Pipeline::new([8, 56, 8]);
// ANCHOR_END: pipeline

// ANCHOR: profile
/// Time each stage spends on one item, as measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageProfile {
    pub nanos_per_item: [f64; STAGES],
}
// ANCHOR_END: profile

/// All stages on one thread, item after item: what every run must equal.
pub fn run_sequential(pipeline: &Pipeline, items: &[u64]) -> u64 {
    items.iter().map(|&x| (0..STAGES).fold(x, |v, s| pipeline.stage(s, v))).fold(0, u64::wrapping_add)
}

// ANCHOR: run
/// Runs `items` through `pipeline` with `workers[s]` threads for stage `s`,
/// connected by bounded channels; returns the wrapping sum of the results
/// (the same as [`run_sequential`]).
///
/// # Panics
///
/// If a stage has no worker: its items would wait forever.
pub fn run(pipeline: &Pipeline, items: &[u64], workers: [usize; STAGES]) -> u64 {
    for (name, &count) in STAGE_NAMES.iter().zip(&workers) {
        assert!(count > 0, "stage {name} has no worker: its items would wait forever ({workers:?})");
    }
    let (to_parse, parse_in) = bounded::<Vec<u64>>(CHANNEL_BATCHES);
    let (to_enrich, enrich_in) = bounded(CHANNEL_BATCHES);
    let (to_summarize, summarize_in) = bounded(CHANNEL_BATCHES);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for batch in items.chunks(BATCH) {
                to_parse.send(batch.to_vec()).expect("the parse stage is running");
            }
        });
        for _ in 0..workers[0] {
            let (input, output) = (parse_in.clone(), to_enrich.clone());
            scope.spawn(move || forward(pipeline, 0, &input, &output));
        }
        for _ in 0..workers[1] {
            let (input, output) = (enrich_in.clone(), to_summarize.clone());
            scope.spawn(move || forward(pipeline, 1, &input, &output));
        }
        // Only the workers may hold the channels' ends, or they never close.
        drop((parse_in, to_enrich, enrich_in, to_summarize));
        let last: Vec<_> = (0..workers[2])
            .map(|_| {
                let input = summarize_in.clone();
                scope.spawn(move || {
                    let mut total = 0u64;
                    for batch in input {
                        for x in batch {
                            total = total.wrapping_add(pipeline.stage(2, x));
                        }
                    }
                    total
                })
            })
            .collect();
        drop(summarize_in);
        last.into_iter().map(|h| h.join().expect("a summarize worker panicked")).fold(0, u64::wrapping_add)
    })
}
// ANCHOR_END: run

/// One worker of a middle stage: batches in, the stage applied, batches out.
fn forward(pipeline: &Pipeline, stage: usize, input: &Receiver<Vec<u64>>, output: &Sender<Vec<u64>>) {
    for mut batch in input {
        for x in &mut batch {
            *x = pipeline.stage(stage, *x);
        }
        output.send(batch).expect("the next stage is running");
    }
}

/// The version this exercise improves on: one worker per stage.
pub fn run_one_worker_per_stage(items: &[u64]) -> u64 {
    run(&JOB, items, [1; STAGES])
}

/// Items for the tests and the gate: `n` values from `datagen`.
pub fn items(raw: &[u32]) -> Vec<u64> {
    raw.iter().map(|&x| u64::from(x)).collect()
}
