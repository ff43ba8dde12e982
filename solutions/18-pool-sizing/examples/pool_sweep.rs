//! The pool-size sweep of chapter 6: three jobs in rayon pools of 1 to 4× the
//! core count, measured in one run, and what `pick_pool_size` chooses for each.
//!
//! `cargo run --release -p pool-sizing-solution --example pool_sweep`

use std::time::Duration;

use pool_sizing::given::kernel;
use pool_sizing::{Job, Machine, build_pool, pick_pool_size};
use rayon::prelude::*;

const COMPUTE_VALUES: usize = 1 << 24;
const MEMORY_BYTES: usize = 1 << 31;
const BLOCKING_TASKS: usize = 64;
const WAIT: Duration = Duration::from_millis(1);

fn main() {
    let cores = Machine::this_one().cores;
    let values = datagen::uniform_u32(COMPUTE_VALUES, 6);
    let words: Vec<u64> = (0..MEMORY_BYTES / 8).map(|i| i as u64).collect();
    // A blocking task computes for about as long as it waits (1 ms): 50% waiting.
    let per_task = values.len() / BLOCKING_TASKS;

    let compute = |n: usize| {
        let pool = build_pool(n).unwrap();
        let run = || std::hint::black_box(pool.install(|| values.par_iter().map(|&x| kernel(x)).sum::<u64>()));
        run();
        testkit::median_seconds(5, || {
            run();
        })
    };
    let memory = |n: usize| {
        let pool = build_pool(n).unwrap();
        let run = || std::hint::black_box(pool.install(|| words.par_iter().sum::<u64>()));
        run();
        testkit::median_seconds(5, || {
            run();
        })
    };
    let blocking = |n: usize| {
        let pool = build_pool(n).unwrap();
        testkit::median_seconds(3, || {
            let total: u64 = pool.install(|| {
                values
                    .par_chunks(per_task)
                    .with_max_len(1)
                    .map(|task| {
                        std::thread::sleep(WAIT);
                        task.iter().map(|&x| kernel(x)).sum::<u64>()
                    })
                    .sum()
            });
            std::hint::black_box(total);
        })
    };

    let gbps = |seconds: f64| MEMORY_BYTES as f64 / seconds / 1e9;
    // Every row is measured before anything is printed; row 1 is the base.
    let rows: Vec<[f64; 3]> = (1..=4 * cores).map(|n| [compute(n), memory(n), blocking(n)]).collect();
    let base = rows[0];
    let machine = Machine { cores, one_thread_gbps: gbps(base[1]), all_cores_gbps: gbps(rows[cores - 1][1]) };
    println!(
        "{cores} cores; memory read {:.1} GB/s on 1 thread, {:.1} GB/s on {cores}",
        machine.one_thread_gbps, machine.all_cores_gbps
    );
    println!(
        "1 thread: compute {:.0} ms ({COMPUTE_VALUES} values), memory {:.0} ms ({} MiB), blocking {:.0} ms ({BLOCKING_TASKS} tasks, each waits {} ms)",
        base[0] * 1e3,
        base[1] * 1e3,
        MEMORY_BYTES >> 20,
        base[2] * 1e3,
        WAIT.as_millis()
    );
    println!();
    println!("| threads | compute speedup | memory speedup (GB/s) | blocking speedup |");
    println!("|---:|---:|---:|---:|");
    for (i, [c, m, b]) in rows.iter().enumerate() {
        println!("| {} | {:.2}× | {:.2}× ({:.1}) | {:.2}× |", i + 1, base[0] / c, base[1] / m, gbps(*m), base[2] / b);
    }
    println!();
    for job in [Job::Compute, Job::Memory, Job::Blocking { wait_percent: 50 }] {
        println!("pick_pool_size(this machine, {job:?}) = {}", pick_pool_size(&machine, &job));
    }
}
