//! One test's scenario in a process of its own (07, 09): for scenarios that
//! change what the whole process shares — a resource limit, the environment —
//! or that a wrong solution may leave in a mess (worker processes never waited
//! for, a panic in the middle of a run), so that none of it reaches the suite's
//! other tests and their checks for children left behind.
//!
//! [`run`] starts the test program again, running only the calling test, and
//! that copy runs the scenario; its failure message becomes the test's own.
//! [`open_fds`] lists the file descriptors open in this process (Linux).

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Set on the copy of the test program (on it only, never on the test
/// process itself) to the name of the test whose scenario it runs.
const MARK: &str = "TESTKIT_OWN_PROCESS";

/// Runs `scenario` in a new process of this test program that runs only the
/// test named `test` (the caller, by its exact name), and fails with the
/// scenario's own panic message if it fails there. In that process, `run`
/// simply calls `scenario`. The copy is stopped after `limit`.
///
/// The caller holds [`serial`](crate::serial) if the suite checks for
/// children: the copy is a child of the test process while it runs.
pub fn run(test: &str, limit: Duration, scenario: impl FnOnce()) {
    if std::env::var_os(MARK).is_some_and(|m| m == test) {
        scenario();
        return;
    }
    let exe = std::env::current_exe().expect("the path of the test program");
    let mut child = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(MARK, test)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test program starts again, for one test");
    // Read both pipes on threads: a copy that writes much must never block.
    // Worker processes it left behind may hold the pipes open after it ends,
    // so the text is taken when the copy ends, not at the end of the pipes.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        if let Some(mut pipe) = pipe {
            std::thread::spawn(move || {
                let mut buf = [0; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            });
        }
        rx
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let text = |rx: mpsc::Receiver<Vec<u8>>| {
        let mut bytes = Vec::new();
        // What is left in the pipe arrives at once; a pipe still held by a
        // worker left behind gives nothing more after a short while.
        while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(500)) {
            bytes.extend(chunk);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let (out, err) = (text(stdout), text(stderr));
    // The panic message as the scenario wrote it, without libtest's advice on backtraces.
    let said: String = err
        .lines()
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    match status {
        None => panic!(
            "the scenario did not finish within {} s in a process of its own, and was stopped. What it printed:\n{said}",
            limit.as_secs()
        ),
        Some(status) if status.success() => assert!(
            out.contains("test result: ok. 1 passed"),
            "the copy of the test program ran no test named `{test}` (a renamed test?): {out}"
        ),
        Some(status) => panic!("{said}\n(in a process of its own, which ended with {status})"),
    }
}

/// The file descriptors open in this process, each with what it is
/// (`3 -> pipe:[123]`), in order. Empty off Linux.
pub fn open_fds() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return Vec::new() };
    let mut fds: Vec<(u32, String)> = dir
        .flatten()
        .filter_map(|e| {
            let fd = e.file_name().to_str()?.parse().ok()?;
            let target = std::fs::read_link(e.path()).ok()?.display().to_string();
            Some((fd, target))
        })
        // The folder being read is itself an open descriptor for a moment.
        .filter(|(_, target)| !(target.starts_with("/proc/") && target.ends_with("/fd")))
        .collect();
    fds.sort();
    fds.into_iter().map(|(fd, target)| format!("{fd} -> {target}")).collect()
}
