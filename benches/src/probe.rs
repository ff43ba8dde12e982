//! Machine probes: what this computer can do at best, measured in the same
//! run as the benchmarks, so a result reads as "% of this machine's memory
//! bandwidth" and results from different laptops can be put side by side.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The bandwidth probe reads this much, far beyond any CPU cache (some server
/// parts have hundreds of MiB of L3).
pub const BANDWIDTH_BUFFER_BYTES: usize = 1 << 30;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Machine {
    pub cpu_model: String,
    /// Logical cores this process may use.
    pub cores: usize,
    pub os: String,
    pub arch: String,
    pub memory_bytes: Option<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Probes {
    /// Best of several passes reading the 1 GiB buffer with one thread per core.
    pub memory_read_bytes_per_second: f64,
    /// The same with one thread.
    pub memory_read_one_thread_bytes_per_second: f64,
    /// Dependent integer operations per second on one core (a SplitMix64 chain).
    pub single_core_ops_per_second: f64,
    pub seconds: f64,
}

/// Runs every probe (about 2–4 s, 1 GiB of memory while it runs).
pub fn run() -> Probes {
    let started = Instant::now();
    let mut buffer = vec![0u64; BANDWIDTH_BUFFER_BYTES / 8];
    // Written, so every page is faulted in before the clock starts.
    for (i, x) in buffer.iter_mut().enumerate() {
        *x = i as u64;
    }
    let cores = crate::threads();
    Probes {
        memory_read_bytes_per_second: memory_read_bandwidth(&buffer, cores, 5),
        memory_read_one_thread_bytes_per_second: memory_read_bandwidth(&buffer, 1, 3),
        single_core_ops_per_second: single_core_ops(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Bytes per second reading `buffer` with `threads` threads, best of `passes`.
pub fn memory_read_bandwidth(buffer: &[u64], threads: usize, passes: usize) -> f64 {
    let chunk = buffer.len().div_ceil(threads.max(1)).max(1);
    let best = (0..passes)
        .map(|_| {
            let start = Instant::now();
            let total: u64 = std::thread::scope(|s| {
                let handles: Vec<_> = buffer.chunks(chunk).map(|part| s.spawn(move || read_all(part))).collect();
                handles.into_iter().map(|h| h.join().expect("probe thread panicked")).fold(0, u64::wrapping_add)
            });
            std::hint::black_box(total);
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX);
    std::mem::size_of_val(buffer) as f64 / best.as_secs_f64()
}

/// Reads every word. A plain wrapping-add reduction: the compiler unrolls and
/// vectorises it, so the loads, not the adds, are the limit.
fn read_all(words: &[u64]) -> u64 {
    words.iter().fold(0u64, |a, &x| a.wrapping_add(x))
}

/// SplitMix64 steps per second on one core, best of five 50 ms windows: a
/// chain of dependent multiplies and shifts, so it measures the core, not memory.
pub fn single_core_ops() -> f64 {
    (0..5)
        .map(|_| {
            let mut rng = datagen::SplitMix64::new(1);
            let (start, mut steps) = (Instant::now(), 0u64);
            while start.elapsed() < Duration::from_millis(50) {
                for _ in 0..10_000 {
                    std::hint::black_box(rng.next_u64());
                }
                steps += 10_000;
            }
            steps as f64 / start.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

/// Cores, CPU model, OS and memory, as the operating system reports them.
pub fn machine() -> Machine {
    Machine {
        cpu_model: cpu_model().unwrap_or_else(|| "unknown".into()),
        cores: crate::threads(),
        os: os_name(),
        arch: std::env::consts::ARCH.to_string(),
        memory_bytes: memory_bytes(),
    }
}

fn cpu_model() -> Option<String> {
    if cfg!(target_os = "macos") {
        return command_output("sysctl", &["-n", "machdep.cpu.brand_string"]);
    }
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name") || l.starts_with("Model") || l.starts_with("Hardware"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string())));
    let kernel = command_output("uname", &["-sr"]);
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p} ({k})"),
        (p, k) => p.or(k).unwrap_or_else(|| std::env::consts::OS.to_string()),
    }
}

/// Total physical memory, as the OS reports it.
pub fn memory_bytes() -> Option<u64> {
    if cfg!(target_os = "macos") {
        return command_output("sysctl", &["-n", "hw.memsize"])?.parse().ok();
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 =
        info.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_sums_every_word() {
        let words: Vec<u64> = (1..=11).collect();
        assert_eq!(read_all(&words), 66);
    }

    #[test]
    fn bandwidth_of_a_small_buffer_is_positive_and_finite() {
        let buffer = vec![1u64; 1 << 16];
        let bw = memory_read_bandwidth(&buffer, 2, 2);
        assert!(bw.is_finite() && bw > 0.0, "{bw}");
    }

    #[test]
    fn the_machine_is_described() {
        let m = machine();
        assert!(m.cores >= 1);
        assert!(!m.os.is_empty() && !m.arch.is_empty());
    }
}
