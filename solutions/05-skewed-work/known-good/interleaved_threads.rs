//! Scoped threads, each taking every `threads`-th item: on sorted input each gets
//! the same mix of cheap and expensive items, so a static assignment balances too.

pub fn score_all(items: &[u32]) -> Vec<u64> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = vec![0; items.len()];
    let parts: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || items.iter().skip(t).step_by(threads).map(|&x| score(x)).collect()))
            .collect();
        handles.into_iter().map(|h| h.join().expect("a scoring thread panicked")).collect()
    });
    for (t, part) in parts.into_iter().enumerate() {
        for (k, score) in part.into_iter().enumerate() {
            out[t + k * threads] = score;
        }
    }
    out
}

/// The work for one item, as given: its cost grows with the value, from no
/// rounds for `x < 2^24` to about 4 000 xorshift rounds for `x` near `u32::MAX`.
/// On sorted input, the last items cost thousands of times more than the first.
///
/// Do not change it: the tests and the timing gate use their own copy.
pub fn score(x: u32) -> u64 {
    let k = u64::from(x >> 24);
    let mut h = u64::from(x) | 1;
    for _ in 0..k * k / 16 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
    }
    h
}
