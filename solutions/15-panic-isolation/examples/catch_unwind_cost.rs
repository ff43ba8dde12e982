//! What isolation costs: catch_unwind around every item when nothing panics, and panics that happen.
//!
//! cargo run --release -p panic-isolation-solution --example catch_unwind_cost

use panic_isolation::{ItemPanic, run_isolated};
use rayon::prelude::*;
use testkit::median_seconds;

fn work(x: &u64) -> u64 {
    // A little work per item, as a parser or a hash would do.
    (0..64).fold(*x, |h, i| (h ^ i).wrapping_mul(0x100_0000_01B3))
}

fn main() {
    let items: Vec<u64> = (0..4_000_000).collect();
    let plain = median_seconds(5, || drop(std::hint::black_box(items.par_iter().map(work).collect::<Vec<u64>>())));
    let as_results = median_seconds(5, || {
        let out: Vec<Result<u64, ItemPanic>> = items.par_iter().map(|x| Ok(work(x))).collect();
        drop(std::hint::black_box(out))
    });
    let isolated = median_seconds(5, || drop(std::hint::black_box(run_isolated(&items, work))));
    println!("{} items, median of 5 runs on {} threads", items.len(), rayon::current_num_threads());
    println!("par_iter().map(work) into Vec<u64>: {plain:.3} s");
    println!(
        "the same, into Vec<Result<u64, ItemPanic>>: {as_results:.3} s ({:+.1}%)",
        (as_results / plain - 1.0) * 100.0
    );
    println!("run_isolated (catch_unwind): {isolated:.3} s ({:+.1}%)", (isolated / plain - 1.0) * 100.0);
    // Panics that happen: unwinding, the payload, the message. The default hook
    // (a line on stderr each) is switched off here, so only the unwinding is measured.
    std::panic::set_hook(Box::new(|_| {}));
    let failing: Vec<u64> = (0..100_000).collect();
    let all_panic = median_seconds(5, || {
        drop(std::hint::black_box(run_isolated(&failing, |&x| -> u64 { panic!("item {x} failed") })))
    });
    println!(
        "{} items that all panic (hook silenced): {all_panic:.3} s, {:.1} us per panic on one thread",
        failing.len(),
        all_panic / failing.len() as f64 * 1e6 * rayon::current_num_threads() as f64
    );
}
