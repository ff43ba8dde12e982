//! Reference solution of exercise 18-pool-sizing.

#[path = "../../../exercises/18-pool-sizing/src/given.rs"]
pub mod given;

pub use given::{Job, Machine, PoolError};
use rayon::ThreadPool;
use rayon::prelude::*;

pub fn pick_pool_size(machine: &Machine, job: &Job) -> usize {
    let cores = machine.cores;
    assert!(cores > 0, "machine.cores is 0: a machine has at least one core");
    match *job {
        Job::Compute => cores,
        Job::Memory => {
            let (one, all) = (machine.one_thread_gbps, machine.all_cores_gbps);
            // `x > 0.0` is false for NaN (a failed probe) as well as for 0.0.
            let measured = one > 0.0 && all > 0.0;
            if !measured {
                return cores;
            }
            ((all / one).ceil() as usize).clamp(1, cores)
        }
        Job::Blocking { wait_percent } => {
            assert!(wait_percent < 100, "wait_percent is {wait_percent}: a task that only waits needs no thread");
            (cores * 100).div_ceil(100 - wait_percent as usize)
        }
    }
}

pub fn build_pool(threads: usize) -> Result<ThreadPool, PoolError> {
    if threads == 0 {
        return Err(PoolError::ZeroThreads);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(given::worker_name)
        .build()
        .map_err(|e| PoolError::Build(e.to_string()))
}

pub fn process(data: &[u32]) -> u64 {
    let threads = pick_pool_size(&Machine::this_one(), &Job::Compute);
    let pool = build_pool(threads).expect("a pool of one thread per core");
    pool.install(|| data.par_iter().map(|&x| given::kernel(x)).sum())
}
