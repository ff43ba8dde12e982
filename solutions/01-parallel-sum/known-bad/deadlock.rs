//! expect: deadlock
//! Collects partial sums over a channel but keeps the original sender alive,
//! so the receiving loop waits forever for one more message.

use std::sync::mpsc;

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        for part in data.chunks(chunk) {
            let tx = tx.clone();
            s.spawn(move || tx.send(part.iter().map(|&x| u64::from(x)).sum::<u64>()).unwrap());
        }
        // Missing: drop(tx);
        rx.iter().sum()
    })
}
