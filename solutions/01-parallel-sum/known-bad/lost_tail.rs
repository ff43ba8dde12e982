//! expect: tests-failed
//! failing: length_not_divisible_by_threads_keeps_the_tail
//! Chunk length `len / threads` without the remainder: the last items are never summed.

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len() / threads;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let part = &data[i * chunk..(i + 1) * chunk];
                s.spawn(move || part.iter().map(|&x| u64::from(x)).sum::<u64>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
