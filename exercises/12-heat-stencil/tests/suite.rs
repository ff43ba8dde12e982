//! The one test suite of exercise 12-heat-stencil, run against the learner's
//! crate and the reference. Results must match the sequential version to the
//! last bit: every cell is computed by the same expression in both.

use std::panic;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use heat_stencil::diffuse;
use heat_stencil::given::{diffuse_sequential, temperatures};
use proptest::prelude::*;

/// Set once a `diffuse` run by [`diffuse_in_time`] has hung: its threads are
/// still blocked, so later runs are not started (each would wait its 5 s too).
static HUNG: AtomicBool = AtomicBool::new(false);

/// `diffuse` on a thread of its own, waited for at most 5 s, so that threads
/// stuck at a barrier fail the test with a message instead of stopping the
/// whole suite. (A hung run's threads stay blocked until the test program ends.)
fn diffuse_in_time(cells: &[f64], steps: usize, threads: usize) -> Vec<f64> {
    assert!(!HUNG.load(Ordering::SeqCst), "not run: an earlier diffuse of these tests hung (see its failure)");
    let (tx, rx) = mpsc::channel();
    let owned = cells.to_vec();
    std::thread::spawn(move || {
        let _ = tx.send(diffuse(&owned, steps, threads));
    });
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(result) => result,
        Err(RecvTimeoutError::Disconnected) => {
            panic!("diffuse({} cells, {steps} steps, {threads} threads) panicked (its message is above)", cells.len())
        }
        Err(RecvTimeoutError::Timeout) => {
            HUNG.store(true, Ordering::SeqCst);
            panic!(
                "diffuse({} cells, {steps} steps, {threads} threads) did not return within 5 s: its threads wait forever,\n\
                 most likely at the barrier. Barrier::new(n) must count exactly the threads that call wait, and with more\n\
                 threads asked for than there are cells, fewer run.",
                cells.len()
            )
        }
    }
}

fn bits(cells: &[f64]) -> Vec<u64> {
    cells.iter().map(|c| c.to_bits()).collect()
}

fn assert_same(cells: &[f64], steps: usize, threads: usize) {
    let got = diffuse_in_time(cells, steps, threads);
    let want = diffuse_sequential(cells, steps);
    assert_eq!(got.len(), want.len(), "{} cells in, {} out", cells.len(), got.len());
    if let Some(i) = (0..want.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!(
            "{} cells, {steps} steps, {threads} threads: cell {i} is {} but the sequential version gives {}\n\
             (every cell must come from given::step_chunk on the old grid, its ends from the neighbours' old edges or\n\
             None at the ends of the rod; a barrier between steps; the grid of the last step returned)",
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
    assert_eq!(bits(&diffuse_in_time(&cells, 0, 2)), bits(&cells), "zero steps must return the cells unchanged");
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
fn zero_threads_are_refused() {
    let message = match panic::catch_unwind(|| diffuse(&[1.0, 2.0, 3.0], 1, 0)) {
        Ok(_) => panic!(
            "diffuse(…, threads = 0) returned: with no thread nothing can run; panic, with a message that says why"
        ),
        Err(payload) => testkit::panic_message(payload.as_ref()),
    };
    assert!(
        message.contains("thread"),
        "diffuse(…, threads = 0) panicked with {message:?}: check threads first, with a message that mentions \"thread\""
    );
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
