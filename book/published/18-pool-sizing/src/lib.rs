//! Exercise 18-pool-sizing — choose a thread pool's size from the machine and
//! the job, and build that pool. Read `book/src/ch06-resource-tuning/pool-sizing.md`.
//!
//! `Machine`, `Job`, the job's `kernel` and `PoolError` are given in `given.rs`.

pub mod given;

pub use given::{Job, Machine, PoolError};
use rayon::ThreadPool;

// ANCHOR: pick
/// How many threads a pool for `job` should have on `machine`.
///
/// - `Compute`: one per core. More only take turns on the same cores.
/// - `Memory`: the fewest threads that together reach the all-cores
///   bandwidth: `ceil(all_cores_gbps / one_thread_gbps)`, at least 1 and at
///   most `cores`. If either bandwidth is not a positive number (not
///   measured), one per core.
/// - `Blocking { wait_percent }`: enough threads that the cores stay busy
///   while some wait: `cores × 100 / (100 − wait_percent)`, rounded up.
///
/// # Panics
///
/// If `machine.cores` is 0 or `wait_percent` is 100 or more, with a message
/// naming the field.
pub fn pick_pool_size(machine: &Machine, job: &Job) -> usize {
    todo!("one rule per kind of job")
}
// ANCHOR_END: pick

// ANCHOR: build
/// A rayon pool of exactly `threads` threads, named `given::worker_name(i)`.
///
/// `Err(PoolError::ZeroThreads)` for 0 (rayon would quietly pick a size of
/// its own); `Err(PoolError::Build(message))` if the threads cannot start.
pub fn build_pool(threads: usize) -> Result<ThreadPool, PoolError> {
    todo!("rayon::ThreadPoolBuilder")
}
// ANCHOR_END: build

// ANCHOR: process
/// The compute job, `given::kernel` summed over `data`, run in a pool built
/// by `build_pool` with the size `pick_pool_size` gives for
/// `Job::Compute` on `Machine::this_one()`. Equals `given::process_sequential(data)`.
pub fn process(data: &[u32]) -> u64 {
    todo!("pick the size, build the pool, install the job in it")
}
// ANCHOR_END: process
