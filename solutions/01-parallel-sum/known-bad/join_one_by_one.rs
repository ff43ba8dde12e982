//! expect: not-parallel
//! Spawns each thread and joins it before spawning the next: sequential in disguise.

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let mut total = 0;
        for part in data.chunks(chunk) {
            total += s.spawn(move || part.iter().map(|&x| u64::from(x)).sum::<u64>()).join().unwrap();
        }
        total
    })
}
