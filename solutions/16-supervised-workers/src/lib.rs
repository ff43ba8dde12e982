//! Reference solution of exercise 16 — supervised worker processes.
//!
//! The given modules are the exercise's own files, not copies.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[path = "../../../exercises/16-supervised-workers/src/given.rs"]
mod given;
#[path = "../../../exercises/16-supervised-workers/src/worker.rs"]
pub mod worker;

pub use given::{BATCH, Record, Report, SuperviseError};
pub use worker::work;

// ANCHOR: supervise
/// Runs every record through worker processes that may crash, restarts the
/// ones that do, and returns every record's result exactly once.
pub fn supervise(
    program: &Path,
    workers: usize,
    args: &(dyn Fn(usize, usize) -> Vec<String> + Sync),
    records: &[Record],
    max_restarts: usize,
) -> Result<Report, SuperviseError> {
    assert!(workers > 0, "supervise needs at least one worker (workers == 0)");
    let batches: Vec<&[Record]> = records.chunks(BATCH).collect();
    let shared = Shared { program, args, batches: &batches, next: AtomicUsize::new(0), failed: AtomicBool::new(false) };
    let slots = workers.min(batches.len());
    let outcomes: Vec<Result<SlotOutcome, SuperviseError>> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..slots)
            .map(|slot| {
                s.spawn({
                    let shared = &shared;
                    move || shared.run_slot(slot, max_restarts)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("a slot thread panicked")).collect()
    });
    // At least once in, exactly once out: the first answer for an id wins
    // (work is deterministic, so a repeat carries the same result).
    let mut results = BTreeMap::new();
    let mut restarts = 0;
    for outcome in outcomes {
        let outcome = outcome?; // slot order: the lowest failing slot's error
        restarts += outcome.restarts;
        for (id, result) in outcome.results {
            results.entry(id).or_insert(result);
        }
    }
    Ok(Report { results: results.into_iter().collect(), restarts })
}
// ANCHOR_END: supervise

/// What every slot thread reads.
struct Shared<'a> {
    program: &'a Path,
    args: &'a (dyn Fn(usize, usize) -> Vec<String> + Sync),
    batches: &'a [&'a [Record]],
    /// The next batch no slot has taken yet.
    next: AtomicUsize,
    /// Set when a slot gives up: the others take no new batch.
    failed: AtomicBool,
}

#[derive(Default)]
struct SlotOutcome {
    /// Every answer received, duplicates included.
    results: Vec<(u64, u64)>,
    restarts: usize,
}

// ANCHOR: run_slot
impl Shared<'_> {
    /// One slot: a worker process, restarted whenever it dies, until the batches run out.
    fn run_slot(&self, slot: usize, max_restarts: usize) -> Result<SlotOutcome, SuperviseError> {
        let mut out = SlotOutcome::default();
        let result = self.start(slot, 0).and_then(|mut worker| {
            while !self.failed.load(Ordering::SeqCst) {
                let Some(batch) = self.batches.get(self.next.fetch_add(1, Ordering::SeqCst)) else { break };
                // Until this batch is answered in full: at least once.
                while !worker.run_batch(batch, &mut out.results) {
                    let status = worker.reap();
                    if out.restarts == max_restarts {
                        return Err(SuperviseError::GaveUp { slot, restarts: out.restarts, status });
                    }
                    out.restarts += 1;
                    worker = self.start(slot, out.restarts)?;
                }
            }
            worker.finish();
            Ok(())
        });
        if result.is_err() {
            self.failed.store(true, Ordering::SeqCst);
        }
        result.map(|()| out)
    }

    fn start(&self, slot: usize, launch: usize) -> Result<Worker, SuperviseError> {
        Worker::start(self.program, &(self.args)(slot, launch)).map_err(|source| SuperviseError::Spawn {
            slot,
            program: self.program.display().to_string(),
            source,
        })
    }
}
// ANCHOR_END: run_slot

// ANCHOR: worker
/// One running worker process and its pipes.
struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(program: &Path, args: &[String]) -> io::Result<Worker> {
        let mut child = Command::new(program).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let stdin = BufWriter::new(child.stdin.take().expect("piped"));
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Worker { child, stdin: Some(stdin), stdout })
    }

    /// Sends one batch and collects its answers; `false` when the worker died before its `end`.
    fn run_batch(&mut self, batch: &[Record], results: &mut Vec<(u64, u64)>) -> bool {
        let Some(stdin) = self.stdin.as_mut() else { return false };
        let sent = batch.iter().try_for_each(|r| writeln!(stdin, "{} {}", r.id, r.value));
        // A dead worker's pipe refuses the write (EPIPE); its stdout tells the rest.
        let _ = sent.and_then(|()| stdin.write_all(b"end\n")).and_then(|()| stdin.flush());
        let mut line = String::new();
        loop {
            line.clear();
            match self.stdout.read_line(&mut line) {
                // The end of its output, or a line cut short: the worker is gone.
                Ok(0) | Err(_) => return false,
                Ok(_) if !line.ends_with('\n') => return false,
                Ok(_) => {}
            }
            match parse_answer(&line) {
                Some(Answer::End) => return true,
                Some(Answer::Result(id, result)) => results.push((id, result)),
                None => return false, // nonsense: treat the worker as broken
            }
        }
    }

    /// Ends a dead (or broken) worker and collects its exit status: no zombie.
    fn reap(mut self) -> String {
        drop(self.stdin.take());
        let _ = self.child.kill(); // already dead: harmless; broken but alive: stop it
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("an unknown status ({e})"),
        }
    }

    /// Closes the worker's stdin — its signal to exit — and waits for it.
    fn finish(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

enum Answer {
    End,
    Result(u64, u64),
}

/// `end\n` or `{id} {result}\n`.
fn parse_answer(line: &str) -> Option<Answer> {
    let line = line.strip_suffix('\n')?;
    if line == "end" {
        return Some(Answer::End);
    }
    let (id, result) = line.split_once(' ')?;
    Some(Answer::Result(id.parse().ok()?, result.parse().ok()?))
}
// ANCHOR_END: worker
