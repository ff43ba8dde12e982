//! expect: compile-error
//! `std::thread::spawn` instead of a scope: the thread may outlive `data`, so it cannot borrow it.

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    let chunk = data.len().div_ceil(threads).max(1);
    let handles: Vec<_> = data
        .chunks(chunk)
        .map(|part| std::thread::spawn(move || part.iter().map(|&x| u64::from(x)).sum::<u64>()))
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}
