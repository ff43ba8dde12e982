//! expect: too-slow
//! rayon, but `with_min_len(len / cores)` forbids splitting below one core's share: a static split again.

use rayon::prelude::*;

pub fn score_all(items: &[u32]) -> Vec<u64> {
    let min = (items.len() / rayon::current_num_threads()).max(1);
    items.par_iter().with_min_len(min).map(|&x| score(x)).collect()
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
