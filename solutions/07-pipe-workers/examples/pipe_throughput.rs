//! What the pipes cost: exercise 07's jobs (2 048 jobs of 64 KiB) in this
//! process, then through the reference's `run_workers` with 1 and 2 workers.
//!
//! ```console
//! cargo build --release -p pipe-workers-solution --bins --examples
//! target/release/examples/pipe_throughput
//! ```

use std::path::Path;
use std::time::Instant;

use pipe_workers::{run_workers, work};

fn main() {
    let exe = std::env::current_exe().expect("the example knows where it is");
    // target/release/examples/pipe_throughput → target/release/pipe-worker-solution
    let worker = exe.parent().and_then(Path::parent).map(|dir| dir.join("pipe-worker-solution"));
    let Some(worker) = worker.filter(|w| w.exists()) else {
        eprintln!("error: build the worker first: cargo build --release -p pipe-workers-solution --bins --examples");
        std::process::exit(2);
    };
    let jobs: Vec<Vec<u8>> = (0..2048)
        .map(|seed| datagen::uniform_u32(16 * 1024, seed).iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let megabytes = jobs.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let start = Instant::now();
    let local: Vec<Vec<u8>> = jobs.iter().map(|job| work(job)).collect();
    let seconds = start.elapsed().as_secs_f64();
    println!("{megabytes:.0} MB of jobs, work done in this process: {seconds:.3} s ({:.0} MB/s)", megabytes / seconds);
    for workers in [1, 2] {
        let start = Instant::now();
        let results = run_workers(&worker, &[], workers, &jobs).expect("the reference's workers succeed");
        let seconds = start.elapsed().as_secs_f64();
        assert!(results == local, "the workers' answers differ from the local ones");
        println!("through {workers} worker process(es) over pipes:  {seconds:.3} s ({:.0} MB/s)", megabytes / seconds);
    }
}
