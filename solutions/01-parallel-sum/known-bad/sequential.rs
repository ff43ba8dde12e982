//! expect: not-parallel
//! Correct, but ignores `threads`: one core does all the work.

pub fn parallel_sum(data: &[u32], threads: usize) -> u64 {
    assert!(threads > 0, "threads must be at least 1");
    data.iter().map(|&x| u64::from(x)).sum()
}
