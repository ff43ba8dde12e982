//! The work for one item (given): see `score`.

/// The work for one item, as given: its cost grows with the value, from no
/// rounds for `x < 2^26` to about 4 000 xorshift rounds for `x` near `u32::MAX`.
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
