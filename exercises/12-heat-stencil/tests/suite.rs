//! The one test suite of exercise 12-heat-stencil, run against the learner's
//! crate and the reference. Results must match the sequential version to the
//! last bit: every cell is computed by the same expression in both.

use heat_stencil::diffuse;
use heat_stencil::given::{diffuse_sequential, temperatures};
use proptest::prelude::*;

fn bits(cells: &[f64]) -> Vec<u64> {
    cells.iter().map(|c| c.to_bits()).collect()
}

fn assert_same(cells: &[f64], steps: usize, threads: usize) {
    let got = diffuse(cells, steps, threads);
    let want = diffuse_sequential(cells, steps);
    assert_eq!(got.len(), want.len(), "{} cells in, {} out", cells.len(), got.len());
    if let Some(i) = (0..want.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!(
            "{} cells, {steps} steps, {threads} threads: cell {i} is {} but the sequential version gives {}",
            cells.len(),
            got[i],
            want[i]
        );
    }
}

#[test]
fn tiny_rods() {
    for n in 0..6 {
        let cells: Vec<f64> = (0..n).map(|i| (i * 37 % 11) as f64).collect();
        for threads in 1..4 {
            assert_same(&cells, 7, threads);
        }
    }
}

#[test]
fn zero_steps_change_nothing() {
    let cells = [3.0, 1.0, 4.0, 1.0, 5.0];
    assert_eq!(bits(&diffuse(&cells, 0, 2)), bits(&cells));
}

#[test]
fn more_threads_than_cells() {
    assert_same(&[100.0, 0.0, 0.0, 20.0], 9, 8);
}

#[test]
fn a_long_rod_on_real_threads() {
    // Long enough that the threads really run at once: a thread that runs
    // ahead of the others without waiting reads neighbours of the wrong step.
    // More threads than cores, so some are descheduled mid-run and lag far
    // behind their neighbours.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cells = temperatures(&datagen::uniform_u32(200_003, 12));
    assert_same(&cells, 60, 2 * cores + 1);
    assert_same(&cells, 41, 2);
}

#[test]
#[should_panic(expected = "thread")]
fn zero_threads_are_refused() {
    diffuse(&[1.0, 2.0, 3.0], 1, 0);
}

#[test]
fn a_hot_spot_spreads() {
    // What a person sees: a rod cold at both ends, hot in the middle.
    let mut cells = vec![0.0; 13];
    cells[6] = 100.0;
    let rows: Vec<String> = [0, 1, 2, 5, 20]
        .iter()
        .map(|&steps| {
            let row: Vec<String> = diffuse(&cells, steps, 3).iter().map(|c| format!("{c:5.1}")).collect();
            format!("step {steps:>2}: {}", row.join(" "))
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn bit_identical_to_the_sequential_version(
        cells in prop::collection::vec(-100.0f64..100.0, 0..400),
        steps in 0usize..30,
        threads in 1usize..6,
    ) {
        assert_same(&cells, steps, threads);
    }
}
