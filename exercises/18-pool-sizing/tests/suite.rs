//! The one test suite of exercise 18-pool-sizing, run against the learner's
//! crate and the reference. The sizing rules are checked against oracles
//! written another way (the smallest count that suffices, found by counting
//! up), the pool by asking its threads their names.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};

use pool_sizing::given::{kernel, process_sequential, worker_name};
use pool_sizing::{Job, Machine, PoolError, build_pool, pick_pool_size, process};
use proptest::prelude::*;

/// Tests that count the threads named `worker_name(i)` run apart from tests
/// that build pools of other sizes.
fn pools_alone() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

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
fn a_wait_above_100_percent_is_refused() {
    for wait_percent in [101, 150, u32::MAX] {
        let result =
            std::panic::catch_unwind(|| pick_pool_size(&machine(2, 7.7, 16.0), &Job::Blocking { wait_percent }));
        let message = match &result {
            Ok(size) => panic!(
                "pick_pool_size(Blocking {{ wait_percent: {wait_percent} }}) gave {size}: a task cannot wait more than \
                 100% of its time — panic for 100 or more, naming wait_percent"
            ),
            Err(payload) => Some(testkit::panic_message(payload.as_ref())),
        };
        assert!(
            message.as_deref().is_some_and(|m| m.contains("wait_percent")),
            "pick_pool_size(Blocking {{ wait_percent: {wait_percent} }}) panicked with {message:?}: the message should \
             name wait_percent"
        );
    }
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
    let _alone = pools_alone();
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
#[cfg(target_os = "linux")]
fn the_compute_job_gets_one_thread_per_core() {
    let _alone = pools_alone();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Long enough (about 0.05 s of CPU) for every thread of the pool to be seen.
    let data = datagen::uniform_u32(1 << 23, 19);
    // A dropped rayon pool's threads end on their own time: wait (at most
    // 2 s) until those of a larger pool made by another test are gone.
    let larger = |name: &String| {
        name.strip_prefix("pool-worker-").and_then(|i| i.parse().ok()).is_some_and(|i: usize| i >= cores)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while testkit::thread_names().iter().any(larger) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let (total, cpu) = testkit::cpu_by_thread(|| process(&data));
    assert_eq!(total, process_sequential(&data));
    let mut names: Vec<&str> =
        cpu.iter().map(|(name, _)| name.as_str()).filter(|n| n.starts_with("pool-worker-")).collect();
    names.sort_unstable();
    names.dedup();
    let want: Vec<String> = (0..cores).map(worker_name).collect();
    assert_eq!(
        names, want,
        "the threads of the pool process built, by name: on {cores} cores a compute job gets one thread per core — \
         size the pool with pick_pool_size(&Machine::this_one(), &Job::Compute)"
    );
}

/// The child process of `a_pool_whose_threads_cannot_start_is_an_error`.
const CHILD: &str = "POOL_SIZING_CHILD_WITHOUT_ROOM_FOR_THREADS";

/// Runs only as that child: calls `build_pool(4)` while the process has no
/// address space left for a thread's stack, and prints what came back.
#[test]
#[cfg(target_os = "linux")]
fn build_pool_without_room_for_threads() {
    if std::env::var_os(CHILD).is_none() {
        return; // In the normal run: nothing to do.
    }
    fn address_space_limit(bytes: libc::rlim_t) {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: a valid pointer to a plain C struct, for this process's own limits.
        unsafe {
            assert_eq!(libc::getrlimit(libc::RLIMIT_AS, &mut limit), 0, "getrlimit");
            limit.rlim_cur = bytes.min(limit.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_AS, &limit), 0, "setrlimit");
        }
    }
    /// Lifts the limit again, also while a panic unwinds.
    struct Lift;
    impl Drop for Lift {
        fn drop(&mut self) {
            address_space_limit(libc::RLIM_INFINITY);
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: libc::rlim_t = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize in /proc/self/status");
    let outcome = {
        let _lift = Lift;
        // Room for small allocations, none for a new thread's stack (2 MiB).
        address_space_limit(kib * 1024 + (256 << 10));
        build_pool(4)
    };
    match outcome {
        Ok(pool) => println!("outcome: Ok(a pool of {} threads)", pool.current_num_threads()),
        Err(PoolError::Build(message)) => println!("outcome: Err(Build({message:?}))"),
        Err(e) => println!("outcome: Err({e:?})"),
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_pool_whose_threads_cannot_start_is_an_error() {
    // A child process (this test program, running only the test above) can
    // take away the room for thread stacks without disturbing the other tests.
    let exe = std::env::current_exe().expect("the test program knows where it is");
    let out = std::process::Command::new(exe)
        .args(["--exact", "build_pool_without_room_for_threads", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("start the test program as a child");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // libtest prints the child's line after its own "test … ... ".
    let outcome = stdout.lines().find_map(|l| Some(l.split_once("outcome: ")?.1));
    // What the child said on stderr (a panic's message), set off from this test's own output.
    let said: String = stderr.lines().map(|l| format!("  | {l}\n")).collect();
    assert!(
        outcome.is_some_and(|o| o.starts_with("Err(Build(")),
        "build_pool(4) in a process that cannot start threads (no room for their stacks) returned {}: it must \
         return Err(PoolError::Build(message)) — map rayon's ThreadPoolBuildError, do not unwrap it.\n\
         The child process's stderr:\n{said}",
        outcome.unwrap_or("nothing (it panicked)")
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
