//! new scoped threads every step; the end of each scope is the barrier.

pub mod given;

pub use given::diffuse_all_cores;

use given::step_chunk;

pub fn diffuse(cells: &[f64], steps: usize, threads: usize) -> Vec<f64> {
    assert!(threads > 0, "diffuse needs at least 1 thread");
    let n = cells.len();
    let mut old = cells.to_vec();
    let mut new = cells.to_vec();
    let chunk = n.div_ceil(threads).max(1);
    for _ in 0..steps {
        let old_ref = &old;
        std::thread::scope(|s| {
            for (c, out) in new.chunks_mut(chunk).enumerate() {
                let (lo, hi) = (c * chunk, c * chunk + out.len());
                s.spawn(move || step_chunk(lo.checked_sub(1).map(|i| old_ref[i]), &old_ref[lo..hi], old_ref.get(hi).copied(), out));
            }
        });
        std::mem::swap(&mut old, &mut new);
    }
    old
}
