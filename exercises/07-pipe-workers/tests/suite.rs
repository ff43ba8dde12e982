//! The one test suite of exercise 07, run unchanged against your crate and
//! the reference. `cargo xtask check 07-pipe-workers` runs it; do not edit it.

use std::path::Path;

use pipe_workers::{FrameError, MAX_FRAME, read_frame, run_workers, write_frame};
use proptest::prelude::*;
use testkit::{assert_no_children_left, serial};

/// The worker program of whichever crate is under test.
fn worker() -> &'static Path {
    let exe = option_env!("CARGO_BIN_EXE_pipe-worker").or(option_env!("CARGO_BIN_EXE_pipe-worker-solution"));
    Path::new(exe.expect("cargo builds the worker program for the tests"))
}

/// What a worker answers to a plain job.
fn oracle(job: &[u8]) -> Vec<u8> {
    job.iter().rev().map(|b| b.wrapping_add(1)).collect()
}

fn jobs(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = datagen::SplitMix64::new(seed);
    (0..n).map(|_| (0..rng.below(300)).map(|_| rng.next_u32() as u8).collect()).collect()
}

// --- framing ---

#[test]
fn frames_round_trip() {
    let mut buf = Vec::new();
    for payload in [&b"hello"[..], b"", &[0xFF; 1000]] {
        write_frame(&mut buf, payload).unwrap();
    }
    assert_eq!(&buf[..9], &[5, 0, 0, 0, b'h', b'e', b'l', b'l', b'o'], "a 4-byte little-endian length, then the bytes");
    let mut r = &buf[..];
    assert_eq!(read_frame(&mut r, MAX_FRAME).unwrap(), Some(b"hello".to_vec()));
    assert_eq!(read_frame(&mut r, MAX_FRAME).unwrap(), Some(Vec::new()), "an empty frame is a frame");
    assert_eq!(read_frame(&mut r, MAX_FRAME).unwrap(), Some(vec![0xFF; 1000]));
    assert_eq!(read_frame(&mut r, MAX_FRAME).unwrap(), None, "a clean end of input is None");
}

#[test]
fn a_header_cut_short_is_truncated() {
    let err = read_frame(&mut &[5, 0][..], MAX_FRAME).unwrap_err();
    assert!(matches!(err, FrameError::Truncated { expected: 4, got: 2 }), "got {err:?}");
}

#[test]
fn a_payload_cut_short_is_truncated() {
    let err = read_frame(&mut &[5, 0, 0, 0, b'a', b'b'][..], MAX_FRAME).unwrap_err();
    assert!(matches!(err, FrameError::Truncated { expected: 5, got: 2 }), "got {err:?}");
}

#[test]
fn a_length_over_the_limit_is_refused_before_reading() {
    let err = read_frame(&mut &[0xF0, 0xFF, 0xFF, 0xFF, 1, 2, 3][..], 1024).unwrap_err();
    assert!(matches!(err, FrameError::TooLong { len: 0xFFFF_FFF0, limit: 1024 }), "got {err:?}");
}

#[test]
fn a_frame_at_the_limit_is_fine() {
    let mut buf = Vec::new();
    write_frame(&mut buf, &[7; 64]).unwrap();
    assert_eq!(read_frame(&mut &buf[..], 64).unwrap(), Some(vec![7; 64]));
}

// --- the coordinator ---

#[test]
fn results_come_back_in_input_order() {
    let _serial = serial();
    let jobs = jobs(50, 1);
    let expected: Vec<Vec<u8>> = jobs.iter().map(|j| oracle(j)).collect();
    assert_eq!(run_workers(worker(), &[], 3, &jobs).unwrap(), expected);
    assert_no_children_left("a successful run");
}

#[test]
fn no_jobs_no_results() {
    let _serial = serial();
    assert_eq!(run_workers(worker(), &[], 4, &[]).unwrap(), Vec::<Vec<u8>>::new());
}

#[test]
fn more_workers_than_jobs() {
    let _serial = serial();
    let jobs = jobs(2, 2);
    let expected: Vec<Vec<u8>> = jobs.iter().map(|j| oracle(j)).collect();
    assert_eq!(run_workers(worker(), &[], 8, &jobs).unwrap(), expected);
    assert_no_children_left("a run with more workers than jobs");
}

#[test]
fn job_i_goes_to_worker_i_mod_count() {
    let _serial = serial();
    let jobs = vec![b"!pid".to_vec(); 8];
    let pids = run_workers(worker(), &[], 4, &jobs).unwrap();
    let distinct: std::collections::BTreeSet<_> = pids.iter().collect();
    assert_eq!(distinct.len(), 4, "8 jobs on 4 workers ran in {} processes: {pids:?}", distinct.len());
    for (i, pid) in pids.iter().enumerate() {
        assert_eq!(pid, &pids[i % 4], "job {i} should have gone to worker {}", i % 4);
    }
}

#[test]
fn the_workers_run_at_the_same_time() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("pw-07-barrier-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let job = format!("!barrier {} 3", dir.display()).into_bytes();
    let answers = run_workers(worker(), &[], 3, &vec![job; 3]);
    let _ = std::fs::remove_dir_all(&dir);
    for (i, answer) in answers.unwrap().iter().enumerate() {
        assert_eq!(
            String::from_utf8_lossy(answer),
            "met",
            "worker {i} waited 3 s at a barrier for the other two, and they never came: start every worker before \
             waiting for any"
        );
    }
}

#[test]
fn a_worker_that_stops_early_is_an_error_even_with_status_0() {
    let _serial = serial();
    let mut jobs = jobs(6, 8);
    jobs[3] = b"!quit".to_vec();
    let err = run_workers(worker(), &[], 2, &jobs).expect_err("worker 1 answered only one of its three jobs");
    assert_eq!(err.worker, 1, "{err}");
    assert_no_children_left("a worker stopped early");
}

#[test]
fn large_jobs_do_not_deadlock() {
    let _serial = serial();
    // Far more than a pipe holds, in both directions.
    let jobs: Vec<Vec<u8>> = (0..24).map(|i| vec![i as u8; 512 * 1024]).collect();
    let results = run_workers(worker(), &[], 2, &jobs).unwrap();
    assert_eq!(results.len(), jobs.len());
    for (i, (job, result)) in jobs.iter().zip(&results).enumerate() {
        assert!(result == &oracle(job), "result {i} is wrong");
    }
}

#[test]
fn a_crashing_worker_is_named() {
    let _serial = serial();
    let mut jobs = jobs(10, 3);
    jobs[5] = b"!exit 7".to_vec();
    let err = run_workers(worker(), &[], 2, &jobs).unwrap_err();
    assert_eq!(err.worker, 1, "job 5 went to worker 5 % 2 = 1, but the error names worker {}: {err}", err.worker);
    assert!(err.reason.contains('7'), "the reason should give the exit status 7: {err}");
    assert_no_children_left("a worker crashed");
}

#[test]
fn a_failure_at_exit_is_reported() {
    let _serial = serial();
    let mut jobs = jobs(4, 4);
    jobs[1] = b"!fail-at-end 4".to_vec();
    let err =
        run_workers(worker(), &[], 2, &jobs).expect_err("worker 1 answered everything, then exited with status 4");
    assert_eq!(err.worker, 1, "{err}");
    assert!(err.reason.contains('4'), "the reason should give the exit status 4: {err}");
    assert_no_children_left("a worker exited with a failure");
}

#[test]
fn a_malformed_frame_is_named() {
    let _serial = serial();
    let mut jobs = jobs(6, 5);
    jobs[2] = b"!garbage".to_vec();
    let err = run_workers(worker(), &[], 2, &jobs).unwrap_err();
    assert_eq!(err.worker, 0, "{err}");
    assert!(err.reason.contains("too long"), "the reason should say the frame was too long: {err}");
    assert_no_children_left("a worker sent a malformed frame");
}

#[test]
fn a_missing_program_is_an_error() {
    let _serial = serial();
    let err = run_workers(Path::new("/nonexistent/pipe-worker"), &[], 2, &jobs(3, 6)).unwrap_err();
    assert!(err.worker < 2, "{err}");
    assert_no_children_left("a worker could not be started");
}

#[test]
#[should_panic(expected = "workers")]
fn zero_workers_panics_with_a_clear_message() {
    let _serial = serial();
    let _ = run_workers(worker(), &[], 0, &jobs(1, 7));
}

/// What a person sees: a summary of a generated batch run through 3 workers.
#[test]
fn generated_batch_report() {
    let _serial = serial();
    let jobs = jobs(40, 42);
    let results = run_workers(worker(), &[], 3, &jobs).unwrap();
    let bytes: usize = results.iter().map(Vec::len).sum();
    let digest = datagen::fnv1a64(&results.concat());
    let report = format!("jobs={} results={} bytes={bytes} fnv1a64={digest:016x}\n", jobs.len(), results.len());
    insta::assert_snapshot!("generated_batch_40_seed42", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 40,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_frames_round_trip(payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..20)) {
        let mut buf = Vec::new();
        for p in &payloads {
            write_frame(&mut buf, p).unwrap();
        }
        let mut r = &buf[..];
        for p in &payloads {
            let frame = read_frame(&mut r, MAX_FRAME).unwrap();
            prop_assert_eq!(frame.as_ref(), Some(p));
        }
        prop_assert!(read_frame(&mut r, MAX_FRAME).unwrap().is_none());
    }

    #[test]
    fn any_batch_matches_the_oracle(seed in any::<u64>(), n in 0usize..30, workers in 1usize..5) {
        let _serial = serial();
        let jobs = jobs(n, seed);
        let expected: Vec<Vec<u8>> = jobs.iter().map(|j| oracle(j)).collect();
        prop_assert_eq!(run_workers(worker(), &[], workers, &jobs).unwrap(), expected);
    }
}
