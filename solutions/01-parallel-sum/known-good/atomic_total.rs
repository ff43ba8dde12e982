//! Each thread adds its chunk's total to one `AtomicU64` — once per chunk, not per item.

use std::sync::atomic::{AtomicU64, Ordering};

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    let total = AtomicU64::new(0);
    std::thread::scope(|s| {
        for part in data.chunks(chunk) {
            let total = &total;
            s.spawn(move || total.fetch_add(part.iter().map(|&x| u64::from(x)).sum(), Ordering::Relaxed));
        }
    });
    total.into_inner()
}
