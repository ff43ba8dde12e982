//! expect: not-parallel
//! returns the given sequential version: bit-identical, and on one core.

pub mod given;

pub use given::diffuse_all_cores;

pub fn diffuse(cells: &[f64], steps: usize, threads: usize) -> Vec<f64> {
    assert!(threads > 0, "diffuse needs at least 1 thread");
    // The given version is already right, to the last bit.
    given::diffuse_sequential(cells, steps)
}
