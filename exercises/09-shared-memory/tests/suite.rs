//! The one test suite of exercise 09, run unchanged against your crate and
//! the reference. `cargo xtask check 09-shared-memory` runs it; do not edit it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use proptest::prelude::*;
use shared_memory::{fill_file_with_processes, fill_region_of_file, fill_with_threads, pattern};
use testkit::{children_left, own_process, panic_message, serial};

/// The worker program of whichever crate is under test.
fn worker() -> &'static Path {
    let exe = option_env!("CARGO_BIN_EXE_shared-memory-worker")
        .or(option_env!("CARGO_BIN_EXE_shared-memory-worker-solution"));
    Path::new(exe.expect("cargo builds the worker program for the tests"))
}

/// The published pattern; yours must not differ from it.
fn published(i: u64) -> u8 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

fn oracle(len: usize) -> Vec<u8> {
    (0..len as u64).map(published).collect()
}

/// A fresh, empty folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pw-09-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Scratch(dir)
    }
    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn first_difference(got: &[u8], want: &[u8]) -> String {
    if got.len() != want.len() {
        return format!("{} bytes instead of {}", got.len(), want.len());
    }
    match got.iter().zip(want).position(|(g, w)| g != w) {
        Some(i) => format!("byte {i} is {} instead of {} (of {} bytes)", got[i], want[i], want.len()),
        None => "identical".into(),
    }
}

/// The regions `START-END` that workers started with `--record DIR` left in DIR, in order.
fn recorded_regions(dir: &Path) -> Vec<(u64, u64)> {
    let mut regions: Vec<(u64, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let (a, b) = name.split_once('-').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    regions.sort_unstable();
    regions
}

#[test]
fn pattern_is_unchanged() {
    for i in [0, 1, 255, 1 << 20, u64::MAX] {
        assert_eq!(pattern(i), published(i), "pattern({i}) differs from the published one");
    }
}

// --- threads ---

#[test]
fn threads_fill_every_byte() {
    for (len, threads) in [(0, 3), (1, 1), (10, 3), (1_000_003, 4), (5, 8)] {
        let mut out = vec![0xAA; len];
        fill_with_threads(&mut out, threads);
        let want = oracle(len);
        assert!(out == want, "{len} bytes on {threads} threads: {}", first_difference(&out, &want));
    }
}

#[test]
#[should_panic(expected = "threads")]
fn zero_threads_panics_with_a_clear_message() {
    fill_with_threads(&mut [0; 4], 0);
}

// --- one region of a file ---

#[test]
fn a_region_of_a_file() {
    let dir = Scratch::new("region");
    let file = dir.path("out.bin");
    std::fs::write(&file, vec![0u8; 10_000]).unwrap();
    if let Err(e) = fill_region_of_file(&file, 4_097, 7_000) {
        panic!(
            "fill_region_of_file(file, 4097, 7000) failed on a file of 10 000 bytes: {e}. A shared, writable map \
             needs the file open for reading and writing (`OpenOptions::new().read(true).write(true)`)"
        );
    }
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(
        bytes.len(),
        10_000,
        "fill_region_of_file changed the file's length: open it without create or truncate"
    );
    assert!(bytes[..4_097].iter().all(|&b| b == 0), "bytes before the region were written");
    assert!(bytes[7_000..].iter().all(|&b| b == 0), "bytes after the region were written");
    let want: Vec<u8> = (4_097..7_000).map(published).collect();
    assert!(bytes[4_097..7_000] == want, "the region: {}", first_difference(&bytes[4_097..7_000], &want));
}

#[test]
fn an_empty_region_is_fine() {
    let dir = Scratch::new("empty-region");
    let file = dir.path("out.bin");
    std::fs::write(&file, b"").unwrap();
    fill_region_of_file(&file, 0, 0).unwrap();
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = Scratch::new("missing");
    assert!(fill_region_of_file(&dir.path("nope.bin"), 0, 10).is_err());
}

// --- processes ---

#[test]
fn processes_fill_the_file() {
    let _serial = serial();
    let dir = Scratch::new("processes");
    for (len, workers) in [(0, 2), (1, 1), (4_096 * 3 + 17, 3), (1 << 20, 4), (3, 8)] {
        let file = dir.path(&format!("out-{len}-{workers}.bin"));
        fill_file_with_processes(&file, len, workers, worker(), &[]).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let want = oracle(len as usize);
        assert!(bytes == want, "{len} bytes by {workers} workers: {}", first_difference(&bytes, &want));
    }
    assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind");
}

#[test]
fn each_worker_writes_its_own_region() {
    let _serial = serial();
    let dir = Scratch::new("record");
    let record = dir.path("record");
    std::fs::create_dir(&record).unwrap();
    let args = ["--record", record.to_str().unwrap()];
    fill_file_with_processes(&dir.path("out.bin"), 1_000_000, 4, worker(), &args).unwrap();
    let regions = recorded_regions(&record);
    assert_eq!(regions.len(), 4, "4 workers were asked for, {} ran: {regions:?}", regions.len());
    for pair in regions.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "regions must be contiguous and disjoint: {regions:?}");
    }
    let sizes: Vec<u64> = regions.iter().map(|(a, b)| b - a).collect();
    assert!(sizes.iter().all(|&s| s == 250_000), "1 000 000 bytes in 4 balanced regions: {sizes:?}");
}

#[test]
fn regions_are_balanced_to_one_byte() {
    let _serial = serial();
    let dir = Scratch::new("balance");
    let record = dir.path("record");
    std::fs::create_dir(&record).unwrap();
    let args = ["--record", record.to_str().unwrap()];
    fill_file_with_processes(&dir.path("out.bin"), 10, 4, worker(), &args).unwrap();
    let regions = recorded_regions(&record);
    let sizes: Vec<u64> = regions.iter().map(|(a, b)| b - a).collect();
    let contiguous = regions.first().map(|r| r.0) == Some(0)
        && regions.last().map(|r| r.1) == Some(10)
        && regions.windows(2).all(|p| p[0].1 == p[1].0);
    assert!(contiguous, "10 bytes in 4 regions should be cut into contiguous regions from 0 to 10: {regions:?}");
    let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
    assert!(
        regions.len() == 4 && max - min <= 1,
        "10 bytes for 4 workers were cut into regions of {sizes:?} bytes ({regions:?}): balanced regions differ by \
         at most one byte (3, 3, 2, 2) — chunks of len.div_ceil(workers) leave the last worker short"
    );
}

#[test]
fn only_non_empty_regions_get_a_worker() {
    let _serial = serial();
    let dir = Scratch::new("non-empty");
    let record = dir.path("record");
    std::fs::create_dir(&record).unwrap();
    let args = ["--record", record.to_str().unwrap()];
    fill_file_with_processes(&dir.path("out.bin"), 3, 8, worker(), &args).unwrap();
    let regions = recorded_regions(&record);
    assert_eq!(
        regions,
        [(0, 1), (1, 2), (2, 3)],
        "3 bytes for 8 workers: the 3 regions of one byte each get a worker, the 5 empty ones none (a process \
         started to write nothing)"
    );
}

#[test]
fn a_file_that_cannot_be_made_is_an_error_of_worker_0() {
    let _serial = serial();
    let dir = Scratch::new("cannot-create");
    let record = dir.path("record");
    std::fs::create_dir(&record).unwrap();
    let args = ["--record", record.to_str().unwrap()];
    let file = dir.path("no-such-folder/out.bin");
    let result = catch_unwind(AssertUnwindSafe(|| fill_file_with_processes(&file, 100, 2, worker(), &args)));
    let result = result.unwrap_or_else(|panic| {
        panic!(
            "fill_file_with_processes panicked ({}) when the file could not be created (its folder does not \
             exist): that is an error to return, as worker 0's",
            panic_message(&*panic)
        )
    });
    let err = result.expect_err("the file's folder does not exist");
    assert_eq!(err.worker, 0, "the file itself could not be made, which is worker 0's error: {err}");
    assert_eq!(
        recorded_regions(&record),
        [],
        "workers were started although the file they should write could not be made ({err})"
    );
    assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind");
}

#[test]
fn a_spawn_that_fails_after_others_started_leaves_nothing_behind() {
    let _serial = serial();
    own_process::run(
        "a_spawn_that_fails_after_others_started_leaves_nothing_behind",
        Duration::from_secs(10),
        spawn_fails_after_others_started,
    );
}

/// Makes the second worker of three unable to start: `exec` refuses
/// arguments and environment over 128 KiB together (E2BIG), and worker 1's
/// arguments (`10 20`) are one byte longer than worker 0's (`0 10`). This
/// process's environment is padded up to worker 0's limit exactly.
fn spawn_fails_after_others_started() {
    const PAD: &str = "PW09_PAD";
    // With a stack limit of 512 KiB or less, exec allows 128 KiB (ARG_MAX) of arguments and environment.
    let stack = libc::rlimit { rlim_cur: 512 << 10, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: setrlimit with a valid pointer; only the soft limit is lowered, within the hard one.
    let lowered = unsafe {
        let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::getrlimit(libc::RLIMIT_STACK, &mut old) == 0
            && libc::setrlimit(libc::RLIMIT_STACK, &libc::rlimit { rlim_max: old.rlim_max, ..stack }) == 0
    };
    assert!(lowered, "cannot lower the stack limit: {}", std::io::Error::last_os_error());
    let dir = Scratch::new("e2big");
    let record = dir.path("record");
    std::fs::create_dir(&record).unwrap();
    let args = ["--record", record.to_str().unwrap()];
    let file = dir.path("out.bin");
    // Whether a worker with these arguments, and `pad` bytes more of environment, can be started.
    // The file named has the same length as `file` and does not exist: the worker fails, quickly.
    let starts = |pad: usize, start: &str, end: &str| {
        let mut probe = Command::new(worker());
        probe.args(args).arg(dir.path("nop.bin")).arg(start).arg(end).env(PAD, "x".repeat(pad));
        let spawned = probe.stderr(Stdio::null()).spawn();
        match spawned {
            Ok(mut child) => {
                let _ = child.wait();
                true
            }
            Err(e) if e.raw_os_error() == Some(libc::E2BIG) => false,
            Err(e) => panic!("cannot start the worker program: {e}"),
        }
    };
    let (mut fits, mut too_long) = (0, 256 << 10);
    assert!(starts(fits, "0", "10") && !starts(too_long, "0", "10"), "exec refuses no argument list");
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if starts(mid, "0", "10") { fits = mid } else { too_long = mid }
    }
    if starts(fits, "10", "20") {
        eprintln!("exec's limit is not counted to the byte here; the scenario cannot be set up");
        return;
    }
    for e in std::fs::read_dir(&record).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    // SAFETY: this process runs this one test, on this thread; nothing else reads the environment now.
    unsafe { std::env::set_var(PAD, "x".repeat(fits)) };
    let result = catch_unwind(AssertUnwindSafe(|| fill_file_with_processes(&file, 30, 3, worker(), &args)));
    // SAFETY: as above.
    unsafe { std::env::remove_var(PAD) };
    let result = result.unwrap_or_else(|panic| {
        panic!(
            "fill_file_with_processes panicked ({}) when worker 1 could not be started (E2BIG: its arguments were \
             too long) after worker 0 had been: that is an error to return, naming the worker",
            panic_message(&*panic)
        )
    });
    match result {
        Err(err) => {
            let left = children_left();
            assert!(
                left.is_empty(),
                "worker {} could not be started ({err}) after the workers before it had been, and \
                 fill_file_with_processes returned with those still there (running or zombies, never waited for): \
                 {left:?}. Before returning the error, wait for every worker already started",
                err.worker
            );
        }
        // Arguments passed in another form than `ARGS… PATH START END` change the sizes: nothing to see.
        Ok(()) => assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind"),
    }
}

#[test]
fn the_workers_run_at_the_same_time() {
    let _serial = serial();
    let dir = Scratch::new("barrier");
    let barrier = dir.path("barrier");
    std::fs::create_dir(&barrier).unwrap();
    let args = ["--barrier", barrier.to_str().unwrap(), "4"];
    let result = fill_file_with_processes(&dir.path("out.bin"), 1_000_000, 4, worker(), &args);
    assert!(
        result.is_ok(),
        "each worker waits at a barrier for the other three, and they never came ({}): start every worker before \
         waiting for any",
        result.unwrap_err()
    );
}

#[test]
fn a_failing_worker_is_named_and_all_are_waited_for() {
    let _serial = serial();
    let dir = Scratch::new("fail");
    let err = fill_file_with_processes(&dir.path("out.bin"), 4_000, 4, worker(), &["--fail-at", "1500"]).unwrap_err();
    assert_eq!(err.worker, 1, "byte 1500 lies in worker 1's region 1000..2000: {err}");
    assert!(
        err.reason.contains("exit status: 9"),
        "the reason should give the exit status as ExitStatus displays it (`exit status: 9`): {err}"
    );
    assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind");
}

#[test]
#[cfg(unix)]
fn a_worker_killed_by_a_signal_has_failed() {
    // A shell in front of the worker: the one for region 1000..2000 is killed
    // by SIGKILL (as the out-of-memory killer or a SIGBUS would do), the
    // others run the worker. A death by signal has no exit code at all.
    let _serial = serial();
    let dir = Scratch::new("signal");
    let script = format!("if [ \"$2\" = 1000 ]; then kill -KILL $$; fi; exec '{}' \"$@\"", worker().display());
    let args = ["-c", script.as_str(), "sh"];
    let err = fill_file_with_processes(&dir.path("out.bin"), 4_000, 4, Path::new("/bin/sh"), &args)
        .expect_err("worker 1 was killed by a signal: its region was never written");
    assert_eq!(err.worker, 1, "worker 1 (region 1000..2000) was killed: {err}");
    assert!(
        err.reason.contains("signal"),
        "the reason should say the worker was killed by a signal (as ExitStatus displays it: `signal: 9 (SIGKILL)`) — \
         no exit code is not success: {err}"
    );
    assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind");
}

#[test]
fn a_missing_program_is_an_error() {
    let _serial = serial();
    let dir = Scratch::new("no-program");
    let err = fill_file_with_processes(&dir.path("out.bin"), 100, 2, Path::new("/nonexistent/worker"), &[]);
    assert!(err.is_err(), "starting a program that does not exist must fail");
    assert_eq!(children_left(), Vec::<String>::new(), "worker processes were left behind");
}

#[test]
#[should_panic(expected = "workers")]
fn zero_workers_panics_with_a_clear_message() {
    let _serial = serial();
    let dir = Scratch::new("zero");
    let _ = fill_file_with_processes(&dir.path("out.bin"), 10, 0, worker(), &[]);
}

#[test]
#[cfg(target_os = "linux")]
fn the_threads_really_share_the_work() {
    // 64 MiB: each of 4 threads writes for milliseconds, long enough to be seen.
    let mut out = vec![0; 64 << 20];
    let ((), cpu) = testkit::cpu_by_thread(|| fill_with_threads(&mut out, 4));
    let total: f64 = cpu.iter().map(|(_, s)| s).sum();
    // At least two threads with a real share: scoped threads give four,
    // rayon's pool one per core (both are right); one thread is not.
    let working = cpu.iter().filter(|(_, s)| *s > 0.1 * total).count();
    assert!(
        working >= 2,
        "fill_with_threads(out, 4) did its work on {working} thread(s) (CPU-seconds by thread: {cpu:.4?}): \
         spawn the threads first and let them write at the same time"
    );
}

/// What a person sees: the same bytes whichever way they were written.
#[test]
fn threads_and_processes_agree() {
    let _serial = serial();
    let dir = Scratch::new("agree");
    let len = 3_000_017;
    let file = dir.path("out.bin");
    fill_file_with_processes(&file, len, 3, worker(), &[]).unwrap();
    let mut by_threads = vec![0; len as usize];
    fill_with_threads(&mut by_threads, 3);
    let by_processes = std::fs::read(&file).unwrap();
    let report = format!(
        "bytes={len}\nthreads fnv1a64={:016x}\nprocesses fnv1a64={:016x}\n",
        datagen::fnv1a64(&by_threads),
        datagen::fnv1a64(&by_processes)
    );
    insta::assert_snapshot!("threads_and_processes_3000017", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 100,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_length_any_thread_count(len in 0usize..5_000, threads in 1usize..12) {
        let mut out = vec![0; len];
        fill_with_threads(&mut out, threads);
        prop_assert!(out == oracle(len), "{} bytes on {} threads", len, threads);
    }
}
