//! What a bounded channel costs: a million small items through the
//! reference's three-thread pipeline, for a few capacities.
//!
//! ```console
//! cargo run --release -p bounded-pipeline-solution --example pipeline_cost
//! ```

use std::time::Instant;

use bounded_pipeline::run_pipeline;

fn main() {
    let items = 1_000_000u64;
    for capacity in [1, 16, 256] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let mut total = 0u64;
            let n = run_pipeline(0..items, |x| Ok::<_, ()>(x ^ 0x5555), |y| total = total.wrapping_add(y), capacity);
            assert_eq!(n, Ok(items));
            std::hint::black_box(total);
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let t = times[2];
        println!(
            "capacity {capacity:>3}: {items} items in {:.1} ms, {:.0} ns per item (median of 5)",
            t * 1e3,
            t / items as f64 * 1e9
        );
    }
}
