//! Helpers shared by the exercises' test suites and the references'
//! examples: one copy instead of one per crate.
//!
//! - [`children_left`] / [`assert_no_children_left`]: for suites that start
//!   worker processes (07, 09, 16, 21).
//! - [`serial`]: for tests that must not overlap — they start processes, time
//!   something (19), or change the process's umask (23).
//! - [`median_seconds`]: the timer of the examples that print the book's tables.

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
