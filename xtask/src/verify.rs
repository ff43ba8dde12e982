//! `cargo xtask verify [--bless] [ID…]`: the checker tested like the product.
//!
//! In a scratch copy of the repository (the learner's tree is never touched),
//! with each exercise's pristine stub restored from `pristine.toml`, it proves:
//! the stub fails only through `todo!()`; the reference passes both as its own
//! crate and copied into the exercise; every `known-bad/*.rs` is rejected with
//! the reason its `//! expect:` line names; every `known-good/*.rs` is
//! accepted; snapshots are current and all referenced; the record is current.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::check::{self, Outcome, Report};
use crate::integrity::{self, Pristine};
use crate::manifest::{Exercise, Workspace};
use crate::{ui, variant};

/// What a case must produce.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Accept,
    Reject(String),
}

struct Case {
    label: String,
    change: Change,
    expect: Expect,
}

/// What a case does to the scratch copy of the exercise before checking it.
enum Change {
    /// Nothing: the pristine stub.
    None,
    /// Replace the exercise's `src/lib.rs` with this variant (a file, or a patch to the reference).
    Lib(PathBuf),
    /// Append a line to this protected file (then put it back).
    EditProtected(String),
}

pub fn run(ws: &Workspace, bless: bool, ids: &[String]) -> Result<ExitCode> {
    let exercises: Vec<&Exercise> = if ids.is_empty() {
        ws.manifest.exercises.iter().collect()
    } else {
        ids.iter().map(|id| ws.manifest.find(id)).collect::<Result<_>>()?
    };
    if bless {
        bless_record(ws, &exercises)?;
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
    let scratch = scratch_copy(ws, &pristine, &exercises)?;
    let mut failures = Vec::new();
    let mut count = 0;
    for ex in &exercises {
        for problem in verify_reference_suite(&scratch, ex)? {
            failures.push(problem);
        }
        for case in cases(ws, ex)? {
            count += 1;
            if let Some(problem) = run_case(&scratch, ex, &case)? {
                failures.push(problem);
            }
        }
        restore_stub(ws, &scratch, &pristine, ex)?;
    }
    if failures.is_empty() {
        println!("{} verify: {count} cases in {} exercise(s) behave as intended", ui::green("✓"), exercises.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} verify: {} of {count} cases misbehave:", ui::red("✗"), failures.len());
        for f in &failures {
            println!("  {f}");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn bless_record(ws: &Workspace, exercises: &[&Exercise]) -> Result<()> {
    let mut pristine = Pristine::load(&ws.root)?;
    for ex in exercises {
        let record = integrity::record_now(&ws.root, ex)?;
        for stub in record.stubs.keys() {
            let text = std::fs::read_to_string(ws.root.join(stub))?;
            if stub.ends_with("lib.rs") && !text.contains("todo!(") {
                bail!("{stub} has no todo!(): bless records stubs as published, so run it on a pristine tree");
            }
        }
        pristine.exercise.insert(ex.id.clone(), record);
    }
    pristine.save(&ws.root)?;
    println!("recorded {} exercise(s) in {}", exercises.len(), integrity::FILE);
    Ok(())
}

/// A copy of the repository under the target dir, sharing its build cache.
pub fn scratch_copy(ws: &Workspace, pristine: &Pristine, exercises: &[&Exercise]) -> Result<Workspace> {
    let scratch = ws.target_dir().join("verify/workspace");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    copy_tree(&ws.root, &scratch, &ws.root)?;
    let copy = Workspace::open_scratch(&scratch)?;
    for ex in exercises {
        restore_stub(ws, &copy, pristine, ex)?;
    }
    Ok(copy)
}

const NOT_COPIED: &[&str] = &["target", ".git", ".tools", ".workbench", "results", "node_modules"];

pub fn copy_tree(from: &Path, to: &Path, root: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if from == root && NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(&name), root)?;
        } else {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

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
        Case { label: "stub".into(), change: Change::None, expect: Expect::Reject("todo".into()) },
        Case { label: "reference".into(), change: Change::Lib(solution.join("src/lib.rs")), expect: Expect::Accept },
    ];
    // A learner "fixing" a test: check must refuse and name the file.
    let tests_dir = integrity::relative(&ws.root, &ex.dir(&ws.root).join("tests"));
    if let Some(test) = integrity::protected_files(&ws.root, ex)?.into_iter().find(|f| f.starts_with(&tests_dir)) {
        cases.push(Case {
            label: format!("edited {test}"),
            change: Change::EditProtected(test),
            expect: Expect::Reject("edited-tests".into()),
        });
    }
    for (folder, bad) in [("known-bad", true), ("known-good", false)] {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(solution.join(folder)) {
            Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| variant::is_variant(p)).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        for file in files {
            let name = file.file_name().expect("a file name").to_string_lossy();
            let expect = if bad { Expect::Reject(expected_reason(&file)?) } else { Expect::Accept };
            cases.push(Case { label: format!("{folder}/{name}"), change: Change::Lib(file), expect });
        }
    }
    Ok(cases)
}

/// The `//! expect: <reason>` line of a known-bad variant.
fn expected_reason(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file)?;
    variant::expected_reason(&text).with_context(|| format!("{} needs a `//! expect: <reason>` line", file.display()))
}

/// A timing verdict is inconclusive while the machine is busy (a shared CI
/// host has spells of tens of seconds): a rejection that was not proven is
/// tried again after a growing pause, never counted as proven.
const ATTEMPTS: usize = 4;
const PAUSE_BEFORE_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

fn run_case(scratch: &Workspace, ex: &Exercise, case: &Case) -> Result<Option<String>> {
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
            edited.extend_from_slice(b"\n// made to pass\n");
            std::fs::write(&path, edited)?;
            restore = Some((path, original));
        }
    }
    let started = std::time::Instant::now();
    let mut report = check::check_crate(scratch, ex);
    for attempt in 1..ATTEMPTS {
        if !matches!(&report, Ok(r) if r.outcome == Outcome::Warn) || case.expect == Expect::Accept {
            break;
        }
        let pause = PAUSE_BEFORE_RETRY * attempt as u32;
        println!(
            "  {} {}: inconclusive ({}); trying again in {} s",
            ex.id,
            case.label,
            warn_reasons(&report),
            pause.as_secs()
        );
        std::thread::sleep(pause);
        report = check::check_crate(scratch, ex);
    }
    if let Some((path, original)) = restore {
        std::fs::write(path, original)?;
    }
    let report = report?;
    let mut verdict = judge(&case.expect, &report);
    if let Change::EditProtected(file) = &case.change
        && verdict.is_none()
        && !report.headline.contains(file.as_str())
    {
        verdict = Some(format!("the refusal does not name {file}"));
    }
    let line = format!("{} {}: {} ({:.0} s)", ex.id, case.label, report.headline, started.elapsed().as_secs_f64());
    match &verdict {
        None => println!("{} {line}", ui::green("✓")),
        Some(why) => println!("{} {line}\n    {why}", ui::red("✗")),
    }
    Ok(verdict.map(|why| format!("{} {}: {why}", ex.id, case.label)))
}

fn warn_reasons(report: &Result<Report>) -> String {
    match report {
        Ok(r) => r.reasons.join(", "),
        Err(e) => e.to_string(),
    }
}

/// `None` when the report is what the case expects; otherwise why not.
fn judge(expect: &Expect, report: &Report) -> Option<String> {
    match (expect, report.outcome) {
        (Expect::Accept, Outcome::Pass | Outcome::Warn) => None,
        (Expect::Accept, Outcome::Fail) => {
            Some(format!("expected acceptance, got rejection ({})", report.reasons.join(", ")))
        }
        (Expect::Reject(reason), Outcome::Fail) if report.reasons.contains(reason) => None,
        (Expect::Reject(reason), _) => Some(format!(
            "expected rejection for `{reason}`, got {:?} with reasons [{}]",
            report.outcome,
            report.reasons.join(", ")
        )),
    }
}

/// The reference as its own crate passes the suite with current snapshots,
/// and every snapshot file is one the suite reads.
fn verify_reference_suite(scratch: &Workspace, ex: &Exercise) -> Result<Vec<String>> {
    let references = scratch.root.join(format!("snapshot-references-{}.txt", ex.id));
    let _ = std::fs::remove_file(&references);
    let report =
        check::run_tests(scratch, ex, &ex.solution_package(), &ex.solution_dir(&scratch.root), Some(&references))?;
    let mut problems = Vec::new();
    if report.outcome == Outcome::Fail {
        problems.push(format!("{} reference crate: {}\n{}", ex.id, report.headline, report.details));
    }
    let read = std::fs::read_to_string(&references).unwrap_or_default();
    let snapshots = ex.dir(&scratch.root).join("tests/snapshots");
    if let Ok(dir) = std::fs::read_dir(&snapshots) {
        for file in dir.flatten() {
            let name = file.file_name().to_string_lossy().to_string();
            if name.ends_with(".snap") && !read.contains(&name) {
                problems.push(format!("{}: snapshot {name} is not used by any test; delete it", ex.id));
            }
        }
    }
    let mark = if problems.is_empty() { ui::green("✓") } else { ui::red("✗") };
    println!("{mark} {} reference crate: {}; snapshots current", ex.id, report.headline);
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcome: Outcome, reasons: &[&str]) -> Report {
        Report {
            outcome,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            headline: String::new(),
            next: vec![],
            details: String::new(),
        }
    }

    #[test]
    fn a_rejection_for_another_reason_does_not_count() {
        let expect = Expect::Reject("not-parallel".into());
        assert!(judge(&expect, &report(Outcome::Fail, &["too-slow", "not-parallel"])).is_none());
        assert!(judge(&expect, &report(Outcome::Fail, &["tests-failed"])).is_some());
        assert!(judge(&expect, &report(Outcome::Warn, &["machine-busy"])).is_some());
        assert!(judge(&expect, &report(Outcome::Pass, &[])).is_some());
    }

    #[test]
    fn an_inconclusive_timing_accepts_a_good_variant() {
        assert!(judge(&Expect::Accept, &report(Outcome::Warn, &["machine-busy"])).is_none());
        assert!(judge(&Expect::Accept, &report(Outcome::Fail, &["too-slow"])).is_some());
    }
}
