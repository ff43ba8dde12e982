//! Reference solution of exercise 09 — shared memory.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;
use std::process::{Child, Command};

use memmap2::MmapOptions;

#[path = "../../../exercises/09-shared-memory/src/worker.rs"]
pub mod worker;

#[path = "../../../exercises/09-shared-memory/src/given.rs"]
mod given;
pub use given::{WorkerError, pattern};

/// The `i`-th of `parts` balanced ranges of `0..len` (exercise 03).
fn region(len: u64, parts: u64, i: u64) -> (u64, u64) {
    let (base, extra) = (len / parts, len % parts);
    let start = |i: u64| i * base + i.min(extra);
    (start(i), start(i + 1))
}

/// Writes `pattern` into `out`, which starts at offset `first` of the whole.
fn fill_from(out: &mut [u8], first: u64) {
    for (i, byte) in (first..).zip(out.iter_mut()) {
        *byte = pattern(i);
    }
}

// ANCHOR: threads
/// Fills `out` with `out[i] = pattern(i)` on `threads` scoped threads.
pub fn fill_with_threads(out: &mut [u8], threads: usize) {
    assert!(threads > 0, "fill_with_threads needs at least one thread (threads == 0)");
    let len = out.len() as u64;
    std::thread::scope(|s| {
        let mut rest = out;
        for i in 0..threads as u64 {
            let (start, end) = region(len, threads as u64, i);
            // `split_at_mut` hands out disjoint `&mut` regions: the borrow
            // checker knows no two threads can touch the same byte.
            let (mine, tail) = rest.split_at_mut((end - start) as usize);
            rest = tail;
            s.spawn(move || fill_from(mine, start));
        }
    });
}
// ANCHOR_END: threads

// ANCHOR: region
/// Fills bytes `start..end` of the file at `path` through a shared map of that region.
pub fn fill_region_of_file(path: &Path, start: u64, end: u64) -> io::Result<()> {
    if end <= start {
        return Ok(());
    }
    let file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = usize::try_from(end - start).map_err(|_| io::Error::other("region too large for this machine"))?;
    // SAFETY: the mapping covers only `start..end`. The coordinator gives every
    // worker a disjoint region and sets the file's length before starting any
    // worker, and nothing truncates it while workers run, so no other process
    // or thread reads or writes these bytes while this `&mut [u8]` exists.
    let mut map = unsafe { MmapOptions::new().offset(start).len(len).map_mut(&file)? };
    fill_from(&mut map, start);
    // No `flush`: a shared map writes into the page cache, which every other
    // process reading the file sees at once. `flush` (msync) would also force
    // the pages to disk — durability, at the price of a disk write.
    Ok(())
}
// ANCHOR_END: region

// ANCHOR: processes
/// Creates the file, `len` bytes, filled by `workers` processes through shared maps.
pub fn fill_file_with_processes(
    path: &Path,
    len: u64,
    workers: usize,
    program: &Path,
    args: &[&str],
) -> Result<(), WorkerError> {
    assert!(workers > 0, "fill_file_with_processes needs at least one worker (workers == 0)");
    let failed = |worker, reason: String| WorkerError { worker, reason };
    let file = std::fs::File::create(path).map_err(|e| failed(0, format!("cannot create {}: {e}", path.display())))?;
    file.set_len(len).map_err(|e| failed(0, format!("cannot size {}: {e}", path.display())))?;
    drop(file);
    let mut started: Vec<(usize, std::io::Result<Child>)> = Vec::with_capacity(workers);
    for k in 0..workers {
        let (start, end) = region(len, workers as u64, k as u64);
        if start == end {
            continue;
        }
        let child = Command::new(program).args(args).arg(path).arg(start.to_string()).arg(end.to_string()).spawn();
        let could_not_start = child.is_err();
        started.push((k, child));
        if could_not_start {
            break;
        }
    }
    // Wait for every worker that started before reporting anything.
    let mut first_error = None;
    for (k, child) in started {
        let outcome = match child {
            Err(e) => Err(format!("cannot start {}: {e}", program.display())),
            Ok(mut child) => match child.wait() {
                Ok(status) if status.success() => Ok(()),
                Ok(status) => Err(format!("exited with {status}")),
                Err(e) => Err(format!("cannot wait for it: {e}")),
            },
        };
        if let (Err(reason), None) = (outcome, &first_error) {
            first_error = Some(failed(k, reason));
        }
    }
    first_error.map_or(Ok(()), Err)
}
// ANCHOR_END: processes
