//! Grain size: the same jobs cut into tasks of `grain` items, from one item
//! per task (overhead) to one task per core (imbalance). Two jobs: the
//! exercise's skewed scores, and cheap items (no xorshift rounds at all),
//! where the cost of a task is all there is to see.
//!
//! ```console
//! cargo run --release -p skewed-work-solution --example grain_sweep [ITEMS]
//! ```
//!
//! Prints a Markdown table: the median of 9 runs per grain size.

use rayon::prelude::*;
use skewed_work::score;

fn main() {
    let items: usize = std::env::args().nth(1).map_or(40_000, |a| a.parse().expect("ITEMS must be a number"));
    let mut input = datagen::uniform_u32(items, 1);
    input.sort_unstable();
    let cores = rayon::current_num_threads();
    let mut grains: Vec<usize> = (0..).map(|p| 4usize.pow(p)).take_while(|&g| g < items / cores).collect();
    grains.push(items.div_ceil(cores));
    // The low 24 bits only: score() then does no rounds, about a nanosecond per item.
    let cheap: Vec<u32> = input.iter().map(|&x| x & 0x00FF_FFFF).collect();
    let skewed: Vec<f64> = grains.iter().map(|&g| median_seconds(|| run(&input, g))).collect();
    let light: Vec<f64> = grains.iter().map(|&g| median_seconds(|| run(&cheap, g))).collect();
    let best = |times: &[f64]| times.iter().copied().fold(f64::INFINITY, f64::min);
    let (best_skewed, best_light) = (best(&skewed), best(&light));
    println!("{items} items on {cores} cores, median of 9 runs\n");
    println!("| grain (items per task) | tasks | skewed scores | vs best | cheap items | vs best |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (i, grain) in grains.iter().enumerate() {
        println!(
            "| {grain} | {} | {:.1} ms | {:.2}× | {:.3} ms | {:.2}× |",
            items.div_ceil(*grain),
            skewed[i] * 1e3,
            skewed[i] / best_skewed,
            light[i] * 1e3,
            light[i] / best_light
        );
    }
}

/// Tasks of exactly `grain` items: rayon may neither split them further nor merge them.
fn run(input: &[u32], grain: usize) -> Vec<u64> {
    input.par_iter().with_min_len(grain).with_max_len(grain).map(|&x| score(x)).collect()
}

fn median_seconds<T>(f: impl Fn() -> T) -> f64 {
    testkit::median_seconds(9, || {
        std::hint::black_box(f());
    })
}
