//! `cargo xtask check [ID]`: protected files → build → tests (killed at a time
//! limit) → timing gate. Without an ID: every exercise in order, skipping
//! those done with the files as they are, stopping at the first not done.
//! The pieces: `runner.rs` gathers evidence, `verdict.rs` judges it,
//! `report.rs` shows it, `progress.rs` remembers it.

use std::process::ExitCode;

use anyhow::Result;

use crate::integrity::Pristine;
use crate::manifest::{Exercise, Workspace};
use crate::progress::{Progress, State};
use crate::runner::{self, Timing};
use crate::verdict::{self, Cause, Flavour, Outcome, Verdict};
use crate::{loom, report, ui};

pub fn run(ws: &Workspace, id: Option<&str>) -> Result<ExitCode> {
    match id {
        Some(id) => {
            let ex = ws.manifest.find(id)?;
            let verdict = check_and_record(ws, ex)?;
            report::print(ws, ex, &verdict, &Progress::load(ws));
            Ok(ExitCode::from(verdict.outcome.exit_code()))
        }
        None => check_in_order(ws),
    }
}

fn check_in_order(ws: &Workspace) -> Result<ExitCode> {
    for ex in &ws.manifest.exercises {
        if Progress::load(ws).state(ws, ex) == State::Done {
            continue;
        }
        let verdict = check_and_record(ws, ex)?;
        if verdict.outcome != Outcome::Pass {
            report::print(ws, ex, &verdict, &Progress::load(ws));
            return Ok(ExitCode::from(verdict.outcome.exit_code()));
        }
        anstream::println!("{} {} — {}", report::mark(Outcome::Pass), ex.id, verdict.headline);
    }
    let total = ws.manifest.exercises.len();
    anstream::println!(
        "{}",
        ui::bold(&format!("All {total} of {total} exercises done — see them with `cargo xtask list`"))
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks the learner's crate of `ex`, records the verdict and says what to do next.
fn check_and_record(ws: &Workspace, ex: &Exercise) -> Result<Verdict> {
    let mut verdict = check_crate(ws, ex)?;
    Progress::load(ws).record(ws, ex, verdict.outcome, verdict.ratio)?;
    if verdict.outcome == Outcome::Pass {
        if let Some(next) = ws.manifest.exercises.iter().skip_while(|e| e.id != ex.id).nth(1) {
            verdict.next.push(format!(
                "next: {} — read its page (`cargo xtask book {}`), then `cargo xtask check {}`",
                next.id, next.id, next.id
            ));
        }
    } else if verdict.next.is_empty() {
        verdict
            .next
            .push(format!("read its page (`cargo xtask book {}`) · stuck? `cargo xtask hint {}`", ex.id, ex.id));
    }
    Ok(verdict)
}

/// The verdict on the learner's crate of `ex` (nothing recorded).
pub fn check_crate(ws: &Workspace, ex: &Exercise) -> Result<Verdict> {
    match check_before_gate(ws, ex, None)? {
        BeforeGate::Decided(verdict) => Ok(verdict),
        BeforeGate::Gate { tests, exe } => timing_gate(ws, ex, &tests, &exe),
    }
}

/// How far a check gets before its timing gate.
pub enum BeforeGate {
    /// The verdict, with no gate to run: refused, failing, untimed, or a
    /// timing harness that does not compile.
    Decided(Verdict),
    /// The tests pass, and the gate in the harness `exe` decides.
    Gate { tests: Verdict, exe: std::path::PathBuf },
}

/// Everything of a check but the gate's measurement: `verify` builds and
/// tests several exercises at once, then runs the gates one by one alone.
/// `snapshot_references`: where insta lists every snapshot file it read.
pub fn check_before_gate(
    ws: &Workspace,
    ex: &Exercise,
    snapshot_references: Option<&std::path::Path>,
) -> Result<BeforeGate> {
    if let Some(refused) = refuse_edits(ws, ex)? {
        return Ok(BeforeGate::Decided(refused));
    }
    if ex.loom
        && let Some(verdict) = loom::uses_std_sync(ws, ex)?
    {
        return Ok(BeforeGate::Decided(verdict));
    }
    let tests = run_tests(ws, ex, &ex.package(), &ex.dir(&ws.root), snapshot_references)?;
    if tests.outcome != Outcome::Pass || !ex.gated() {
        return Ok(BeforeGate::Decided(tests));
    }
    Ok(match runner::build_gate(ws, ex)? {
        Ok(exe) => BeforeGate::Gate { tests, exe },
        Err(stderr) => BeforeGate::Decided(Verdict::fail(
            Cause::CompileError,
            format!("the timing harness of {} does not compile — cargo's messages are below", ex.package()),
            stderr,
        )),
    })
}

/// A refusal when a file that steers the verdict differs from the published one.
fn refuse_edits(ws: &Workspace, ex: &Exercise) -> Result<Option<Verdict>> {
    let edits = match Pristine::load_checked(ws)? {
        Ok(pristine) => pristine.edits(&ws.root, ex)?,
        Err(edit) => vec![edit],
    };
    let Some(first) = edits.first() else { return Ok(None) };
    let list: Vec<String> = edits.iter().map(|e| format!("  {}", e.describe())).collect();
    let mut verdict = Verdict::fail(
        Cause::EditedFiles,
        format!(
            "refused: {} — the tests and the timing settings are the checker, so they must stay as published",
            first.describe()
        ),
        format!("Files that differ from the published exercise:\n{}", list.join("\n")),
    );
    verdict.next.push(format!("restore them (your src/ is kept): `cargo xtask reset {} --tests`", ex.id));
    Ok(Some(verdict))
}

/// Runs the suite of `ex` against `package` (the learner's crate or the
/// reference). An exercise with loom models runs them first (`loom.rs`): they
/// find a concurrency bug in every run, where real threads find it only by luck.
pub fn run_tests(
    ws: &Workspace,
    ex: &Exercise,
    package: &str,
    crate_dir: &std::path::Path,
    snapshot_references: Option<&std::path::Path>,
) -> Result<Verdict> {
    let mut models = None;
    if ex.loom {
        let verdict = match runner::run_suite(ws, ex, package, crate_dir, None, Flavour::Loom)? {
            Ok(run) => verdict::suite(&run),
            Err(stderr) => Verdict::fail(
                Cause::CompileError,
                format!(
                    "{package} does not compile with loom's types (`--features loom`; loom's Condvar has no \
                     wait_while) — cargo's messages are below"
                ),
                stderr,
            ),
        };
        if verdict.outcome != Outcome::Pass {
            return Ok(verdict);
        }
        models = Some(verdict.headline);
    }
    let mut tests = match runner::run_suite(ws, ex, package, crate_dir, snapshot_references, Flavour::Threads)? {
        Ok(run) => verdict::suite(&run),
        Err(stderr) => Verdict::fail(
            Cause::CompileError,
            format!("{package} does not compile — cargo's messages are below"),
            stderr,
        ),
    };
    if let (Outcome::Pass, Some(models)) = (tests.outcome, models) {
        tests.headline = format!("{}, and {models}", tests.headline);
    }
    Ok(tests)
}

/// The gate's verdict on a crate whose tests pass (`tests`), measured in `exe`.
pub fn timing_gate(ws: &Workspace, ex: &Exercise, tests: &Verdict, exe: &std::path::Path) -> Result<Verdict> {
    let perf = ex.perf.as_ref().expect("only timed exercises reach the gate");
    Ok(match runner::run_gate(ws, ex, exe)? {
        Timing::Stopped(stop, stderr) => {
            let run = verdict::SuiteRun {
                flavour: Flavour::Threads,
                passed: 0,
                failed: vec![],
                reached_todo: false,
                stop: Some(stop),
                details: stderr,
            };
            verdict::suite(&run)
        }
        Timing::Report(gate) => {
            let mut verdict = verdict::gate(&gate, &tests.headline, &report::ratio_summary(&gate));
            verdict.details = report::gate_table(&gate, perf.max_ratio);
            verdict
        }
    })
}
