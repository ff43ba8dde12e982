//! expect: tests-failed
//! Adds in `u32`: the total silently wraps around above 4 294 967 295.

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().fold(0u32, |acc, &x| acc.wrapping_add(x))))
            .collect();
        let total: u32 = handles.into_iter().map(|h| h.join().unwrap()).fold(0, u32::wrapping_add);
        u64::from(total)
    })
}
