//! The one test suite of exercise 18-pool-sizing, run against the learner's
//! crate and the reference. The sizing rules are checked against oracles
//! written another way (the smallest count that suffices, found by counting
//! up), the pool by asking its threads their names.

use std::fmt::Write as _;

use pool_sizing::given::{kernel, process_sequential, worker_name};
use pool_sizing::{Job, Machine, PoolError, build_pool, pick_pool_size, process};
use proptest::prelude::*;

fn machine(cores: usize, one_thread_gbps: f64, all_cores_gbps: f64) -> Machine {
    Machine { cores, one_thread_gbps, all_cores_gbps }
}

/// The fewest threads n (1..=cores) with n × one ≥ all.
fn memory_oracle(cores: usize, one: f64, all: f64) -> usize {
    (1..=cores).find(|&n| n as f64 * one >= all).unwrap_or(cores)
}

/// The fewest threads n with n × (100 − wait) ≥ cores × 100: computing
/// threads cover every core.
fn blocking_oracle(cores: usize, wait: u32) -> usize {
    (1..).find(|&n| n * (100 - wait as usize) >= cores * 100).unwrap()
}

#[test]
fn decisions_for_four_machines() {
    let machines = [
        ("this course's VM", machine(2, 7.7, 16.0)),
        ("a laptop", machine(8, 12.0, 40.0)),
        ("a big server", machine(64, 10.0, 200.0)),
        ("bandwidth not measured", machine(4, 0.0, 0.0)),
    ];
    let jobs = [Job::Compute, Job::Memory, Job::Blocking { wait_percent: 50 }, Job::Blocking { wait_percent: 90 }];
    let mut table = String::new();
    for (name, m) in &machines {
        let sizes: Vec<String> = jobs.iter().map(|job| format!("{job:?} → {}", pick_pool_size(m, job))).collect();
        writeln!(table, "{name} ({} cores): {}", m.cores, sizes.join(", ")).unwrap();
    }
    insta::assert_snapshot!(table);
}

#[test]
fn compute_jobs_get_one_thread_per_core() {
    for cores in 1..=128 {
        assert_eq!(pick_pool_size(&machine(cores, 10.0, 30.0), &Job::Compute), cores, "Compute on {cores} cores");
    }
}

#[test]
fn memory_jobs_stop_where_the_bus_is_full() {
    // 10 GB/s per thread, 25 GB/s together: 3 threads fill the bus.
    assert_eq!(pick_pool_size(&machine(16, 10.0, 25.0), &Job::Memory), 3);
    // Exactly 2 threads' worth: 2, not 3.
    assert_eq!(pick_pool_size(&machine(16, 8.0, 16.0), &Job::Memory), 2);
    // The bus is never full: as many as there are cores.
    assert_eq!(pick_pool_size(&machine(4, 5.0, 100.0), &Job::Memory), 4);
    // One thread already reaches it (or measures faster than all: noise).
    assert_eq!(pick_pool_size(&machine(8, 20.0, 18.0), &Job::Memory), 1);
}

#[test]
fn memory_jobs_without_a_measurement_get_one_thread_per_core() {
    for (one, all) in [(0.0, 0.0), (0.0, 16.0), (7.7, 0.0), (-1.0, 16.0), (f64::NAN, 16.0), (7.7, f64::NAN)] {
        assert_eq!(
            pick_pool_size(&machine(6, one, all), &Job::Memory),
            6,
            "one thread {one} GB/s, all cores {all} GB/s is not a measurement: use the cores"
        );
    }
}

#[test]
fn blocking_jobs_keep_every_core_busy() {
    for (wait_percent, want) in [(0, 2), (10, 3), (33, 3), (50, 4), (75, 8), (90, 20), (99, 200)] {
        assert_eq!(
            pick_pool_size(&machine(2, 7.7, 16.0), &Job::Blocking { wait_percent }),
            want,
            "2 cores, tasks waiting {wait_percent}% of the time"
        );
    }
}

#[test]
#[should_panic(expected = "cores")]
fn a_machine_without_cores_is_refused() {
    pick_pool_size(&machine(0, 7.7, 16.0), &Job::Compute);
}

#[test]
#[should_panic(expected = "wait_percent")]
fn a_job_that_only_waits_is_refused() {
    pick_pool_size(&machine(2, 7.7, 16.0), &Job::Blocking { wait_percent: 100 });
}

#[test]
fn a_pool_of_zero_threads_is_refused() {
    assert!(
        matches!(build_pool(0), Err(PoolError::ZeroThreads)),
        "build_pool(0) must be Err(PoolError::ZeroThreads): rayon reads 0 as \"choose for me\""
    );
}

#[test]
fn pools_have_the_size_and_names_asked_for() {
    for threads in 1..=5 {
        let pool = build_pool(threads).expect("a small pool builds");
        assert_eq!(pool.current_num_threads(), threads, "build_pool({threads})");
        let mut names = pool.broadcast(|_| std::thread::current().name().map(str::to_owned));
        names.sort();
        let want: Vec<Option<String>> = (0..threads).map(|i| Some(worker_name(i))).collect();
        assert_eq!(names, want, "the threads of build_pool({threads}), by name");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn the_compute_job_runs_in_the_pool_it_builds() {
    // Long enough (about 0.1 s of CPU) for the per-thread CPU to be read.
    let data = datagen::uniform_u32(1 << 24, 18);
    let (total, cpu) = testkit::cpu_by_thread(|| process(&data));
    assert_eq!(total, process_sequential(&data));
    // The kernel cuts thread names to 15 bytes: "pool-worker-1" fits.
    let in_pool: f64 = cpu.iter().filter(|(name, _)| name.starts_with("pool-worker-")).map(|(_, s)| s).sum();
    let all: f64 = cpu.iter().map(|(_, s)| s).sum();
    assert!(
        in_pool > 0.5 * all,
        "process ran {:.0}% of its work outside the threads build_pool names (CPU-seconds by thread: {cpu:.3?}): \
         install the job in the pool you built, not rayon's global pool",
        100.0 * (1.0 - in_pool / all.max(1e-9))
    );
}

#[test]
fn the_compute_job_on_nothing_is_zero() {
    assert_eq!(process(&[]), 0);
}

#[test]
fn the_compute_job_on_a_large_input() {
    let data = datagen::uniform_u32(1 << 20, 18);
    assert_eq!(process(&data), process_sequential(&data));
    assert_ne!(kernel(1), kernel(2), "the kernel is given: do not change it");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn memory_rule_matches_the_oracle(cores in 1usize..=256, one in 0.5f64..50.0, all in 0.5f64..500.0) {
        prop_assert_eq!(pick_pool_size(&machine(cores, one, all), &Job::Memory), memory_oracle(cores, one, all));
    }

    #[test]
    fn blocking_rule_matches_the_oracle(cores in 1usize..=256, wait in 0u32..100) {
        let job = Job::Blocking { wait_percent: wait };
        prop_assert_eq!(pick_pool_size(&machine(cores, 7.7, 16.0), &job), blocking_oracle(cores, wait));
    }

    #[test]
    fn the_compute_job_matches_the_sequential_oracle(data in prop::collection::vec(any::<u32>(), 0..2000)) {
        prop_assert_eq!(process(&data), process_sequential(&data));
    }
}
