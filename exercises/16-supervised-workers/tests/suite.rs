//! The one test suite of exercise 16, run unchanged against your crate and
//! the reference. `cargo xtask check 16-supervised-workers` runs it; do not edit it.
//!
//! Workers are made to crash through their own arguments (`--crash-after N`,
//! chosen per slot and launch from a seed), never through the environment.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use proptest::prelude::*;
use supervised_workers::{BATCH, Record, Report, SuperviseError, supervise, work};
use testkit::{assert_no_children_left, children_left, serial};

/// The worker program of whichever crate is under test.
fn worker() -> &'static Path {
    let exe = option_env!("CARGO_BIN_EXE_record-worker").or(option_env!("CARGO_BIN_EXE_record-worker-solution"));
    Path::new(exe.expect("cargo builds the worker program for the tests"))
}

fn records(n: usize, seed: u64) -> Vec<Record> {
    let mut rng = datagen::SplitMix64::new(seed);
    // Ids are distinct but not 0..n: a supervisor must key by id, not by position.
    (0..n as u64).map(|i| Record { id: i * 3 + 1000, value: rng.next_u64() }).collect()
}

/// The fault plan: for each slot, the crash point of each launch (`None` from then on).
struct Plan {
    crashes: Vec<Vec<usize>>,
    /// Every `(slot, launch)` the supervisor asked arguments for, in order.
    launches: Mutex<Vec<(usize, usize)>>,
}

impl Plan {
    fn new(crashes: Vec<Vec<usize>>) -> Self {
        Plan { crashes, launches: Mutex::new(Vec::new()) }
    }

    /// Up to `max_crashes` crashes per slot, each after 0..3·BATCH answers.
    fn random(slots: usize, max_crashes: usize, seed: u64) -> Self {
        let mut rng = datagen::SplitMix64::new(seed ^ 0xC0FFEE);
        let crashes = (0..slots)
            .map(|_| {
                let n = rng.below(max_crashes as u64 + 1) as usize;
                (0..n).map(|_| rng.below(3 * BATCH as u64) as usize).collect()
            })
            .collect();
        Plan::new(crashes)
    }

    fn args(&self, slot: usize, launch: usize) -> Vec<String> {
        self.launches.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((slot, launch));
        match self.crashes.get(slot).and_then(|c| c.get(launch)) {
            Some(n) => vec!["--crash-after".into(), n.to_string()],
            None => vec![],
        }
    }

    fn launches(&self) -> Vec<(usize, usize)> {
        self.launches.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

fn run(plan: &Plan, workers: usize, records: &[Record], max_restarts: usize) -> Result<Report, SuperviseError> {
    supervise(worker(), workers, &|slot, launch| plan.args(slot, launch), records, max_restarts)
}

/// The exact accounting: every record's result once, nothing else, and the
/// restarts the report claims are the restarts that happened.
fn assert_exactly_once(report: &Report, records: &[Record], plan: &Plan, workers: usize) {
    let want: Vec<(u64, u64)> = records.iter().map(|r| (r.id, work(r.value))).collect();
    let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
    for (id, _) in &report.results {
        *counts.entry(*id).or_default() += 1;
    }
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).map(|(id, n)| format!("{id} ×{n}")).collect();
    assert!(repeated.is_empty(), "records delivered more than once (de-duplicate by id): {repeated:?}");
    let missing: Vec<u64> = want.iter().map(|(id, _)| *id).filter(|id| !counts.contains_key(id)).collect();
    assert!(
        missing.is_empty(),
        "{} records have no result, e.g. ids {:?}",
        missing.len(),
        &missing[..missing.len().min(8)]
    );
    assert_eq!(report.results.len(), want.len(), "results for ids that were never sent");
    for (got, want) in report.results.iter().zip(&want) {
        assert_eq!(got, want, "wrong result (or order: results are sorted by id)");
    }
    let launches = plan.launches();
    let slots = workers.min(records.len().div_ceil(BATCH));
    let mut per_slot = vec![0usize; slots];
    for &(slot, launch) in &launches {
        assert!(slot < slots, "a worker was started for slot {slot}; only {slots} slots should run");
        assert_eq!(launch, per_slot[slot], "slot {slot}'s launches should be numbered 0, 1, 2, …: {launches:?}");
        per_slot[slot] += 1;
    }
    assert!(per_slot.iter().all(|&n| n > 0), "every slot should start a worker: {launches:?}");
    assert_eq!(
        report.restarts,
        launches.len() - slots,
        "the report's restarts should match the restarts done: {launches:?}"
    );
}

#[test]
fn no_crashes_no_restarts() {
    let _serial = serial();
    let records = records(100, 1);
    let plan = Plan::new(vec![]);
    let report = run(&plan, 3, &records, 0).unwrap();
    assert_exactly_once(&report, &records, &plan, 3);
    assert_eq!(report.restarts, 0);
    assert_no_children_left("a run without crashes");
}

/// A fresh folder where workers started with `--meet` leave their mark;
/// removed when dropped.
struct MeetingPlace(std::path::PathBuf);

impl MeetingPlace {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pw-16-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Arguments that make a worker wait, with its first record, until `n` workers have theirs.
    fn args(&self, n: usize) -> Vec<String> {
        vec!["--meet".to_string(), self.0.display().to_string(), n.to_string()]
    }
}

impl Drop for MeetingPlace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn slots_run_at_the_same_time() {
    let _serial = serial();
    // Each slot's first worker waits (at most 3 s) until both have a record;
    // one that waits in vain exits, and the supervisor restarts it.
    let place = MeetingPlace::new("meet");
    let args = |_slot: usize, launch: usize| if launch == 0 { place.args(2) } else { vec![] };
    let records = records(8 * BATCH, 9);
    let report = supervise(worker(), 2, &args, &records, 3).unwrap();
    assert_eq!(
        report.restarts, 0,
        "a slot's first worker waited 3 s for the other slot's worker, which never came: the slots ran one after \
         another; start every slot's thread before joining any"
    );
    assert_eq!(report.results.len(), records.len());
    assert_no_children_left("a run whose workers met");
}

#[test]
fn no_records_no_workers() {
    let _serial = serial();
    let plan = Plan::new(vec![]);
    let report = run(&plan, 4, &[], 3).unwrap();
    assert_eq!(report, Report { results: vec![], restarts: 0 });
    assert!(plan.launches().is_empty(), "no batch, no worker to start");
}

#[test]
fn a_crash_in_the_first_batch_is_retried() {
    let _serial = serial();
    // One slot; its first worker answers 3 records of batch 0, then dies.
    let records = records(3 * BATCH, 2);
    let plan = Plan::new(vec![vec![3]]);
    let report = run(&plan, 1, &records, 5).unwrap();
    assert_exactly_once(&report, &records, &plan, 1);
    assert_eq!(report.restarts, 1);
    assert_no_children_left("a worker crashed once");
}

#[test]
fn crashes_at_batch_edges_and_before_any_answer() {
    let _serial = serial();
    let records = records(6 * BATCH + 3, 3);
    let plan = Plan::new(vec![vec![0, BATCH, BATCH - 1, 0, 2 * BATCH + 1]]);
    let report = run(&plan, 1, &records, 5).unwrap();
    assert_exactly_once(&report, &records, &plan, 1);
    assert_eq!(report.restarts, 5, "each of the five planned crashes should have happened and been restarted");
    assert_no_children_left("five crashes");
}

#[test]
fn a_torn_line_is_not_a_result() {
    let _serial = serial();
    // Every launch but the last dies writing half an answer; those halves must not count.
    let records = records(4 * BATCH, 4);
    let plan = Plan::new(vec![vec![1, 2, 3, 4, 5, 6, 7]]);
    let report = run(&plan, 1, &records, 10).unwrap();
    assert_exactly_once(&report, &records, &plan, 1);
    assert_no_children_left("torn lines");
}

#[test]
fn many_slots_many_crashes() {
    let _serial = serial();
    let records = records(400, 5);
    let plan = Plan::random(4, 4, 5);
    let report = run(&plan, 4, &records, 4).unwrap();
    assert_exactly_once(&report, &records, &plan, 4);
    assert_no_children_left("a run with many crashes");
}

#[test]
fn a_worker_that_always_dies_gives_up() {
    let _serial = serial();
    let records = records(5 * BATCH, 6);
    let always: Vec<usize> = vec![0; 100];
    let plan = Plan::new(vec![always]);
    let err = run(&plan, 1, &records, 3).expect_err("the worker dies on every record");
    match &err {
        SuperviseError::GaveUp { slot, restarts, status } => {
            assert_eq!((*slot, *restarts), (0, 3), "{err}");
            assert!(status.contains("signal: 9"), "the status should say SIGKILL: {err}");
        }
        other => panic!("expected GaveUp, got {other}"),
    }
    assert_eq!(plan.launches().len(), 4, "3 restarts after the first launch");
    assert_no_children_left("a slot gave up");
}

#[test]
fn the_restart_limit_is_per_slot_not_per_batch() {
    let _serial = serial();
    // Each of the first three workers finishes one batch, then dies in the
    // next: no batch fails twice, but the slot restarts three times.
    let records = records(10 * BATCH, 8);
    let plan = Plan::new(vec![vec![BATCH + 1; 3]]);
    let err = run(&plan, 1, &records, 2).expect_err("the slot's third death is one more than 2 restarts");
    match &err {
        SuperviseError::GaveUp { slot, restarts, .. } => assert_eq!((*slot, *restarts), (0, 2), "{err}"),
        other => panic!("expected GaveUp, got {other}"),
    }
    assert_no_children_left("a slot gave up after deaths in different batches");
}

#[test]
fn one_slot_gives_up_the_run_fails() {
    let _serial = serial();
    let records = records(50 * BATCH, 7);
    // The three first workers meet with their first record, so slot 1 surely
    // gets a batch (the others cannot finish everything before it starts);
    // every worker of slot 1 then dies on its first record.
    let place = MeetingPlace::new("gives-up");
    let args = |slot: usize, launch: usize| {
        let mut args = if launch == 0 { place.args(3) } else { vec![] };
        if slot == 1 {
            args.extend(["--crash-after".to_string(), "0".to_string()]);
        }
        args
    };
    let err = supervise(worker(), 3, &args, &records, 2).expect_err("slot 1's worker dies on every record");
    assert!(matches!(err, SuperviseError::GaveUp { slot: 1, restarts: 2, .. }), "{err}");
    assert_no_children_left("one slot gave up");
}

#[test]
fn a_missing_program_is_an_error() {
    let _serial = serial();
    let err = supervise(Path::new("/nonexistent/record-worker"), 2, &|_, _| vec![], &records(20, 8), 3)
        .expect_err("there is no such program");
    assert!(matches!(err, SuperviseError::Spawn { .. }), "{err}");
    assert_no_children_left("a worker could not be started");
}

#[test]
#[should_panic(expected = "workers")]
fn zero_workers_panics_with_a_clear_message() {
    let _serial = serial();
    let _ = supervise(worker(), 0, &|_, _| vec![], &records(3, 9), 1);
}

/// What a person sees: one slot's run with a known crash plan, and a slot giving up.
#[test]
fn supervised_run_report() {
    let _serial = serial();
    let records = records(100, 42);
    let plan = Plan::new(vec![vec![5, 12, 0, 3]]);
    let report = run(&plan, 1, &records, 10).unwrap();
    let digest = datagen::fnv1a64(format!("{:?}", report.results).as_bytes());
    let gave_up = run(&Plan::new(vec![vec![2, 2, 2]]), 1, &records, 2).unwrap_err();
    let text = format!(
        "records={} results={} restarts={} launches={:?} fnv1a64={digest:016x}\nerror: {gave_up}\n",
        records.len(),
        report.results.len(),
        report.restarts,
        plan.launches(),
    );
    insta::assert_snapshot!("one_slot_100_records_4_crashes", text);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_crash_plan_every_record_exactly_once(seed in any::<u64>(), n in 0usize..200, workers in 1usize..5) {
        let _serial = serial();
        let records = records(n, seed);
        let plan = Plan::random(workers, 3, seed);
        let report = run(&plan, workers, &records, 3).unwrap();
        assert_exactly_once(&report, &records, &plan, workers);
        let left = children_left();
        prop_assert!(left.is_empty(), "worker processes left behind: {:?}", left);
    }
}
