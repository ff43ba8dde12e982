//! expect: too-slow
//! One shared `Mutex<u64>` locked for every item: both cores busy, mostly waiting on each other.

use std::sync::Mutex;

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    let total = Mutex::new(0u64);
    std::thread::scope(|s| {
        for part in data.chunks(chunk) {
            let total = &total;
            s.spawn(move || {
                for &x in part {
                    *total.lock().unwrap() += u64::from(x);
                }
            });
        }
    });
    total.into_inner().unwrap()
}
