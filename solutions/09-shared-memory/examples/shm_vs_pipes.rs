//! Sharing against copying: MIB mebibytes (default 64) written by 2 workers — threads into one
//! buffer, processes into a shared file map (in `/dev/shm` where it
//! exists), and processes that send their bytes through pipes to the parent.
//!
//! ```console
//! cargo build --release -p shared-memory-solution --bins --examples
//! target/release/examples/shm_vs_pipes [MIB]
//! ```

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use shared_memory::{fill_file_with_processes, fill_with_threads, pattern};

const WORKERS: usize = 2;

fn main() {
    let mib: u64 = std::env::args().nth(1).map_or(64, |a| a.parse().expect("MIB must be a number"));
    let len = mib << 20;
    let exe = std::env::current_exe().expect("the example knows where it is");
    let worker = exe.parent().and_then(Path::parent).map(|dir| dir.join("shared-memory-worker-solution"));
    let Some(worker) = worker.filter(|w| w.exists()) else {
        eprintln!("error: build the worker first: cargo build --release -p shared-memory-solution --bins --examples");
        std::process::exit(2);
    };
    // Memory-backed where there is one (Linux), as Python's SharedMemory is.
    let dir = if Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
    let file = dir.join(format!("pw-shm-vs-pipes-{}.bin", std::process::id()));
    let want: Vec<u8> = (0..len).map(pattern).collect();

    // Every round starts from fresh memory, as a real job would: the first
    // write to each page costs a page fault, in every variant.
    let mut buffer = Vec::new();
    report("threads, one buffer (fill_with_threads)", len, || {
        buffer = vec![0u8; len as usize];
        fill_with_threads(&mut buffer, WORKERS);
    });
    assert!(buffer == want);

    report("processes, a shared file map (fill_file_with_processes)", len, || {
        fill_file_with_processes(&file, len, WORKERS, &worker, &[]).expect("the workers succeed");
    });
    assert!(std::fs::read(&file).expect("the file exists") == want);
    let _ = std::fs::remove_file(&file);

    let mut copied = Vec::new();
    report("processes, bytes sent through pipes", len, || {
        copied = vec![0u8; len as usize];
        let half = len / WORKERS as u64;
        let mut children: Vec<_> = (0..WORKERS as u64)
            .map(|k| {
                let (start, end) = (k * half, if k + 1 == WORKERS as u64 { len } else { (k + 1) * half });
                let child = Command::new(&worker)
                    .args(["--stdout", "-", &start.to_string(), &end.to_string()])
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("the worker starts");
                (child, start, end)
            })
            .collect();
        // One reader thread per worker, so both pipes drain at once.
        std::thread::scope(|s| {
            let mut rest = copied.as_mut_slice();
            for (child, start, end) in &mut children {
                let (mine, tail) = rest.split_at_mut((*end - *start) as usize);
                rest = tail;
                let mut out = child.stdout.take().expect("piped");
                s.spawn(move || out.read_exact(mine).expect("the worker sends its region"));
            }
        });
        for (mut child, _, _) in children {
            assert!(child.wait().expect("the worker ends").success());
        }
    });
    assert!(copied == want);
}

/// Runs `f` 5 times and prints the median.
fn report(what: &str, len: u64, f: impl FnMut()) {
    let t = testkit::median_seconds(5, f);
    println!("{what:<58} {:>7.1} ms  {:>6.0} MB/s (median of 5)", t * 1e3, len as f64 / t / 1e6);
}
