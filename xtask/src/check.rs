//! `cargo xtask check [ID]`: protected files → build → tests (killed at a time
//! limit) → timing gate. Without an ID: every exercise in order, cached by
//! source hash, stopping at the first unfinished one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use benches::gate::{GateReport, Outcome as GateOutcome};
use serde::Deserialize;

use crate::integrity::{self, Pristine};
use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;
use crate::{loom, ui};

/// Seconds the gate may add rounds before it says "inconclusive".
const GATE_BUDGET_SECS: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Passed with a warning (an inconclusive timing): exit 0.
    Warn,
    Fail,
}

/// What `check` found: a headline, what to do next, then detail.
#[derive(Debug)]
pub struct Report {
    pub outcome: Outcome,
    /// Machine-readable reasons (`verify` matches these), e.g. `not-parallel`.
    pub reasons: Vec<String>,
    pub headline: String,
    pub next: Vec<String>,
    pub details: String,
}

impl Report {
    pub fn fail(reason: &str, headline: String, details: String) -> Self {
        Self { outcome: Outcome::Fail, reasons: vec![reason.into()], headline, next: Vec::new(), details }
    }
}

pub fn run(ws: &Workspace, id: Option<&str>) -> Result<ExitCode> {
    match id {
        Some(id) => {
            let ex = ws.manifest.find(id)?;
            let report = check_exercise(ws, ex)?;
            let done = Cache::load(ws).done_count(ws);
            print(ws, ex, &report, done);
            Ok(exit_code(&report))
        }
        None => check_in_order(ws),
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.outcome == Outcome::Fail { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn check_in_order(ws: &Workspace) -> Result<ExitCode> {
    let mut cache = Cache::load(ws);
    for ex in &ws.manifest.exercises {
        if cache.is_done(ws, ex) {
            continue;
        }
        let report = check_exercise(ws, ex)?;
        if report.outcome == Outcome::Fail {
            print(ws, ex, &report, cache.done_count(ws));
            return Ok(ExitCode::FAILURE);
        }
        cache = Cache::load(ws);
        println!("{} {} — {}", ui::green("✓"), ex.id, report.headline);
    }
    let total = ws.manifest.exercises.len();
    println!("{}", ui::bold(&format!("All {total}/{total} exercises done — see them with `cargo xtask list`")));
    Ok(ExitCode::SUCCESS)
}

/// Checks the learner's crate of `ex` and records a pass in the cache.
pub fn check_exercise(ws: &Workspace, ex: &Exercise) -> Result<Report> {
    let mut report = check_crate(ws, ex)?;
    if report.outcome != Outcome::Fail {
        let mut cache = Cache::load(ws);
        cache.record(ws, ex)?;
        if let Some(next) = ws.manifest.exercises.iter().skip_while(|e| e.id != ex.id).nth(1) {
            report
                .next
                .push(format!("next: {} — read book/src/{}, then `cargo xtask check {}`", next.id, next.book, next.id));
        }
    } else if report.next.is_empty() {
        report.next.push(format!("read book/src/{} · stuck? `cargo xtask hint {}`", ex.book, ex.id));
    }
    Ok(report)
}

pub fn check_crate(ws: &Workspace, ex: &Exercise) -> Result<Report> {
    let edits = Pristine::load(&ws.root)?.edits(&ws.root, ex)?;
    if let Some(first) = edits.first() {
        let list: Vec<String> = edits.iter().map(|e| format!("  {}", e.describe())).collect();
        let mut report = Report::fail(
            "edited-tests",
            format!("refused: {} — the tests are the checker, so they must stay as published", first.describe()),
            format!("Files that differ from the published exercise:\n{}", list.join("\n")),
        );
        report.next.push(format!("restore them (your src/ is kept): `cargo xtask reset {} --tests`", ex.id));
        return Ok(report);
    }
    if ex.loom
        && let Some(report) = loom::uses_std_sync(ws, ex)?
    {
        return Ok(report);
    }
    let tests = run_tests(ws, ex, &ex.package(), &ex.dir(&ws.root), None)?;
    if tests.outcome == Outcome::Fail || ex.perf.is_none() {
        return Ok(tests);
    }
    timing_gate(ws, ex, tests)
}

/// Builds and runs the exercise's test suite against `package` (the learner's
/// crate or the reference), each test binary killed after the time limit.
/// `snapshot_references`: where insta lists every snapshot file it read.
/// An exercise with loom models runs them first (`loom.rs`): they find a
/// concurrency bug in every run, where real threads find it only by luck.
pub fn run_tests(
    ws: &Workspace,
    ex: &Exercise,
    package: &str,
    crate_dir: &Path,
    snapshot_references: Option<&Path>,
) -> Result<Report> {
    if !ex.loom {
        return run_suite(ws, ex, package, crate_dir, snapshot_references, Flavour::Threads);
    }
    let models = run_suite(ws, ex, package, crate_dir, None, Flavour::Loom)?;
    if models.outcome == Outcome::Fail {
        return Ok(models);
    }
    let mut tests = run_suite(ws, ex, package, crate_dir, snapshot_references, Flavour::Threads)?;
    if tests.outcome == Outcome::Pass {
        tests.headline = format!("{}, and {}", tests.headline, models.headline);
    }
    Ok(tests)
}

/// How the suite is built: as it is, or with `--cfg loom` (only the models).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Threads,
    Loom,
}

fn run_suite(
    ws: &Workspace,
    ex: &Exercise,
    package: &str,
    crate_dir: &Path,
    snapshot_references: Option<&Path>,
    flavour: Flavour,
) -> Result<Report> {
    let args = ["test", "--release", "--no-run", "--package", package];
    let cargo = match flavour {
        Flavour::Threads => Cmd::cargo_in(ws),
        Flavour::Loom => loom::cargo(ws),
    };
    let build = match build_with(cargo, &args, package)? {
        Ok(stdout) => stdout,
        Err(mut report) => {
            if flavour == Flavour::Loom {
                report.headline = format!(
                    "{package} does not compile with loom's types (`--cfg loom`; loom's Condvar has no \
                     wait_while) — cargo's messages are below"
                );
            }
            return Ok(report);
        }
    };
    let executables = artifacts(&build, "test");
    anyhow::ensure!(!executables.is_empty(), "cargo built no test binary for {package}");
    let limit = Duration::from_secs(ex.test_timeout_secs());
    let (mut passed, mut failed) = (0usize, Vec::<String>::new());
    let mut details = String::new();
    for exe in executables {
        let mut cmd = Cmd::new(&exe)
            .arg("--test-threads=1")
            .env("INSTA_UPDATE", "no")
            .env("INSTA_WORKSPACE_ROOT", &ws.root)
            .env("RUST_BACKTRACE", "0")
            .dir(crate_dir);
        if let Some(file) = snapshot_references {
            cmd = cmd.env("INSTA_SNAPSHOT_REFERENCES_FILE", file);
        }
        let out = cmd.capture(limit)?;
        if out.timed_out() {
            let test = running_test(&out.stdout).map_or("a test".to_string(), |t| format!("test `{t}`"));
            let threads = out.stuck_threads.unwrap_or_default();
            let mut report = Report::fail(
                "timed-out",
                format!("timed out after {} s — likely a deadlock (waiting on {test}; {threads})", limit.as_secs()),
                format!(
                    "The test binary was stopped. Look for a lock held while waiting for another thread, \
                     a channel whose sender is never dropped, or a join on a thread that waits for you.\n\n{}{}",
                    tail(&out.stdout, 40),
                    // libtest prints a failure's message only at the end, which a hang never reaches;
                    // a suite can still say why on stderr.
                    if out.stderr.trim().is_empty() {
                        String::new()
                    } else {
                        format!("\nwhat the tests printed on stderr:\n{}", tail(&out.stderr, 20))
                    }
                ),
            );
            // Failures before the hang are findings too (and often its cause).
            failed.extend(tally(&out.stdout).1);
            if !failed.is_empty() {
                report.reasons.push("tests-failed".into());
                report.headline.push_str(&format!("; before that, {} failed: {}", failed.len(), name_list(&failed)));
                report.details = format!("{}\n{}", failure_section(&out.stdout), report.details);
            }
            return Ok(report);
        }
        let (ok, mut bad) = tally(&out.stdout);
        if !out.success() && bad.is_empty() {
            // Killed by a signal or aborted (a panic inside a destructor, a
            // stack overflow): libtest never got to report the test itself.
            let test = running_test(&out.stdout).unwrap_or_else(|| "the test program".into());
            let status = out.status.map_or_else(String::new, |s| s.to_string());
            bad.push(format!("{test} (crashed: {status})"));
        }
        passed += ok;
        failed.extend(bad);
        if !out.success() {
            details.push_str(&failure_section(&out.stdout));
            details.push_str(&out.stderr);
        }
    }
    let total = passed + failed.len();
    if failed.is_empty() {
        let headline = match flavour {
            Flavour::Threads => format!("all {total} tests pass"),
            Flavour::Loom => format!("all {total} loom models hold in every interleaving"),
        };
        return Ok(Report { outcome: Outcome::Pass, reasons: vec![], headline, next: vec![], details: String::new() });
    }
    if details.contains("not yet implemented") {
        return Ok(Report::fail(
            "todo",
            format!("not done yet — {} of {total} tests reach a todo!() in your code", failed.len()),
            details,
        ));
    }
    Ok(match flavour {
        Flavour::Threads => Report::fail(
            "tests-failed",
            format!("wrong result — {} of {total} tests failed: {}", failed.len(), name_list(&failed)),
            details,
        ),
        Flavour::Loom => loom::model_failed(failed.len(), total, &name_list(&failed), details),
    })
}

/// Runs a cargo build; its JSON messages, or a compile-error report with
/// cargo's own rendering of the diagnostics.
pub fn cargo_build(ws: &Workspace, args: &[&str], what: &str) -> Result<Result<String, Report>> {
    build_with(Cmd::cargo_in(ws), args, what)
}

fn build_with(cargo: Cmd, args: &[&str], what: &str) -> Result<Result<String, Report>> {
    let build = cargo
        .args(args)
        .args(["--message-format=json-render-diagnostics", ui::cargo_colour_arg()])
        .capture(Duration::from_secs(1800))?;
    if build.success() {
        return Ok(Ok(build.stdout));
    }
    let headline = format!("{what} does not compile — cargo's messages are below");
    Ok(Err(Report::fail("compile-error", headline, build.stderr)))
}

/// Executables of the given target kind from cargo's JSON messages.
pub fn artifacts(cargo_json: &str, kind: &str) -> Vec<PathBuf> {
    cargo_json
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| m["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == kind)))
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .collect()
}

/// Passed count and failed names from libtest's output.
fn tally(stdout: &str) -> (usize, Vec<String>) {
    let (mut ok, mut failed) = (0, Vec::new());
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            let _ = name;
            ok += 1;
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            failed.push(name.to_string());
        }
    }
    (ok, failed)
}

/// The test that started and never finished (libtest with one test thread
/// prints `test name ... ` before running it).
fn running_test(stdout: &str) -> Option<String> {
    let last = stdout.lines().rev().find(|l| l.starts_with("test "))?;
    let name = last.strip_prefix("test ")?.trim_end().strip_suffix("...")?;
    Some(name.trim().to_string())
}

/// Each failed test's own output, condensed and cut to a screenful.
fn failure_section(stdout: &str) -> String {
    const LINES_PER_TEST: usize = 14;
    let start = stdout.find("\nfailures:\n").map_or(0, |i| i + 1);
    let mut out = String::new();
    for block in stdout[start..].split("\n---- ").skip(1) {
        let block = block.split("\n\nfailures:\n").next().unwrap_or(block);
        let condensed = condense(block.trim_end());
        let lines: Vec<String> = condensed.lines().filter(|l| !is_decoration(l)).map(shorten).collect();
        out.push_str("---- ");
        out.push_str(&lines[..lines.len().min(LINES_PER_TEST)].join("\n"));
        if lines.len() > LINES_PER_TEST {
            out.push_str(&format!("\n… ({} more lines)", lines.len() - LINES_PER_TEST));
        }
        out.push_str("\n\n");
    }
    out
}

/// A line cut to a readable length (a failed assert may print a whole input).
fn shorten(line: &str) -> String {
    const MAX: usize = 200;
    let chars = line.chars().count();
    if chars <= MAX {
        return line.to_string();
    }
    let cut = line.char_indices().nth(MAX).map_or(line.len(), |(i, _)| i);
    format!("{}… ({} more characters)", &line[..cut], chars - MAX)
}

/// insta's frame around a snapshot diff (rules of box-drawing characters):
/// it would take a failure's few lines of screen from the diff itself.
fn is_decoration(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && line.chars().all(|c| matches!(c, '─' | '━' | '┬' | '┴' | '┼' | '│' | ' '))
}

/// At most three names, then how many more.
fn name_list(names: &[String]) -> String {
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 3 { format!("{shown} and {} more", names.len() - 3) } else { shown }
}

/// Collapses runs of identical paragraphs (proptest prints one panic per
/// shrinking step) into one, marked with how often it repeated.
fn condense(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<(&str, usize)> = None;
    let flush = |out: &mut Vec<String>, last: Option<(&str, usize)>| {
        if let Some((paragraph, n)) = last {
            out.push(if n > 1 { format!("{paragraph}\n(the same {n} times)") } else { paragraph.to_string() });
        }
    };
    for paragraph in text.split("\n\n") {
        match last {
            Some((p, n)) if p == paragraph => last = Some((p, n + 1)),
            _ => {
                flush(&mut out, last);
                last = Some((paragraph, 1));
            }
        }
    }
    flush(&mut out, last);
    out.join("\n\n")
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let skip = all.len().saturating_sub(lines);
    let mut out = if skip > 0 { format!("… ({skip} lines above)\n") } else { String::new() };
    out.push_str(&all[skip..].join("\n"));
    out.push('\n');
    out
}

fn timing_gate(ws: &Workspace, ex: &Exercise, tests: Report) -> Result<Report> {
    let perf = ex.perf.as_ref().context("timing gate without [exercise.perf]")?;
    let package = ex.package();
    let args = ["build", "--release", "--package", "benches", "--features", &package, "--bench", &package];
    let build = match cargo_build(ws, &args, &format!("the timing harness of {package}"))? {
        Ok(stdout) => stdout,
        Err(report) => return Ok(report),
    };
    let exe = artifacts(&build, "bench").into_iter().next().context("cargo built no bench binary")?;
    let out = Cmd::new(&exe)
        .args(["--paired", "--size", &perf.check_size.to_string(), "--seed", "1"])
        .args(["--max-ratio", &perf.max_ratio.to_string(), "--parallel", &perf.parallel.to_string()])
        .args(["--budget-secs", &GATE_BUDGET_SECS.to_string()])
        .dir(&ws.root)
        .capture(Duration::from_secs_f64(GATE_BUDGET_SECS + 120.0))?;
    if out.timed_out() {
        return Ok(Report::fail(
            "timed-out",
            format!(
                "timed out in the timing run — likely a deadlock on the larger input ({})",
                out.stuck_threads.unwrap_or_default()
            ),
            out.stderr,
        ));
    }
    let gate: GateReport = serde_json::from_str(out.stdout.trim()).with_context(|| {
        format!("the timing harness gave no report (exit {:?}); its output:\n{}", out.status, out.stderr)
    })?;
    let table = gate_table(&gate, perf.max_ratio);
    let reasons: Vec<String> = gate.findings.iter().map(|f| f.reason.code()).collect();
    let messages: Vec<String> = gate.findings.iter().map(|f| f.message.clone()).collect();
    let summary = ratio_summary(&gate);
    let report = match gate.outcome {
        GateOutcome::Pass => Report {
            outcome: Outcome::Pass,
            reasons,
            headline: format!("passed: {} · {}", tests.headline, summary),
            next: vec![],
            details: table,
        },
        GateOutcome::Inconclusive => Report {
            outcome: Outcome::Warn,
            reasons,
            headline: format!("tests pass; timing inconclusive — {}", messages.join("; ")),
            next: vec!["this is a warning, not a failure: check again when the machine is idle".into()],
            details: table,
        },
        GateOutcome::Fail => Report {
            outcome: Outcome::Fail,
            reasons,
            headline: format!("tests pass, but {}", messages.join("; ")),
            next: vec![],
            details: table,
        },
    };
    Ok(report)
}

fn ratio_summary(g: &GateReport) -> String {
    match &g.ratio_to_reference {
        Some(r) => format!(
            "{:.2}× the reference's time (95% CI {:.2}–{:.2}), CPU/wall {:.2} (reference {:.2})",
            r.median, r.lo, r.hi, g.learner.cpu_per_wall, g.reference.cpu_per_wall
        ),
        None => "not timed".into(),
    }
}

fn gate_table(g: &GateReport, max_ratio: f64) -> String {
    if g.ratio_to_reference.is_none() {
        return String::new();
    }
    let baseline = if g.baseline == benches::SEQUENTIAL_BASELINE { "sequential" } else { g.baseline.as_str() };
    let mut t = format!("{:<14} {:>10} {:>9}\n", "", "median", "CPU/wall");
    for (name, s) in [("yours", &g.learner), ("reference", &g.reference), (baseline, &g.sequential)] {
        t.push_str(&format!("{name:<14} {:>10} {:>9.2}\n", ui::duration(s.median_seconds), s.cpu_per_wall));
    }
    if let (Some(r), Some(s)) = (&g.ratio_to_reference, &g.ratio_to_sequential) {
        t.push_str(&format!(
            "ratio to reference {:.3}× (95% CI {:.3}–{:.3}, limit {max_ratio:.2}×) · to {baseline} {:.2}× (CI {:.2}–{:.2})\n",
            r.median, r.lo, r.hi, s.median, s.lo, s.hi
        ));
    }
    t.push_str(&format!(
        "{} paired rounds ({} on a quiet machine) in {:.1} s · spin probe {:.2} CPU-s/s · {} cores · input {}B",
        g.rounds,
        g.quiet_rounds,
        g.elapsed_seconds,
        g.probe_cpu_per_wall,
        g.cores,
        ui::human(g.input_bytes as f64)
    ));
    t
}

pub fn print(ws: &Workspace, ex: &Exercise, report: &Report, done: usize) {
    let total = ws.manifest.exercises.len();
    let mark = match report.outcome {
        Outcome::Pass => ui::green("✓"),
        Outcome::Warn => ui::yellow("!"),
        Outcome::Fail => ui::red("✗"),
    };
    println!("{mark} {} {}", ui::bold(&ex.id), report.headline);
    for line in &report.next {
        println!("  {line}");
    }
    println!("  progress: {done}/{total} done");
    if !report.details.trim().is_empty() {
        println!("{}", ui::dim("── details ──"));
        println!("{}", report.details.trim_end());
    }
}

/// Ids of the exercises whose current files passed `check`.
pub fn done_ids(ws: &Workspace) -> std::collections::BTreeSet<String> {
    let cache = Cache::load(ws);
    ws.manifest.exercises.iter().filter(|ex| cache.is_done(ws, ex)).map(|ex| ex.id.clone()).collect()
}

/// Exercises that passed, keyed by id, with the fingerprint of their files.
#[derive(Default, serde::Serialize, Deserialize)]
struct Cache {
    passed: BTreeMap<String, String>,
}

impl Cache {
    fn path(ws: &Workspace) -> PathBuf {
        ws.target_dir().join("xtask/check-cache.json")
    }

    fn load(ws: &Workspace) -> Self {
        std::fs::read_to_string(Self::path(ws)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    fn fingerprint(ws: &Workspace, ex: &Exercise) -> Result<String> {
        let record = integrity::record_now(&ws.root, ex)?;
        let root = ws.root.to_string_lossy();
        Ok(integrity::blob_id(format!("{root}\n{record:?}").as_bytes()))
    }

    fn is_done(&self, ws: &Workspace, ex: &Exercise) -> bool {
        Self::fingerprint(ws, ex).is_ok_and(|f| self.passed.get(&ex.id) == Some(&f))
    }

    fn done_count(&self, ws: &Workspace) -> usize {
        ws.manifest.exercises.iter().filter(|ex| self.is_done(ws, ex)).count()
    }

    fn record(&mut self, ws: &Workspace, ex: &Exercise) -> Result<()> {
        self.passed.insert(ex.id.clone(), Self::fingerprint(ws, ex)?);
        let path = Self::path(ws);
        std::fs::create_dir_all(path.parent().expect("cache has a parent"))?;
        std::fs::write(&path, serde_json::to_string_pretty(self)?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_output_is_tallied() {
        let out = "running 3 tests\ntest a ... ok\ntest b ... FAILED\ntest c ... ok\n";
        assert_eq!(tally(out), (2, vec!["b".to_string()]));
    }

    #[test]
    fn repeated_panics_are_condensed() {
        let out = "a\n\npanic x\n\npanic x\n\npanic x\n\nb";
        assert_eq!(condense(out), "a\n\npanic x\n(the same 3 times)\n\nb");
    }

    #[test]
    fn long_lines_and_long_lists_are_cut() {
        let line = "x".repeat(1000);
        assert_eq!(shorten(&line), format!("{}… (800 more characters)", "x".repeat(200)));
        // Characters, not bytes: a rule of 220 three-byte '─' is 20 over.
        assert_eq!(shorten(&"─".repeat(220)), format!("{}… (20 more characters)", "─".repeat(200)));
        assert!(
            is_decoration("────────────┬──────") && is_decoration("  ━━━━ ") && !is_decoration("    0       │-old")
        );
        let names: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        assert_eq!(name_list(&names), "a, b, c and 2 more");
    }

    #[test]
    fn the_test_that_never_finished_is_named() {
        let out = "running 2 tests\ntest a ... ok\ntest matches_the_oracle ... ";
        assert_eq!(running_test(out).as_deref(), Some("matches_the_oracle"));
        assert_eq!(running_test("test a ... ok\n"), None);
    }
}
