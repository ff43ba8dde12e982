//! The one test suite of exercise 07, run unchanged against your crate and
//! the reference. `cargo xtask check 07-pipe-workers` runs it; do not edit it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, ErrorKind, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use pipe_workers::{FrameError, MAX_FRAME, read_frame, run_workers, write_frame};
use proptest::prelude::*;
use testkit::own_process::{self, open_fds};
use testkit::{assert_no_children_left, children_left, panic_message, serial};

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

/// How long a scenario run in a process of its own may take.
const OWN_PROCESS_LIMIT: Duration = Duration::from_secs(10);

/// What `read_frame` returned, in a few words.
fn describe(result: &Result<Option<Vec<u8>>, FrameError>) -> String {
    match result {
        Ok(Some(frame)) => format!("a frame of {} bytes", frame.len()),
        Ok(None) => "Ok(None), the end of the input".into(),
        Err(e) => format!("the error {e:?} ({e})"),
    }
}

/// The frames `payloads` as bytes, written here without `write_frame`.
fn encoded(payloads: &[&[u8]]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for p in payloads {
        bytes.extend((p.len() as u32).to_le_bytes());
        bytes.extend(*p);
    }
    bytes
}

const PAYLOADS: [&[u8]; 3] = [b"hello", b"", &[0xAB; 1000]];

// --- readers and writers that behave as real ones may ---

/// Hands over one byte per `read` call, as a pipe may when the other side writes slowly.
struct OneByteAtATime<'a>(&'a [u8]);

impl Read for OneByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (buf.first_mut(), self.0.split_first()) {
            (Some(slot), Some((byte, rest))) => {
                *slot = *byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Takes at most 3 bytes per `write` call, as a pipe or a socket may.
#[derive(Default)]
struct ThreeBytesAtATime(Vec<u8>);

impl Write for ThreeBytesAtATime {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(3);
        self.0.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Fails every other call with `Interrupted` — a signal arrived before any
/// byte moved — as a real reader or writer may.
struct Interrupting<T> {
    inner: T,
    interrupt: bool,
}

impl<T> Interrupting<T> {
    fn new(inner: T) -> Self {
        Interrupting { inner, interrupt: false }
    }
    fn interrupted(&mut self) -> bool {
        self.interrupt = !self.interrupt;
        self.interrupt
    }
}

impl<R: Read> Read for Interrupting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.interrupted() {
            return Err(ErrorKind::Interrupted.into());
        }
        self.inner.read(buf)
    }
}

impl<W: Write> Write for Interrupting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.interrupted() {
            return Err(ErrorKind::Interrupted.into());
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Hands over its bytes, then fails as a reader whose peer vanished does.
struct FailsAfter<'a>(&'a [u8]);

impl Read for FailsAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::new(ErrorKind::ConnectionReset, "the other side reset the connection"));
        }
        self.0.read(buf)
    }
}

/// Notes the largest allocation each thread asks for, so that a test can see
/// what `read_frame` allocates. Everything else is the system allocator's.
struct Watching;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

// SAFETY: every call goes to the system allocator unchanged; only sizes are noted,
// in a thread-local `Cell` that never allocates.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

/// `f`'s result, and the largest allocation it asked for on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|largest| largest.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
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

#[test]
fn a_reader_that_hands_over_one_byte_at_a_time() {
    let why = "a `read` call may return fewer bytes than asked for (here one at a time) without the input having \
               ended: keep reading until the header, then the payload, is complete; only a read of 0 bytes is the end";
    let bytes = encoded(&PAYLOADS);
    let mut r = OneByteAtATime(&bytes);
    for want in PAYLOADS {
        match read_frame(&mut r, MAX_FRAME) {
            Ok(Some(got)) if got == want => {}
            other => {
                panic!("read_frame returned {} instead of a frame of {} bytes: {why}", describe(&other), want.len())
            }
        }
    }
    let end = read_frame(&mut r, MAX_FRAME);
    assert!(matches!(end, Ok(None)), "after the last frame: {} instead of Ok(None)", describe(&end));
    // Cut short: the count is of the bytes that did arrive, however they came.
    for (input, expected, got) in [(&[5, 0][..], 4, 2), (&[5, 0, 0, 0, b'a', b'b'][..], 5, 2)] {
        let result = read_frame(&mut OneByteAtATime(input), MAX_FRAME);
        assert!(
            matches!(result, Err(FrameError::Truncated { expected: e, got: g }) if (e, g) == (expected, got)),
            "{} bytes of a frame that needs {expected}, one byte per read: {} instead of Truncated {{ expected: \
             {expected}, got: {got} }}: {why}",
            input.len(),
            describe(&result)
        );
    }
}

#[test]
fn a_writer_that_takes_three_bytes_at_a_time() {
    let mut w = ThreeBytesAtATime::default();
    for p in PAYLOADS {
        write_frame(&mut w, p).unwrap();
    }
    let want = encoded(&PAYLOADS);
    assert!(
        w.0 == want,
        "write_frame through a writer that takes at most 3 bytes per call wrote {} bytes of the {} of three frames: \
         `write` may take fewer bytes than it is given, and returns how many it took; use write_all, which loops \
         until everything is written",
        w.0.len(),
        want.len()
    );
}

#[test]
fn interrupted_calls_are_retried() {
    let mut w = Interrupting::new(Vec::new());
    for p in PAYLOADS {
        if let Err(e) = write_frame(&mut w, p) {
            panic!(
                "write_frame returned the error `{e}` ({:?}) from a writer that fails every other call with \
                 Interrupted: Interrupted means a signal arrived before anything was written; write again \
                 (write_all does)",
                e.kind()
            );
        }
    }
    assert!(w.inner == encoded(&PAYLOADS), "write_frame through an interrupted writer wrote the wrong bytes");
    let bytes = encoded(&PAYLOADS);
    let mut r = Interrupting::new(&bytes[..]);
    for want in PAYLOADS {
        match read_frame(&mut r, MAX_FRAME) {
            Ok(Some(got)) if got == want => {}
            other => panic!(
                "read_frame returned {} instead of a frame of {} bytes, from a reader that fails every other call \
                 with Interrupted: Interrupted means a signal arrived before any byte did; read again (read_exact \
                 does) — it is neither the end nor a failure",
                describe(&other),
                want.len()
            ),
        }
    }
    let end = read_frame(&mut r, MAX_FRAME);
    assert!(matches!(end, Ok(None)), "after the last frame: {} instead of Ok(None)", describe(&end));
}

#[test]
fn a_failing_reader_is_an_io_error() {
    for (input, when) in
        [(&[][..], "before a header"), (&[5, 0][..], "inside a header"), (&[5, 0, 0, 0, b'a'][..], "inside a payload")]
    {
        match read_frame(&mut FailsAfter(input), MAX_FRAME) {
            Err(FrameError::Io(e)) if e.kind() == ErrorKind::ConnectionReset => {}
            other => panic!(
                "the reader failed {when} (ConnectionReset), and read_frame returned {}: a failing reader is \
                 FrameError::Io carrying its error — not the end of the input, not a truncated frame",
                describe(&other)
            ),
        }
    }
}

#[test]
fn a_length_over_the_limit_allocates_nothing() {
    // The header announces 64 MiB; the limit is 1 KiB.
    let input = [0, 0, 0, 4, b'x', b'y', b'z'];
    let (result, largest) = largest_allocation(|| read_frame(&mut &input[..], 1024));
    let err = result.expect_err("64 MiB announced, the limit is 1 KiB");
    assert!(matches!(err, FrameError::TooLong { len: 0x0400_0000, limit: 1024 }), "got {err:?}");
    assert!(
        largest < 1 << 20,
        "read_frame allocated {largest} bytes for a header that announced 64 MiB, over its limit of 1 KiB: compare \
         the length with the limit before allocating anything for it — the length comes from the other side, and \
         one that announces 4 GiB would make you allocate 4 GiB"
    );
}

/// `LEN` readable bytes that take no memory: a private, read-only anonymous
/// mapping, whose pages all read as zeros. Unmapped when dropped.
#[cfg(target_pointer_width = "64")]
struct Untouched {
    ptr: *mut libc::c_void,
    len: usize,
}

#[cfg(target_pointer_width = "64")]
impl Untouched {
    fn new(len: usize) -> Self {
        // SAFETY: a new mapping at an address the kernel picks; nothing else refers to it.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert_ne!(ptr, libc::MAP_FAILED, "cannot map {len} bytes for the test: {}", io::Error::last_os_error());
        Untouched { ptr, len }
    }
    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` readable bytes (zeros) that live as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.cast(), self.len) }
    }
}

#[cfg(target_pointer_width = "64")]
impl Drop for Untouched {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`; no slice of it outlives `self`.
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}

/// Keeps the first bytes written to it and counts the others without reading them.
#[derive(Default)]
struct Tally {
    head: Vec<u8>,
    total: usize,
}

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let keep = buf.len().min(8usize.saturating_sub(self.head.len()));
        self.head.extend_from_slice(&buf[..keep]);
        self.total += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
#[cfg(target_pointer_width = "64")]
fn a_payload_over_4_gib_is_refused() {
    // One byte more than a u32 length can say. Nothing is allocated: no page of it is ever written.
    let payload = Untouched::new(u32::MAX as usize + 1);
    let mut w = Tally::default();
    match write_frame(&mut w, payload.bytes()) {
        Err(e) if e.kind() == ErrorKind::InvalidInput => {}
        other => panic!(
            "write_frame was given a payload of 4 GiB, one byte more than a u32 length can say, and returned {other:?} \
             after writing {} bytes starting {:?}: `payload.len() as u32` cuts the length (to 0 here), and the \
             reader would take the frame for another one; return an InvalidInput error instead",
            w.total, w.head
        ),
    }
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
    assert!(
        err.reason.contains("exit status: 7"),
        "the reason should give the exit status as ExitStatus displays it (`exit status: 7`), even though the worker \
         also stopped early: {err}"
    );
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
    assert!(
        err.reason.contains("exit status: 4"),
        "the reason should give the exit status as ExitStatus displays it (`exit status: 4`): {err}"
    );
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

/// A fresh, empty folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pw-07-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Scratch(dir)
    }
    fn files(&self) -> usize {
        std::fs::read_dir(&self.0).map_or(0, Iterator::count)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn only_as_many_workers_as_jobs_are_started() {
    let _serial = serial();
    for (n, workers, want) in [(2, 8, 2), (0, 4, 0), (9, 3, 3)] {
        // Each worker started with `--record DIR` leaves a file in DIR.
        let record = Scratch::new("record");
        let args = ["--record", record.0.to_str().expect("a UTF-8 temporary folder")];
        let jobs = jobs(n, 12);
        let expected: Vec<Vec<u8>> = jobs.iter().map(|j| oracle(j)).collect();
        assert_eq!(run_workers(worker(), &args, workers, &jobs).unwrap(), expected);
        let started = record.files();
        assert_eq!(
            started, want,
            "{n} jobs with workers = {workers} started {started} worker processes: start min(workers, jobs.len()) = \
             {want}; a worker without a job is a process started for nothing"
        );
    }
    assert_no_children_left("runs with more workers than jobs");
}

#[test]
fn a_worker_that_quits_while_its_jobs_are_being_written() {
    let _serial = serial();
    own_process::run("a_worker_that_quits_while_its_jobs_are_being_written", OWN_PROCESS_LIMIT, || {
        // Worker 0 quits at its first job with 1.75 MiB of jobs still to be written to it: once its pipe
        // is full, writing to it fails with EPIPE (BrokenPipe), since no process will ever read them.
        let mut jobs: Vec<Vec<u8>> = (0..16).map(|i| vec![i as u8; 256 * 1024]).collect();
        jobs[0] = b"!quit".to_vec();
        let result = catch_unwind(AssertUnwindSafe(|| run_workers(worker(), &[], 2, &jobs)));
        let result = result.unwrap_or_else(|panic| {
            panic!(
                "run_workers panicked ({}) when worker 0 quit while 1.75 MiB of its jobs were still to be written: \
                 writing to a worker that has exited fails with a BrokenPipe error (EPIPE); that is the worker's \
                 failure to report — it stopped early — not a reason to panic",
                panic_message(&*panic)
            )
        });
        let err = result.expect_err("worker 0 quit without answering any of its 8 jobs");
        assert_eq!(err.worker, 0, "worker 0 quit at its first job, but the error names worker {}: {err}", err.worker);
        assert_no_children_left("a worker quit while its jobs were being written");
    });
}

/// Leaves exactly `spare` more file descriptors to this process: the gaps
/// below the highest one in use are filled (with `/dev/null`), and the soft
/// limit is set just above it. Returns the fillers and the old limit.
fn leave_spare_fds(spare: u64) -> (Vec<std::fs::File>, libc::rlimit) {
    let in_use: Vec<u64> = open_fds().iter().filter_map(|fd| fd.split(' ').next()?.parse().ok()).collect();
    let highest = *in_use.iter().max().expect("stdin, stdout and stderr at least");
    let gaps = highest + 1 - in_use.len() as u64;
    let fillers: Vec<_> = (0..gaps).map(|_| std::fs::File::open("/dev/null").expect("/dev/null")).collect();
    let mut old = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit with valid pointers to `rlimit` values.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut old), 0, "getrlimit");
        let new = libc::rlimit { rlim_cur: highest + 1 + spare, rlim_max: old.rlim_max };
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &new), 0, "setrlimit: {}", io::Error::last_os_error());
    }
    (fillers, old)
}

#[test]
fn a_spawn_that_fails_after_others_started_leaves_nothing_behind() {
    let _serial = serial();
    own_process::run("a_spawn_that_fails_after_others_started_leaves_nothing_behind", OWN_PROCESS_LIMIT, || {
        let before = open_fds();
        // A worker started keeps two descriptors (its stdin and stdout) and needs two more while it starts:
        // with 7 to spare, workers 0 and 1 start and worker 2 cannot ("Too many open files").
        let (fillers, old) = leave_spare_fds(7);
        let jobs = jobs(8, 11);
        let result = catch_unwind(AssertUnwindSafe(|| run_workers(worker(), &[], 4, &jobs)));
        // SAFETY: setrlimit with a valid pointer; the limit this process had.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &old) };
        drop(fillers);
        let result = result.unwrap_or_else(|panic| {
            panic!(
                "run_workers panicked ({}) when a worker could not be started (too many open files) after the ones \
                 before it had been: that is an error to return, naming the worker",
                panic_message(&*panic)
            )
        });
        let err = match result {
            Err(err) => err,
            // Workers that never run at the same time fit in 7 descriptors (another test says why that is wrong).
            Ok(results) => {
                assert!(results == jobs.iter().map(|j| oracle(j)).collect::<Vec<_>>(), "wrong results");
                assert_no_children_left("a run with few file descriptors");
                return;
            }
        };
        let left = children_left();
        assert!(
            left.is_empty(),
            "worker {} could not be started ({err}) after the workers before it had been, and run_workers returned \
             with those still there (running or zombies, never waited for): {left:?}. Before returning the error, \
             stop (kill) and wait for every worker already started",
            err.worker
        );
        let after = open_fds();
        let leaked: Vec<&String> = after.iter().filter(|fd| !before.contains(fd)).collect();
        assert!(
            leaked.is_empty(),
            "run_workers returned its error ({err}) with file descriptors still open that were not before: \
             {leaked:?}: the pipes of the workers that did start must be closed"
        );
    });
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
