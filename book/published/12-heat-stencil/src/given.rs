//! The physics and the sequential version (given — do not edit).

// ANCHOR: physics
/// How much heat flows to a neighbour per step, at full conductivity.
pub const ALPHA: f64 = 0.25;

/// Conductivity between two neighbouring cells: 1 when both are cold,
/// falling as they heat up (a material that insulates better when hot). Its
/// division makes each cell cost more arithmetic than its 16 bytes cost to
/// move while the rod fits in the caches: there, the cores set the pace.
pub fn conductivity(a: f64, b: f64) -> f64 {
    let mean = 0.5 * (a + b);
    1.0 / (1.0 + mean * mean * 4e-4)
}

/// The temperature of a cell after one step, from itself and its two
/// neighbours. Every version — sequential or parallel — must compute each
/// cell with exactly this expression, so all of them agree to the last bit.
pub fn next_temperature(left: f64, here: f64, right: f64) -> f64 {
    here + ALPHA * (conductivity(left, here) * (left - here) + conductivity(here, right) * (right - here))
}

/// One step over one chunk of the rod: `new[i]` from `old[i]` and its
/// neighbours. `left` and `right` are the cells just outside the chunk (the
/// neighbouring chunks' edge cells, from the *old* grid), or `None` at an end
/// of the rod, where the end cell is held at its temperature (a fixed boundary).
///
/// # Panics
///
/// If `old` and `new` differ in length.
pub fn step_chunk(left: Option<f64>, old: &[f64], right: Option<f64>, new: &mut [f64]) {
    assert_eq!(old.len(), new.len(), "old and new chunks must have the same length");
    let m = old.len();
    if m == 0 {
        return;
    }
    // The inside of the chunk: a plain loop over slices, which the compiler
    // turns into SIMD instructions.
    for (out, w) in new[1..m.max(2) - 1].iter_mut().zip(old.windows(3)) {
        *out = next_temperature(w[0], w[1], w[2]);
    }
    let edge = |neighbour_out: Option<f64>, here: f64, neighbour_in: Option<f64>| match (neighbour_out, neighbour_in) {
        (Some(a), Some(b)) => next_temperature(a, here, b),
        _ => here,
    };
    let inner_right = if m > 1 { Some(old[1]) } else { right };
    new[0] = edge(left, old[0], inner_right);
    if m > 1 {
        new[m - 1] = edge(Some(old[m - 2]), old[m - 1], right);
    }
}

/// One step over the whole rod.
pub fn step_sequential(old: &[f64], new: &mut [f64]) {
    step_chunk(None, old, None, new);
}

/// `steps` steps on one thread: the oracle and the baseline to beat.
pub fn diffuse_sequential(cells: &[f64], steps: usize) -> Vec<f64> {
    let mut old = cells.to_vec();
    let mut new = cells.to_vec();
    for _ in 0..steps {
        step_sequential(&old, &mut new);
        std::mem::swap(&mut old, &mut new);
    }
    old
}
// ANCHOR_END: physics

/// Input for the gate and the bench: temperatures 0..100 from random `u32`s.
pub fn temperatures(raw: &[u32]) -> Vec<f64> {
    raw.iter().map(|&x| f64::from(x) / f64::from(u32::MAX) * 100.0).collect()
}

/// Your `diffuse` on every core: what the timing gate measures.
pub fn diffuse_all_cores(cells: &[f64], steps: usize) -> Vec<f64> {
    crate::diffuse(cells, steps, std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Steps the gate and the bench run.
pub const STEPS: usize = 64;
