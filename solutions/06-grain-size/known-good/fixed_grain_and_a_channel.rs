//! A fixed 16 384 items per task, partial sums sent back over a channel.

pub fn sum_in_tasks(items: &[u32], grain: usize) -> u64 {
    assert!(grain > 0, "grain must be at least 1");
    let (tx, rx) = std::sync::mpsc::channel();
    rayon::scope(|s| {
        for chunk in items.chunks(grain) {
            let tx = tx.clone();
            s.spawn(move |_| tx.send(chunk.iter().map(|&x| cheap(x)).sum::<u64>()).expect("the receiver lives"));
        }
    });
    drop(tx);
    rx.iter().sum()
}

pub fn pick_grain(len: usize, _threads: usize) -> usize {
    len.clamp(1, 16_384)
}

/// What the timing gate measures: `sum_in_tasks` with `pick_grain`.
pub fn sum_cheap(items: &[u32]) -> u64 {
    sum_in_tasks(items, pick_grain(items.len(), rayon::current_num_threads()))
}

/// The work for one item, as given: four rounds of multiply-and-shift, a
/// few nanoseconds. With so little work per item, the cost of a task shows.
///
/// Do not change it: the tests and the timing gate use their own copy.
#[inline]
pub fn cheap(x: u32) -> u64 {
    let mut h = u64::from(x);
    for _ in 0..4 {
        h = (h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    h >> 56
}
