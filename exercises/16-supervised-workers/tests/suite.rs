//! The one test suite of exercise 16, run unchanged against your crate and
//! the reference. `cargo xtask check 16-supervised-workers` runs it; do not edit it.
//!
//! Workers are made to crash through their own arguments (`--crash-after N`,
//! chosen per slot and launch from a seed), never through the environment.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use supervised_workers::{BATCH, Record, Report, SuperviseError, supervise, work};
use testkit::{assert_no_children_left, children_left, own_process, panic_message, serial};

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
fn the_given_worker_refuses_a_huge_line_without_echoing_it() {
    // The worker program is given; this is its own rule: a peer's bad input
    // is quoted in an error message at most 80 bytes of it, and a line far
    // longer than a record is refused without being read into memory whole.
    use supervised_workers::worker::{Faults, MAX_LINE, serve};
    for (what, line) in
        [("a 100 MB line", vec![b'x'; 100 << 20]), ("a long line that is not a record", vec![b'y'; MAX_LINE - 1])]
    {
        let mut input = line.clone();
        input.push(b'\n');
        let mut output = Vec::new();
        let e = serve(&input[..], &mut output, Faults::default()).expect_err(what).to_string();
        assert!(
            e.len() < 200,
            "{what}: the error message is {} bytes long: at most 80 bytes of the line belong in it",
            e.len()
        );
        assert!(output.is_empty(), "{what}: the worker answered");
    }
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
    let err = match run(&plan, 1, &records, 3) {
        Err(err) => err,
        other => panic!("the worker dies on every record, but supervise returned {}", outcome(&other)),
    };
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
    let err = match run(&plan, 1, &records, 2) {
        Err(err) => err,
        other => panic!(
            "the slot's workers died three times, in three different batches: one more death than the 2 restarts \
             allowed, so the run should give up (the limit is per slot, over all its batches), but it returned {}",
            outcome(&other)
        ),
    };
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
    let err = match supervise(worker(), 3, &args, &records, 2) {
        Err(err) => err,
        other => panic!("slot 1's worker dies on every record, but supervise returned {}", outcome(&other)),
    };
    assert!(matches!(err, SuperviseError::GaveUp { slot: 1, restarts: 2, .. }), "{err}");
    assert_no_children_left("one slot gave up");
}

/// What `supervise` returned, in a few words.
fn outcome(result: &Result<Report, SuperviseError>) -> String {
    match result {
        Ok(report) => format!("Ok, with {} results and {} restarts", report.results.len(), report.restarts),
        Err(e) => format!("the error {e:?} ({e})"),
    }
}

/// An argument no program can be given: `exec` takes C strings, so a NUL
/// byte makes the spawn itself fail (InvalidInput), for this one launch.
fn unstartable() -> Vec<String> {
    vec!["nul\0byte".to_string()]
}

/// A moment several threads wait for: set once, read by all.
#[derive(Default)]
struct Moment(Mutex<Option<Instant>>);

impl Moment {
    fn now(&self) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert_with(Instant::now);
    }
    /// Waits (at most 3 s) until the moment has come, and then until `after` more has passed.
    fn wait(&self, after: Duration) {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let at = *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match at {
                Some(at) if at.elapsed() >= after => return,
                _ => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    }
}

#[test]
fn a_worker_that_quits_between_batches_is_restarted() {
    let _serial = serial();
    own_process::run("a_worker_that_quits_between_batches_is_restarted", Duration::from_secs(10), || {
        // The first worker answers batch 0, closes its stdin and exits: writing batch 1 to it fails with
        // EPIPE (a broken pipe). That is a death like a crash: wait for it, restart, send the batch again.
        let records = records(3 * BATCH, 10);
        let plan = Plan::new(vec![]);
        let args = |slot: usize, launch: usize| {
            plan.args(slot, launch);
            if launch == 0 { vec!["--quit-after".to_string(), "1".to_string()] } else { vec![] }
        };
        let result = catch_unwind(AssertUnwindSafe(|| supervise(worker(), 1, &args, &records, 3)));
        let result = result.unwrap_or_else(|panic| {
            panic!(
                "supervise panicked ({}) when a worker had quit between two batches: writing the next batch to it \
                 fails with EPIPE (BrokenPipe), which is how the pipe of a dead worker answers; it is the worker's \
                 death, to be handled like a crash (wait, restart, send the batch again), not a reason to panic",
                panic_message(&*panic)
            )
        });
        let report = result.unwrap_or_else(|e| {
            panic!(
                "supervise failed ({e}) when a worker had quit between two batches: writing the next batch to it \
                 fails with EPIPE (BrokenPipe); that is the worker's death, to be handled like a crash (wait, \
                 restart, send the batch again), not the end of the run"
            )
        });
        assert_exactly_once(&report, &records, &plan, 1);
        assert_eq!(report.restarts, 1, "the worker that quit should have been restarted once");
        assert_no_children_left("a worker quit between batches");
    });
}

#[test]
fn a_restart_that_cannot_start_ends_the_run_cleanly() {
    let _serial = serial();
    own_process::run("a_restart_that_cannot_start_ends_the_run_cleanly", Duration::from_secs(10), || {
        // Both first workers meet with their first record, so slot 1 surely holds a live worker; then slot 0's
        // worker dies, and its restart cannot be started.
        let place = MeetingPlace::new("restart-fails");
        let args = |slot: usize, launch: usize| match (slot, launch) {
            (0, 0) => [place.args(2), vec!["--crash-after".to_string(), "0".to_string()]].concat(),
            (_, 0) => place.args(2),
            (0, _) => unstartable(),
            _ => vec![],
        };
        let records = records(20 * BATCH, 11);
        let result = catch_unwind(AssertUnwindSafe(|| supervise(worker(), 2, &args, &records, 3)));
        let result = result.unwrap_or_else(|panic| {
            panic!(
                "supervise panicked ({}) when slot 0's restart could not be started: that is \
                 SuperviseError::Spawn to return",
                panic_message(&*panic)
            )
        });
        assert!(
            matches!(result, Err(SuperviseError::Spawn { slot: 0, .. })),
            "slot 0's worker died and its restart could not be started (an argument with a NUL byte): expected \
             SuperviseError::Spawn for slot 0, got {}",
            outcome(&result)
        );
        let left = children_left();
        assert!(
            left.is_empty(),
            "slot 0's restart could not be started, and supervise returned with worker processes still there \
             (running or zombies, never waited for): {left:?}. On this path too, the dead worker must have been \
             waited for, and the other slots' workers stopped and waited for, before supervise returns"
        );
    });
}

#[test]
fn after_a_slot_fails_the_others_take_no_new_batch() {
    let _serial = serial();
    own_process::run("after_a_slot_fails_the_others_take_no_new_batch", Duration::from_secs(10), || {
        // Slot 0's first worker dies at its first record and its restart cannot be started: slot 0 fails.
        // Each of slot 1's workers answers one batch and dies in the next, so every batch slot 1 takes
        // costs it a launch; its restarts wait until slot 0 has failed.
        let place = MeetingPlace::new("no-new-batch");
        let slot_0_failed = Moment::default();
        let plan = Plan::new(vec![]);
        let crash_after_a_batch = || vec!["--crash-after".to_string(), BATCH.to_string()];
        let args = |slot: usize, launch: usize| {
            plan.args(slot, launch);
            match (slot, launch) {
                (0, 0) => [place.args(2), vec!["--crash-after".to_string(), "0".to_string()]].concat(),
                (0, _) => {
                    slot_0_failed.now();
                    unstartable()
                }
                (_, 0) => [place.args(2), crash_after_a_batch()].concat(),
                _ => {
                    slot_0_failed.wait(Duration::from_millis(100));
                    crash_after_a_batch()
                }
            }
        };
        let records = records(20 * BATCH, 12);
        let result = supervise(worker(), 2, &args, &records, 30);
        assert!(
            matches!(result, Err(SuperviseError::Spawn { slot: 0, .. })),
            "slot 0's restart could not be started: expected SuperviseError::Spawn for slot 0, got {}",
            outcome(&result)
        );
        let slot_1 = plan.launches().iter().filter(|(slot, _)| *slot == 1).count();
        assert!(
            slot_1 <= 3,
            "after slot 0 had failed, slot 1 went on: it started {slot_1} workers, one for each batch it took (each \
             of its workers dies in its second batch). Once a slot has failed, the others finish the batch they hold \
             and take no new one"
        );
        assert_no_children_left("one slot failed while another worked");
    });
}

#[test]
fn when_two_slots_fail_the_lowest_is_reported() {
    let _serial = serial();
    own_process::run("when_two_slots_fail_the_lowest_is_reported", Duration::from_secs(10), || {
        // Both first workers meet, then die. Slot 1's restart cannot be started; slot 0's cannot either, 200 ms later.
        let place = MeetingPlace::new("lowest");
        let slot_1_failed = Moment::default();
        let args = |slot: usize, launch: usize| match (slot, launch) {
            (_, 0) => [place.args(2), vec!["--crash-after".to_string(), "0".to_string()]].concat(),
            (1, _) => {
                slot_1_failed.now();
                unstartable()
            }
            _ => {
                slot_1_failed.wait(Duration::from_millis(200));
                unstartable()
            }
        };
        let result = supervise(worker(), 2, &args, &records(10 * BATCH, 13), 3);
        assert!(
            matches!(result, Err(SuperviseError::Spawn { slot: 0, .. })),
            "slots 0 and 1 both failed, slot 1 first: the error must be the lowest slot's, slot 0's, whichever failed \
             first; got {}",
            outcome(&result)
        );
        assert_no_children_left("two slots failed");
    });
}

/// The batches the workers started with `--log FILE` wrote to the files in `dir`: each line one batch.
fn logged_batches(dir: &Path) -> Vec<Vec<u64>> {
    let mut batches: Vec<Vec<u64>> = std::fs::read_dir(dir)
        .map(|d| d.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok()).collect::<Vec<_>>())
        .unwrap_or_default()
        .iter()
        .flat_map(|text| text.lines().map(|l| l.split(' ').filter_map(|id| id.parse().ok()).collect()))
        .collect();
    batches.sort();
    batches
}

#[test]
fn batches_are_8_consecutive_records() {
    let _serial = serial();
    let place = MeetingPlace::new("batches");
    let log = |slot: usize| vec!["--log".to_string(), place.0.join(format!("slot-{slot}")).display().to_string()];
    let records = records(5 * BATCH + 3, 14);
    let report = supervise(worker(), 2, &|slot, _| log(slot), &records, 0).unwrap();
    assert_eq!(report.results.len(), records.len());
    let want: Vec<Vec<u64>> = records.chunks(BATCH).map(|c| c.iter().map(|r| r.id).collect()).collect();
    let got = logged_batches(&place.0);
    assert!(
        got == want,
        "the workers got these batches (the ids of each, in order): {got:?}; a batch is BATCH = {BATCH} \
         consecutive records, `records.chunks(BATCH)`, the last one shorter: {want:?}"
    );
    assert_no_children_left("a run whose workers logged their batches");
}

#[test]
fn a_free_slot_takes_the_next_batch() {
    let _serial = serial();
    // Slot 0's first worker is held at its first record until slot 1 has answered every other batch (or
    // 1.5 s have passed). A slot that takes the next batch not yet taken by any slot gets them all.
    let place = MeetingPlace::new("free-slot");
    let hold = place.0.join("hold");
    std::fs::create_dir(&hold).unwrap();
    let log = place.0.join("slot-1");
    let args = |slot: usize, launch: usize| match (slot, launch) {
        (0, 0) => vec!["--meet".to_string(), hold.display().to_string(), "2".to_string()],
        (0, _) => vec![],
        _ => vec!["--log".to_string(), log.display().to_string()],
    };
    let batches = 6;
    let records = records(batches * BATCH, 15);
    let taken_by_slot_1 = || std::fs::read_to_string(&log).map_or(0, |t| t.lines().count());
    let report = std::thread::scope(|s| {
        s.spawn(|| {
            let deadline = Instant::now() + Duration::from_millis(1500);
            while taken_by_slot_1() < batches - 1 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            std::fs::write(hold.join("release"), b"").unwrap();
        });
        supervise(worker(), 2, &args, &records, 3)
    });
    assert_eq!(report.unwrap().results.len(), records.len());
    let slot_1 = taken_by_slot_1();
    assert!(
        slot_1 >= batches - 1,
        "slot 0's worker was held at its first batch, and slot 1, free, answered {slot_1} of the {} other \
         batches: a slot takes the next batch not yet taken by any slot (one shared counter), rather than a \
         share fixed in advance",
        batches - 1
    );
    assert_no_children_left("a run with one slot held");
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
