//! rayon, one parallel pass per step; the end of each pass is the barrier.

pub mod given;

pub use given::diffuse_all_cores;

use given::step_chunk;
use rayon::prelude::*;

pub fn diffuse(cells: &[f64], steps: usize, threads: usize) -> Vec<f64> {
    assert!(threads > 0, "diffuse needs at least 1 thread");
    let n = cells.len();
    let mut old = cells.to_vec();
    let mut new = cells.to_vec();
    let chunk = n.div_ceil(threads).max(1);
    for _ in 0..steps {
        new.par_chunks_mut(chunk).enumerate().for_each(|(c, out)| {
            let (lo, hi) = (c * chunk, c * chunk + out.len());
            step_chunk(lo.checked_sub(1).map(|i| old[i]), &old[lo..hi], old.get(hi).copied(), out);
        });
        std::mem::swap(&mut old, &mut new);
    }
    old
}
