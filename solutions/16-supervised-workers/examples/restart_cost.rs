//! What crashes cost the supervisor: the same records with no crash, and with crashes.
//!
//! cargo build --release -p supervised-workers-solution --bins --examples
//! target/release/examples/restart_cost

use std::path::PathBuf;
use std::time::Instant;

use supervised_workers::{BATCH, Record, supervise};

fn main() {
    // The worker program sits next to this example's folder in target/release.
    let exe = std::env::current_exe().expect("the example's path");
    let worker: PathBuf = exe.parent().and_then(|d| d.parent()).expect("target/release").join("record-worker-solution");
    assert!(worker.exists(), "build the worker first: cargo build --release -p supervised-workers-solution --bins");
    let records: Vec<Record> = (0..20_000).map(|id| Record { id, value: id * 7 }).collect();
    println!("{} records, batches of {BATCH}, 2 worker processes; median of 5 runs", records.len());
    for crash_after in [None, Some(1000), Some(100), Some(10)] {
        let args = move |_slot: usize, _launch: usize| match crash_after {
            Some(n) => vec!["--crash-after".to_string(), n.to_string()],
            None => vec![],
        };
        let mut runs: Vec<(f64, usize)> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let report = supervise(&worker, 2, &args, &records, usize::MAX).expect("a supervised run");
                assert_eq!(report.results.len(), records.len());
                (start.elapsed().as_secs_f64(), report.restarts)
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (time, restarts) = runs[2];
        let label = crash_after.map_or("no crash".to_string(), |n| format!("crash after {n} answers"));
        println!("{label:>24}: {time:.3} s, {restarts} restarts");
    }
}
