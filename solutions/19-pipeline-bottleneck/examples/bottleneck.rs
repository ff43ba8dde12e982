//! Chapter 6's bottleneck hunt: profile the given job's stages, then time the
//! given split (one worker per stage), the rebalanced one and one thread.
//!
//! `cargo run --release -p pipeline-bottleneck-solution --example bottleneck`

use pipeline_bottleneck::given::{JOB, STAGE_NAMES, items, run, run_sequential};
use pipeline_bottleneck::{SAMPLE, STAGES, profile, rebalance};

const ITEMS: usize = 4_000_000;

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let input = items(&datagen::uniform_u32(ITEMS, 19));
    let measured = profile(&JOB, &input[..SAMPLE]);
    println!("profile on {SAMPLE} items, ns per item:");
    for (name, nanos) in STAGE_NAMES.iter().zip(measured.nanos_per_item) {
        println!("  {name:<10} {nanos:6.1}");
    }
    let tuned = rebalance(&measured, STAGES + cores);
    println!("rebalanced for {} threads on {cores} cores: {tuned:?}", STAGES + cores);
    println!();
    println!("| {ITEMS} items | workers | ms | M items/s |");
    println!("|---|---|---:|---:|");
    let rows: [(&str, Option<[usize; STAGES]>); 4] = [
        ("one thread, all stages", None),
        ("one worker per stage (given)", Some([1; STAGES])),
        ("one more for the slow stage", Some([1, 2, 1])),
        ("rebalanced", Some(tuned)),
    ];
    for (label, workers) in rows {
        let seconds = testkit::median_seconds(5, || {
            std::hint::black_box(match workers {
                None => run_sequential(&JOB, &input),
                Some(w) => run(&JOB, &input, w),
            });
        });
        let shown = workers.map_or("-".to_string(), |w| format!("{w:?}"));
        println!("| {label} | {shown} | {:.0} | {:.1} |", seconds * 1e3, ITEMS as f64 / seconds / 1e6);
    }
}
