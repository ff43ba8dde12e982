//! Exercise 06 — grain size. Read `book/src/ch02-partitioning/grain-size.md`.
//! Given: [`cheap`], the work for one item, in `src/work.rs`.

mod work;
pub use work::cheap;

/// Sums `cheap(x)` over `items`, one rayon task per chunk of `grain` items.
///
/// The model: inside [`rayon::scope`], cut `items` into chunks of `grain`
/// items (the last may be shorter) and `spawn` one task per chunk; each task
/// sums its chunk and adds the partial sum to a shared total once. Any
/// `grain` from 1 up gives the same answer; how fast it is depends on it.
///
/// ```ignore
/// use grain_size::{cheap, sum_in_tasks};
/// assert_eq!(sum_in_tasks(&[1, 3, 7], 2), cheap(1) + cheap(3) + cheap(7));
/// ```
///
/// # Panics
///
/// Panics with a message naming `grain` when `grain == 0`.
pub fn sum_in_tasks(items: &[u32], grain: usize) -> u64 {
    todo!("spawn one task per chunk of `grain` items and add up their sums")
}

/// Chooses the items per task for `len` items on `threads` threads.
///
/// The model: tasks must be few enough that their cost (tens of nanoseconds
/// each) stays small next to the work, and many enough that every thread
/// gets several — so an early finisher can take another. Return a value in
/// `1..=len.max(1)`.
///
/// ```ignore
/// let g = grain_size::pick_grain(1_000_000, 2);
/// assert!((1..=1_000_000).contains(&g));
/// ```
pub fn pick_grain(len: usize, threads: usize) -> usize {
    todo!("pick the number of items per task")
}

/// What the timing gate measures: `sum_in_tasks` with your `pick_grain`.
pub fn sum_cheap(items: &[u32]) -> u64 {
    sum_in_tasks(items, pick_grain(items.len(), rayon::current_num_threads()))
}
