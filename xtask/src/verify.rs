//! `cargo xtask verify [--bless] [ID…]`: the checker tested like the product.
//!
//! In a scratch copy of the repository (the learner's tree is never touched),
//! with each exercise's pristine stub restored from `pristine.toml`, it proves:
//! the stub fails only through `todo!()`; the reference, copied into the
//! exercise, passes (its own crate runs the same suite file on the same code,
//! and clippy builds it); every `known-bad/*.rs` is rejected with
//! the reason its `//! expect:` line names; every `known-good/*.rs` is
//! accepted; snapshots are current and all referenced; the record is current;
//! and no exercise can reach its own reference through what it is given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::check::{self, BeforeGate};
use crate::integrity::{self, Pristine};
use crate::manifest::{Exercise, Workspace};
use crate::verdict::{Cause, Outcome, Verdict};
use crate::{fsutil, runner, ui, variant};

mod given;

/// What a case must produce.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Accept,
    /// Rejected for `cause`, with at least the tests named in `failing`
    /// among the failures (the tests whose messages explain the mistake).
    Reject {
        cause: Cause,
        failing: Vec<String>,
    },
}

impl Expect {
    fn reject(cause: Cause) -> Self {
        Expect::Reject { cause, failing: vec![] }
    }
}

struct Case {
    label: String,
    change: Change,
    expect: Expect,
    /// Whether the suite lists the snapshots it reads (the reference's case:
    /// every snapshot must be read by some test).
    records_snapshots: bool,
}

/// What a case does to the scratch copy of the exercise before checking it.
enum Change {
    /// Nothing: the pristine stub.
    None,
    /// Replace the exercise's `src/lib.rs` with this variant (a file, or a patch to the reference).
    Lib(PathBuf),
    /// Append a line to this protected file (then put it back).
    EditProtected(String),
    /// Create this file, which the published exercise does not have (then remove it).
    AddFile(String),
}

impl Change {
    /// An edit of a file in the scratch copy that other exercises' cases may read.
    fn edits_shared_files(&self) -> bool {
        matches!(self, Change::EditProtected(_) | Change::AddFile(_))
    }
}

pub fn run(ws: &Workspace, bless: bool, only: Option<&str>, ids: &[String]) -> Result<ExitCode> {
    let (started, alone_before) = (std::time::Instant::now(), crate::runner::time_alone());
    let exercises: Vec<&Exercise> = if ids.is_empty() {
        ws.manifest.exercises.iter().collect()
    } else {
        ids.iter().map(|id| ws.manifest.find(id)).collect::<Result<_>>()?
    };
    // The record is blessed whole (every exercise and the shared files); the
    // IDs only choose which exercises' cases run.
    let all: Vec<&Exercise> = ws.manifest.exercises.iter().collect();
    let digest = if bless { bless_record(ws, &all)? } else { ws.pristine_digest.clone() };
    let on_disk = integrity::blob_id(&std::fs::read(ws.root.join(integrity::FILE)).unwrap_or_default());
    if on_disk != digest {
        bail!(
            "{} is not the one xtask was built with ({}): review the change, then record it: cargo xtask verify --bless",
            integrity::FILE,
            integrity::DIGEST_FILE
        );
    }
    let pristine = Pristine::load(&ws.root)?;
    for ex in &exercises {
        let edits = pristine.edits(&ws.root, ex)?;
        if !edits.is_empty() {
            let list: Vec<String> = edits.iter().map(|e| e.describe()).collect();
            bail!(
                "{} is out of date for {}: {}.\nReview the change, then record it: cargo xtask verify --bless {}",
                integrity::FILE,
                ex.id,
                list.join(", "),
                ex.id
            );
        }
    }
    let mut failures = Vec::new();
    let graph = given::metadata(ws)?;
    for ex in &exercises {
        if let Some(how) = given::reaches_own_reference(&graph, &ws.root, ex)? {
            anstream::println!("{} {how}", ui::red("✗"));
            failures.push(format!("{how}: one call to it would pass every test and the gate"));
        }
    }
    let mut scratch = scratch_copy(ws, &pristine, &exercises)?;
    scratch.pristine_digest = digest;
    let (count, found) = verify_all(ws, &scratch, &pristine, &exercises, only)?;
    failures.extend(found);
    let alone = (crate::runner::time_alone() - alone_before).as_secs_f64();
    let lanes = format!(
        "{LANES} at a time; timing gates and cases a busy machine left open ran alone for {alone:.0} s of {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        anstream::println!(
            "{} verify: {count} cases in {} exercise(s) behave as intended ({lanes})",
            ui::green("✓"),
            exercises.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        anstream::println!("{} verify: {} of {count} cases misbehave ({lanes}):", ui::red("✗"), failures.len());
        for f in &failures {
            anstream::println!("  {f}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Exercises are verified this many at a time: a case is mostly a small
/// build and tests that wait (on a 2-core machine, all 542 cases took 1 575 s
/// one at a time and 1 119 s in three lanes; three lanes left 10% of the
/// cores idle, waiting on tests' processes and deadlines). Timing gates do not run in the
/// lanes: they wait for the end and run one by one, alone (`finish_gate`).
const LANES: usize = 4;

/// The number of cases run, and the problems found.
type Found = (usize, Vec<String>);

/// A case whose tests pass, waiting for its timing gate: the harness was
/// built in its lane and kept aside, since the lane's next case rebuilds it.
struct Deferred<'a> {
    ex: &'a Exercise,
    case: Case,
    tests: Verdict,
    exe: PathBuf,
    /// Seconds the case took before its gate.
    before: f64,
}

/// Every case of `exercises`, in three phases: the edits of protected files
/// (each edits a file every exercise shares, and is refused before anything
/// is built), the builds and tests in lanes, then the timing gates alone.
/// A gate waiting in a lane would stop every other lane until the programs
/// they run have ended, and leave the machine idle meanwhile.
fn verify_all(
    ws: &Workspace,
    scratch: &Workspace,
    pristine: &Pristine,
    exercises: &[&Exercise],
    only: Option<&str>,
) -> Result<Found> {
    let chosen = |c: &Case| only.is_none_or(|texts| texts.split(',').any(|text| c.label.contains(text)));
    let (mut count, mut failures) = (0, Vec::new());
    for ex in exercises {
        for case in cases(ws, ex)?.into_iter().filter(|c| c.change.edits_shared_files() && chosen(c)) {
            count += 1;
            let problem = match run_case(scratch, ex, case)? {
                CaseRun::Judged(problem) => problem,
                CaseRun::Deferred(waiting) => finish_gate(scratch, *waiting)?,
            };
            failures.extend(problem);
        }
    }
    let waiting = std::sync::Mutex::new(Vec::new());
    let (in_lanes, found) = verify_in_lanes(ws, scratch, pristine, exercises, &chosen, &waiting)?;
    count += in_lanes;
    failures.extend(found);
    let mut waiting = waiting.into_inner().unwrap_or_else(PoisonError::into_inner);
    waiting.sort_by_key(|d: &Deferred| ws.manifest.exercises.iter().position(|ex| ex.id == d.ex.id));
    if !waiting.is_empty() {
        anstream::println!("  {} timing gate(s), one at a time, alone on the machine:", waiting.len());
    }
    for gate in waiting {
        failures.extend(finish_gate(scratch, gate)?);
    }
    Ok((count, failures))
}

/// The cases of each exercise run in order in a lane; the lanes take exercises
/// longest first. Cases that reach a timing gate are left in `waiting`.
fn verify_in_lanes<'a>(
    ws: &Workspace,
    scratch: &Workspace,
    pristine: &Pristine,
    exercises: &[&'a Exercise],
    chosen: &(dyn Fn(&Case) -> bool + Sync),
    waiting: &std::sync::Mutex<Vec<Deferred<'a>>>,
) -> Result<Found> {
    // Longest first: the lanes then finish together, instead of one lane
    // working through a long exercise alone at the end.
    let mut costs = Vec::new();
    for ex in exercises {
        costs.push((estimated_seconds(ex, &cases(ws, ex)?), *ex));
    }
    costs.sort_by_key(|(cost, _)| std::cmp::Reverse(*cost));
    let exercises: Vec<&Exercise> = costs.into_iter().map(|(_, ex)| ex).collect();
    let next = AtomicUsize::new(0);
    let lane = || {
        let mut done = Vec::new();
        while let Some(ex) = exercises.get(next.fetch_add(1, Ordering::Relaxed)) {
            let started = std::time::Instant::now();
            let result = verify_exercise(ws, scratch, pristine, ex, chosen, waiting);
            let took = started.elapsed();
            if result.is_err() {
                // Stop the other lanes at their next exercise: the error ends the run.
                next.store(exercises.len(), Ordering::Relaxed);
            }
            done.push((ex.id.clone(), took, result));
        }
        done
    };
    let mut results: Vec<(String, Duration, Result<Found>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..LANES).map(|_| scope.spawn(lane)).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    // Where the time went, for whoever makes verify faster: the lanes' slowest exercises.
    results.sort_by_key(|(_, took, _)| std::cmp::Reverse(*took));
    if results.len() > 3 {
        let slowest: Vec<String> =
            results.iter().take(6).map(|(id, took, _)| format!("{id} {:.0} s", took.as_secs_f64())).collect();
        anstream::println!("  slowest exercises, each in its lane (gates not included): {}", slowest.join(", "));
    }
    results.sort_by_key(|(id, _, _)| ws.manifest.exercises.iter().position(|ex| ex.id == *id));
    let (mut count, mut failures) = (0, Vec::new());
    for (_, _, result) in results {
        let (cases, found) = result?;
        count += cases;
        failures.extend(found);
    }
    Ok((count, failures))
}

/// A rough cost of an exercise's cases in its lane, to start the longest
/// first: a hang its time limit, anything else a build and a run.
fn estimated_seconds(ex: &Exercise, cases: &[Case]) -> u64 {
    cases
        .iter()
        .map(|case| match &case.expect {
            Expect::Reject { cause: Cause::Deadlock | Cause::EndlessLoop, .. } => ex.test_timeout_secs(),
            _ if case.change.edits_shared_files() => 0,
            _ => 2,
        })
        .sum()
}

fn verify_exercise<'a>(
    ws: &Workspace,
    scratch: &Workspace,
    pristine: &Pristine,
    ex: &'a Exercise,
    chosen: &(dyn Fn(&Case) -> bool + Sync),
    waiting: &std::sync::Mutex<Vec<Deferred<'a>>>,
) -> Result<Found> {
    let (mut failures, mut count) = (Vec::new(), 0);
    for case in cases(ws, ex)?.into_iter().filter(|c| !c.change.edits_shared_files() && chosen(c)) {
        count += 1;
        let records_snapshots = case.records_snapshots;
        let result = run_case(scratch, ex, case)?;
        if records_snapshots {
            failures.extend(unused_snapshots(scratch, ex));
        }
        match result {
            CaseRun::Judged(problem) => failures.extend(problem),
            CaseRun::Deferred(gate) => waiting.lock().unwrap_or_else(PoisonError::into_inner).push(*gate),
        }
    }
    restore_stub(ws, scratch, pristine, ex)?;
    Ok((count, failures))
}

/// Records the files of `exercises` and the shared files; returns the new digest.
fn bless_record(ws: &Workspace, exercises: &[&Exercise]) -> Result<String> {
    let mut pristine = Pristine::load(&ws.root)?;
    pristine.shared = integrity::shared_now(&ws.root)?;
    for ex in exercises {
        let record = integrity::exercise_record(&ws.root, ex)?;
        for stub in record.stubs.keys() {
            let text = std::fs::read_to_string(ws.root.join(stub))?;
            if stub.ends_with("lib.rs") && !text.contains("todo!(") {
                bail!("{stub} has no todo!(): bless records stubs as published, so run it on a pristine tree");
            }
        }
        pristine.exercise.insert(ex.id.clone(), record);
    }
    let digest = pristine.save(&ws.root)?;
    let copied = crate::published::refresh(&ws.root, &pristine)?;
    anstream::println!(
        "recorded {} exercise(s) in {} (its digest in {}, built into the next xtask); {copied} stub cop(ies) changed in {}",
        exercises.len(),
        integrity::FILE,
        integrity::DIGEST_FILE,
        crate::published::DIR
    );
    Ok(digest)
}

/// A copy of the repository under the target dir, sharing its build cache.
pub fn scratch_copy(ws: &Workspace, pristine: &Pristine, exercises: &[&Exercise]) -> Result<Workspace> {
    let scratch = ws.target_dir().join("verify/workspace");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    fsutil::copy_tree(&ws.root, &scratch, NOT_COPIED)?;
    let copy = Workspace::open_scratch(&scratch)?;
    for ex in exercises {
        restore_stub(ws, &copy, pristine, ex)?;
    }
    Ok(copy)
}

pub const NOT_COPIED: &[&str] = &["target", ".git", ".tools", ".workbench", "results", "node_modules"];

/// Puts the published stub back into the scratch copy (from git's objects).
fn restore_stub(ws: &Workspace, scratch: &Workspace, pristine: &Pristine, ex: &Exercise) -> Result<()> {
    let src = ex.dir(&scratch.root).join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    for (path, id) in &pristine.record(ex)?.stubs {
        let bytes = match std::fs::read(ws.root.join(path)) {
            Ok(bytes) if integrity::blob_id(&bytes) == *id => bytes,
            _ => integrity::git_blob(&ws.root, id)?,
        };
        let target = scratch.root.join(path);
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
        std::fs::write(target, bytes)?;
    }
    Ok(())
}

fn cases(ws: &Workspace, ex: &Exercise) -> Result<Vec<Case>> {
    let solution = ex.solution_dir(&ws.root);
    let mut cases = vec![
        Case {
            label: "stub".into(),
            change: Change::None,
            expect: Expect::reject(Cause::Todo),
            records_snapshots: false,
        },
        Case {
            label: "reference".into(),
            change: Change::Lib(solution.join("src/lib.rs")),
            expect: Expect::Accept,
            records_snapshots: true,
        },
    ];
    // A learner "fixing" a test: check must refuse and name the file.
    let tests_dir = integrity::relative(&ws.root, &ex.dir(&ws.root).join("tests"));
    if let Some(test) = integrity::protected_files(&ws.root, ex)?.into_iter().find(|f| f.starts_with(&tests_dir)) {
        cases.push(Case {
            label: format!("edited {test}"),
            change: Change::EditProtected(test),
            expect: Expect::reject(Cause::EditedFiles),
            records_snapshots: false,
        });
    }
    // Files outside the learner's src/ that would change a verdict: a build
    // script in the exercise crate, a Cargo profile, the timing settings, the gate.
    let build_rs = integrity::relative(&ws.root, &ex.dir(&ws.root).join("build.rs"));
    cases.push(Case {
        label: format!("added {build_rs}"),
        change: Change::AddFile(build_rs),
        expect: Expect::reject(Cause::EditedFiles),
        records_snapshots: false,
    });
    if ex.gated() {
        for file in ["exercises.toml", "Cargo.toml", "benches/src/gate.rs", integrity::FILE] {
            cases.push(Case {
                label: format!("edited {file}"),
                change: Change::EditProtected(file.into()),
                expect: Expect::reject(Cause::EditedFiles),
                records_snapshots: false,
            });
        }
    }
    for (folder, bad) in [("known-bad", true), ("known-good", false)] {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(solution.join(folder)) {
            Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| variant::is_variant(p)).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        for file in files {
            let name = file.file_name().expect("a file name").to_string_lossy();
            let expect = if bad { expected_rejection(&file)? } else { Expect::Accept };
            cases.push(Case {
                label: format!("{folder}/{name}"),
                change: Change::Lib(file),
                expect,
                records_snapshots: false,
            });
        }
    }
    Ok(cases)
}

/// What a known-bad variant's `//! expect: <cause>` and `//! failing: <test>, …` lines name.
fn expected_rejection(file: &Path) -> Result<Expect> {
    let text = std::fs::read_to_string(file)?;
    let name = variant::expected_reason(&text)
        .with_context(|| format!("{} needs a `//! expect: <cause>` line", file.display()))?;
    let cause = Cause::parse(&name).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(Expect::Reject { cause, failing: variant::failing_tests(&text) })
}

/// A timing verdict is inconclusive while the machine is busy (a shared CI
/// host has spells of tens of seconds): a rejection that was not proven is
/// tried again after a growing pause, never counted as proven.
const ATTEMPTS: usize = 4;
const PAUSE_BEFORE_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

/// What running a case gave: its judgement (`Some(why)` when it misbehaved),
/// or a gate still to run.
enum CaseRun<'a> {
    Judged(Option<String>),
    Deferred(Box<Deferred<'a>>),
}

fn run_case<'a>(scratch: &Workspace, ex: &'a Exercise, case: Case) -> Result<CaseRun<'a>> {
    let mut restore = None;
    match &case.change {
        Change::None => {}
        Change::Lib(lib) => {
            let text = variant::materialize(lib, &ex.solution_dir(&scratch.root).join("src/lib.rs"))?;
            std::fs::write(ex.dir(&scratch.root).join("src/lib.rs"), text)?;
        }
        Change::EditProtected(file) => {
            let path = scratch.root.join(file);
            let original = std::fs::read(&path)?;
            let mut edited = original.clone();
            edited.extend_from_slice(b"\n# made to pass\n");
            std::fs::write(&path, edited)?;
            restore = Some((path, Some(original)));
        }
        Change::AddFile(file) => {
            let path = scratch.root.join(file);
            std::fs::write(&path, "fn main() {}\n")?;
            restore = Some((path, None));
        }
    }
    let references = case.records_snapshots.then(|| snapshot_references(scratch, ex));
    if let Some(file) = &references {
        let _ = std::fs::remove_file(file);
    }
    let check = || check::check_before_gate(scratch, ex, references.as_deref());
    let started = std::time::Instant::now();
    // "Never finished" needs a quiet machine at the time limit, which the
    // other lanes would never give: such a case is built in its lane (the
    // build in the check then finds it fresh), then runs alone.
    let never_finishes = matches!(case.expect, Expect::Reject { cause: Cause::EndlessLoop, .. });
    if never_finishes {
        runner::build_suite(scratch, &ex.package(), crate::verdict::Flavour::Threads)?;
    }
    let mut result = if never_finishes { runner::alone_on_the_machine(check) } else { check() };
    for attempt in 1..ATTEMPTS {
        let unproven = matches!(&result, Ok(BeforeGate::Decided(v)) if v.outcome == Outcome::Inconclusive);
        if !unproven || case.expect == Expect::Accept {
            break;
        }
        let why = match &result {
            Ok(BeforeGate::Decided(verdict)) => causes(verdict),
            _ => String::new(),
        };
        retry_after_pause(ex, &case, attempt, &why);
        // A busy machine left it open: again, with the machine to itself.
        result = runner::alone_on_the_machine(check);
    }
    match restore {
        Some((path, Some(original))) => std::fs::write(path, original)?,
        Some((path, None)) => std::fs::remove_file(path)?,
        None => {}
    }
    Ok(match result? {
        BeforeGate::Decided(verdict) => {
            CaseRun::Judged(conclude(ex, &case, &verdict, &format!("{:.0} s", started.elapsed().as_secs_f64())))
        }
        BeforeGate::Gate { tests, exe } => {
            // Kept aside under a name of its own: the lane's next case rebuilds the harness.
            static KEPT: AtomicUsize = AtomicUsize::new(0);
            let kept = scratch.target_dir().join("verify/gates").join(format!(
                "{}-{}",
                ex.id,
                KEPT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(kept.parent().expect("a file has a folder"))?;
            std::fs::copy(&exe, &kept).with_context(|| format!("keeping {} for its gate", exe.display()))?;
            CaseRun::Deferred(Box::new(Deferred {
                ex,
                case,
                tests,
                exe: kept,
                before: started.elapsed().as_secs_f64(),
            }))
        }
    })
}

/// Runs a deferred case's gate (again after a pause while a rejection is
/// unproven), judges the verdict and removes the kept harness.
fn finish_gate(scratch: &Workspace, gate: Deferred) -> Result<Option<String>> {
    let Deferred { ex, case, tests, exe, before } = gate;
    let started = std::time::Instant::now();
    let mut verdict = check::timing_gate(scratch, ex, &tests, &exe);
    for attempt in 1..ATTEMPTS {
        let unproven = matches!(&verdict, Ok(v) if v.outcome == Outcome::Inconclusive);
        if !unproven || case.expect == Expect::Accept {
            break;
        }
        let why = verdict.as_ref().map(causes).unwrap_or_default();
        retry_after_pause(ex, &case, attempt, &why);
        verdict = check::timing_gate(scratch, ex, &tests, &exe);
    }
    let _ = std::fs::remove_file(&exe);
    let gate = started.elapsed().as_secs_f64();
    Ok(conclude(ex, &case, &verdict?, &format!("{:.0} s, the gate alone {gate:.0} s", before + gate)))
}

fn retry_after_pause(ex: &Exercise, case: &Case, attempt: usize, why: &str) {
    let pause = PAUSE_BEFORE_RETRY * attempt as u32;
    anstream::println!("  {} {}: inconclusive ({why}); trying again in {} s", ex.id, case.label, pause.as_secs());
    std::thread::sleep(pause);
}

/// Prints the case's line, with how long it took; `Some(why)` when the
/// verdict is not what the case expects.
fn conclude(ex: &Exercise, case: &Case, report: &Verdict, took: &str) -> Option<String> {
    let mut verdict = judge(&case.expect, report);
    if let Change::EditProtected(file) | Change::AddFile(file) = &case.change
        && verdict.is_none()
        && !report.headline.contains(file.as_str())
    {
        verdict = Some(format!("the refusal does not name {file}"));
    }
    let mut line = format!("{} {}: {} ({took})", ex.id, case.label, report.headline);
    if let Expect::Reject { cause, failing } = &case.expect
        && failing.is_empty()
        && cause.names_tests()
    {
        let failed = report.failed_tests.join(", ");
        verdict.get_or_insert(format!("name the tests that must catch it: `//! failing: {failed}` (or fewer)"));
        line.push_str(&format!("\n    failed: {failed}"));
    }
    match &verdict {
        None => anstream::println!("{} {line}", ui::green("✓")),
        Some(why) => {
            anstream::println!("{} {line}\n    {why}", ui::red("✗"));
            // A good variant or the reference rejected: the evidence, for whoever fixes it.
            if case.expect == Expect::Accept {
                anstream::println!("{}", crate::report::tail(&report.details, 30));
            }
        }
    }
    verdict.map(|why| format!("{} {}: {why}", ex.id, case.label))
}

fn causes(verdict: &Verdict) -> String {
    verdict.causes.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
}

/// `None` when the verdict is what the case expects; otherwise why not. A
/// known-good variant may be inconclusive (a busy machine), never rejected; a
/// known-bad one must fail for the cause it names.
fn judge(expect: &Expect, verdict: &Verdict) -> Option<String> {
    match (expect, verdict.outcome) {
        (Expect::Accept, Outcome::Pass | Outcome::Inconclusive) => None,
        (Expect::Accept, Outcome::Fail) => Some(format!("expected acceptance, got rejection ({})", causes(verdict))),
        (Expect::Reject { cause, failing }, Outcome::Fail) if verdict.causes.contains(cause) => {
            let missing: Vec<&String> =
                failing.iter().filter(|name| !verdict.failed_tests.iter().any(|f| f == *name)).collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "rejected for `{cause}`, but not by {} (failed: {})",
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                    if verdict.failed_tests.is_empty() { "none".into() } else { verdict.failed_tests.join(", ") }
                )
            })
        }
        (Expect::Reject { cause, .. }, _) => Some(format!(
            "expected rejection for `{cause}`, got {:?} with causes [{}]",
            verdict.outcome,
            causes(verdict)
        )),
    }
}

/// Where the reference's case lists the snapshots its suite read.
fn snapshot_references(scratch: &Workspace, ex: &Exercise) -> PathBuf {
    scratch.root.join(format!("snapshot-references-{}.txt", ex.id))
}

/// Snapshot files of `ex` that no test read when the reference's case ran.
fn unused_snapshots(scratch: &Workspace, ex: &Exercise) -> Vec<String> {
    let read = std::fs::read_to_string(snapshot_references(scratch, ex)).unwrap_or_default();
    let Ok(dir) = std::fs::read_dir(ex.dir(&scratch.root).join("tests/snapshots")) else { return Vec::new() };
    let mut unused = Vec::new();
    for file in dir.flatten() {
        let name = file.file_name().to_string_lossy().to_string();
        if name.ends_with(".snap") && !read.contains(&name) {
            anstream::println!("{} {}: snapshot {name} is not read by any test", ui::red("✗"), ex.id);
            unused.push(format!("{}: snapshot {name} is not used by any test; delete it", ex.id));
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcome: Outcome, causes: &[Cause]) -> Verdict {
        Verdict::new(outcome, causes.to_vec(), String::new(), String::new())
    }

    #[test]
    fn a_rejection_for_another_cause_does_not_count() {
        let expect = Expect::reject(Cause::NotParallel);
        assert!(judge(&expect, &report(Outcome::Fail, &[Cause::TooSlow, Cause::NotParallel])).is_none());
        assert!(judge(&expect, &report(Outcome::Fail, &[Cause::TestsFailed])).is_some());
        assert!(judge(&expect, &report(Outcome::Inconclusive, &[Cause::MachineBusy])).is_some());
        assert!(judge(&expect, &report(Outcome::Pass, &[])).is_some());
    }

    #[test]
    fn a_rejection_by_other_tests_than_named_does_not_count() {
        let expect = Expect::Reject { cause: Cause::TestsFailed, failing: vec!["counts_each_word_once".into()] };
        let mut verdict = report(Outcome::Fail, &[Cause::TestsFailed]);
        verdict.failed_tests = vec!["empty_input".into()];
        let why = judge(&expect, &verdict).expect("the wrong test failed");
        assert!(why.contains("not by `counts_each_word_once` (failed: empty_input)"), "{why}");
        verdict.failed_tests.push("counts_each_word_once".into());
        assert!(judge(&expect, &verdict).is_none());
        let text = "//! expect: tests-failed\n//! failing: a_test, another\n--- a/x\n";
        assert_eq!(variant::failing_tests(text), ["a_test", "another"]);
    }

    #[test]
    fn an_inconclusive_timing_accepts_a_good_variant() {
        assert!(judge(&Expect::Accept, &report(Outcome::Inconclusive, &[Cause::MachineBusy])).is_none());
        assert!(judge(&Expect::Accept, &report(Outcome::Fail, &[Cause::TooSlow])).is_some());
    }
}
