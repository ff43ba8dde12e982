//! Given: the machine and job descriptions, and the job's kernel.

// ANCHOR: machine
/// What `pick_pool_size` knows about the machine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Machine {
    /// Cores the process may run on (`std::thread::available_parallelism`).
    pub cores: usize,
    /// Memory read bandwidth one thread reaches, in GB/s (0.0 when not measured).
    pub one_thread_gbps: f64,
    /// Memory read bandwidth all cores reach together, in GB/s (0.0 when not measured).
    pub all_cores_gbps: f64,
}

/// What the pool will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Arithmetic on data in cache: every core adds its speed.
    Compute,
    /// Streaming through memory: threads add speed only until the memory bus is full.
    Memory,
    /// Each task waits — on a disk, the network, a child process — for
    /// `wait_percent` of its time, and computes for the rest.
    Blocking { wait_percent: u32 },
}
// ANCHOR_END: machine

impl Machine {
    /// This machine's cores, bandwidth not measured.
    pub fn this_one() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Machine { cores, one_thread_gbps: 0.0, all_cores_gbps: 0.0 }
    }
}

// ANCHOR: kernel
/// The compute job's work for one value: a few rounds of integer mixing,
/// about 3 ns, all in registers — no memory traffic to wait for.
pub fn kernel(x: u32) -> u64 {
    let mut h = u64::from(x) ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..6 {
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    h >> 40
}
// ANCHOR_END: kernel

/// The compute job on one thread: what `process` must equal.
pub fn process_sequential(data: &[u32]) -> u64 {
    data.iter().map(|&x| kernel(x)).sum()
}

/// Why `build_pool` refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// rayon reads 0 threads as "choose for me": a caller asking for 0 has a bug.
    ZeroThreads,
    /// The operating system would not start the threads.
    Build(String),
}

/// Names of the pool's threads: `pool-worker-0`, `pool-worker-1`, …
pub fn worker_name(index: usize) -> String {
    format!("pool-worker-{index}")
}
