//! Helpers shared by the exercises' test suites and the references'
//! examples: one copy instead of one per crate.
//!
//! - [`children_left`] / [`assert_no_children_left`]: for suites that start
//!   worker processes (07, 09, 16, 21).
//! - [`serial`]: for tests that must not overlap — they start processes, time
//!   something (19), or change the process's umask (23).
//! - [`median_seconds`]: the timer of the examples that print the book's tables.
//! - [`cpu_by_thread`]: where a call's work ran (09: on several threads; 18: in the pool it builds).
//! - [`TempFile`]: an input file for code that takes a path, removed when dropped (20, 27, 28).

pub mod own_process;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Processes whose parent is this test process: running or zombies (Linux;
/// elsewhere none are found).
pub fn children_left() -> Vec<String> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter_map(|stat| {
            // pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let mut fields = rest.split_whitespace();
            let (state, ppid) = (fields.next()?, fields.next()?);
            (ppid == me).then(|| format!("{} in state {state}", head.trim()))
        })
        .collect()
}

/// Fails when a worker process of this test process was not waited for.
pub fn assert_no_children_left(after: &str) {
    let left = children_left();
    assert!(left.is_empty(), "after {after}, worker processes were left behind (not waited for): {left:?}");
}

/// What a panic said: its `&str` or `String` payload, or "a panic" for any other.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a panic".into(),
    }
}

/// Tests that start processes run one at a time, so that each one's check
/// for left-behind children sees only its own (cargo runs tests in parallel).
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Seconds `f` takes: the median of `runs` runs.
pub fn median_seconds(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// CPU time, in seconds, that each thread of this process used while `f`
/// ran, with its name (Linux's `/proc/self/task/*/comm`, cut to 15 bytes by
/// the kernel), and `f`'s result. Threads that start and end during `f` are
/// seen: a sampler reads every thread's `schedstat` (CPU nanoseconds) every
/// millisecond, so a thread that lives under a millisecond may be missed.
/// The sampler's own thread is left out. Empty off Linux.
///
/// For suites that must know *where* work ran — on several threads, in the
/// pool the exercise builds and not rayon's global one.
pub fn cpu_by_thread<T>(f: impl FnOnce() -> T) -> (T, Vec<(String, f64)>) {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    fn sample(latest: &mut HashMap<String, (String, u64)>) {
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return };
        for task in tasks.flatten() {
            let path = task.path();
            let ns = std::fs::read_to_string(path.join("schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
            let name = std::fs::read_to_string(path.join("comm")).map(|n| n.trim().to_string());
            if let (Some(ns), Ok(name)) = (ns, name) {
                let tid = task.file_name().to_string_lossy().into_owned();
                latest.insert(tid, (name, ns));
            }
        }
    }
    const SAMPLER: &str = "cpu-sampler";
    let (ready, done) = (AtomicBool::new(false), AtomicBool::new(false));
    std::thread::scope(|s| {
        let sampler = std::thread::Builder::new()
            .name(SAMPLER.into())
            .spawn_scoped(s, || {
                let (mut first, mut last) = (HashMap::new(), HashMap::new());
                sample(&mut first);
                ready.store(true, Ordering::Release);
                while !done.load(Ordering::Acquire) {
                    sample(&mut last);
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                sample(&mut last);
                let mut threads: Vec<(String, f64)> = last
                    .into_iter()
                    .filter(|(_, (name, _))| name != SAMPLER)
                    .map(|(tid, (name, ns))| {
                        let before = first.get(&tid).map_or(0, |(_, ns)| *ns);
                        (name, ns.saturating_sub(before) as f64 / 1e9)
                    })
                    .collect();
                threads.sort_by(|a, b| b.1.total_cmp(&a.1));
                threads
            })
            .expect("the sampler thread starts");
        // Set on drop: a panic in `f` (a `todo!()`) must stop the sampler,
        // or the scope would wait for it for ever.
        struct Done<'a>(&'a AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Release);
            }
        }
        // `f` starts once the sampler runs: on a busy machine its first
        // reading could otherwise come after short threads had ended.
        while !ready.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        let out = {
            let _done = Done(&done);
            f()
        };
        (out, sampler.join().expect("the sampler thread"))
    })
}

/// The names of this process's threads now (Linux's `/proc/self/task/*/comm`,
/// cut to 15 bytes by the kernel; elsewhere none): which threads a call left
/// or started (18, 19, 20).
pub fn thread_names() -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return Vec::new() };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .collect()
}

/// A file in the temp dir, removed when dropped: a test's input for code that
/// takes a path. Its name holds the process id, a counter and `name`, so
/// tests running at once (or two runs of the suite) never share one.
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    /// Writes `bytes` to a new file whose name ends in `name`.
    pub fn with(name: &str, bytes: &[u8]) -> TempFile {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("workbench-test-{}-{n}-{name}", std::process::id()));
        let file = TempFile(path);
        std::fs::write(&file.0, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.0.display()));
        file
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempFile {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
