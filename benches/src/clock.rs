//! Process CPU time and the busy-machine probe.

use std::time::{Duration, Instant};

/// CPU time consumed so far by every thread of this process.
pub fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant
    // every supported OS (Linux, macOS) defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall time and CPU time of one call.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Sample {
    pub fn cpu_per_wall(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Sample) {
    let (cpu0, wall0) = (process_cpu_time(), Instant::now());
    let out = f();
    let sample = Sample { wall: wall0.elapsed(), cpu: process_cpu_time() - cpu0 };
    (out, sample)
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: as in `process_cpu_time`, for the calling thread's clock.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// How many cores this process can get right now, in CPU-seconds per second:
/// `threads` threads leave a barrier together and spin for `spin`; each
/// reports its own CPU time over its own wall time in that window, so thread
/// start-up costs do not count. On an idle 2-core machine two threads give
/// ≈ 2.0; with every core kept busy by another program they time-share and
/// give ≈ 1.0.
pub fn spin_probe(threads: usize, spin: Duration) -> f64 {
    let barrier = std::sync::Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let (start, cpu0) = (Instant::now(), thread_cpu_time());
                    while start.elapsed() < spin {
                        std::hint::spin_loop();
                    }
                    (thread_cpu_time() - cpu0).as_secs_f64() / start.elapsed().as_secs_f64()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("probe thread panicked")).sum()
    })
}
