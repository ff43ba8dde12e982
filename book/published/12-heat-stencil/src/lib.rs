//! Exercise 12-heat-stencil — heat diffusion over partitions, with a barrier
//! between steps. Read `book/src/ch04-synchronization/heat-stencil.md`.
//!
//! The physics (`next_temperature`, `step_chunk`) and the sequential version
//! are given in `given.rs`.

pub mod given;

pub use given::diffuse_all_cores;

// ANCHOR: stub
/// `steps` steps of 1-D heat diffusion over `cells` on `threads` threads,
/// bit-identical to `given::diffuse_sequential(cells, steps)`.
///
/// The model: each thread owns one contiguous chunk of the rod for the whole
/// run, in two copies — old and new — that take turns. A step computes the
/// new chunk from the old one and the two cells just outside it, which belong
/// to the neighbouring threads (`given::step_chunk` does the arithmetic). No
/// thread may start step k+1 before every thread has finished step k, or it
/// would read neighbours that are not there yet: a `std::sync::Barrier`
/// between steps makes them wait.
///
/// ```
/// use heat_stencil::{diffuse, given::diffuse_sequential};
/// let cells = [100.0, 0.0, 0.0, 0.0, 0.0, 50.0];
/// assert_eq!(diffuse(&cells, 10, 2), diffuse_sequential(&cells, 10));
/// ```
///
/// # Panics
///
/// If `threads` is 0, with a message that says so (it must mention "thread").
pub fn diffuse(cells: &[f64], steps: usize, threads: usize) -> Vec<f64> {
    todo!("one thread per range of cells, a barrier between steps")
}
// ANCHOR_END: stub
