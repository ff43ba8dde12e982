//! How the barrier-phased stencil compares with one thread as the rod grows:
//! the same number of cell updates (2^26) at every size, so small rods run
//! many short steps (the barrier's cost shows) and big ones few long steps
//! (memory bandwidth shows).
//!
//! `cargo run --release -p heat-stencil-solution --example stencil_sizes`

use std::time::Instant;

use heat_stencil::diffuse;
use heat_stencil::given::{diffuse_sequential, temperatures};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Microseconds per `Barrier::wait` when `threads` threads do nothing else.
fn barrier_alone(threads: usize) -> f64 {
    const PHASES: usize = 20_000;
    let barrier = std::sync::Barrier::new(threads);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..PHASES {
                    barrier.wait();
                }
            });
        }
    });
    t.elapsed().as_secs_f64() * 1e6 / PHASES as f64
}

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("std::sync::Barrier alone, {threads} threads: {:.1} µs per phase\n", barrier_alone(threads));
    println!("{threads} threads; 2^26 cell updates per run; best of 5\n");
    println!("| cells | steps | KiB per grid | 1 thread | {threads} threads + barrier | speedup |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for shift in [14, 16, 18, 20, 22] {
        let n = 1usize << shift;
        let steps = (1usize << 26) / n;
        let cells = temperatures(&datagen::uniform_u32(n, 1));
        let one = best_of(5, || diffuse_sequential(&cells, steps));
        let many = best_of(5, || diffuse(&cells, steps, threads));
        println!(
            "| {n} | {steps} | {} | {:.1} ms | {:.1} ms | {:.2}× |",
            n * 8 / 1024,
            one * 1e3,
            many * 1e3,
            one / many
        );
    }
}
