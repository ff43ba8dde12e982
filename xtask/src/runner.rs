//! Builds an exercise and runs it under limits: the suite's test binaries
//! (each killed with its process group at the time limit) and the timing
//! harness. It gathers evidence; `verdict.rs` judges it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use benches::gate::{GateConfig, GateReport};
use benches::harness;

use crate::manifest::{Exercise, Workspace};
use crate::process::{Cmd, Stopped};
use crate::verdict::{Flavour, Stop, StopKind, SuiteRun};
use crate::{loom, report, ui};

/// Seconds the gate may add rounds before it says "inconclusive".
pub const GATE_BUDGET_SECS: f64 = 10.0;

/// `verify` checks several exercises at a time. Builds and test runs may share
/// the machine; a timing gate must have it to itself, or the other lane's
/// work would be measured as the learner's. Everything that starts programs
/// here holds this lock: the gate for writing, the rest for reading (std's
/// lock lets a waiting writer in before new readers). Uncontended in `check`.
static MACHINE: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub fn sharing_the_machine<T>(work: impl FnOnce() -> T) -> T {
    if HOLDS_THE_MACHINE.get() {
        return work();
    }
    let _shared = MACHINE.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    work()
}

std::thread_local! {
    /// Whether this thread runs inside `alone_on_the_machine`: its programs
    /// then run without asking again (the lock is not re-entrant).
    static HOLDS_THE_MACHINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Milliseconds work has held the machine alone, in this process.
static ALONE_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs `work` (a gate; or builds and tests whose verdict a busy machine
/// leaves open, such as "never finished") with the machine to itself.
pub fn alone_on_the_machine<T>(work: impl FnOnce() -> T) -> T {
    if HOLDS_THE_MACHINE.get() {
        return work();
    }
    let _alone = MACHINE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    HOLDS_THE_MACHINE.set(true);
    // Builds started ahead at idle priority (`cargo xtask test`) stop meanwhile.
    crate::process::pause_idle_work();
    // Reset however `work` ends, a panic included.
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            crate::process::resume_idle_work();
            HOLDS_THE_MACHINE.set(false);
        }
    }
    let _release = Release;
    let started = std::time::Instant::now();
    let result = work();
    ALONE_MS.fetch_add(started.elapsed().as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
    result
}

/// How long work has had the machine to itself so far (`alone_on_the_machine`).
pub fn time_alone() -> Duration {
    Duration::from_millis(ALONE_MS.load(std::sync::atomic::Ordering::Relaxed))
}

/// What a cargo build gave: its JSON messages, or cargo's rendered errors.
pub enum Build {
    Built(String),
    Failed(String),
}

/// Runs a cargo build with JSON messages and cargo's own rendering of errors.
pub fn cargo_build(ws: &Workspace, args: &[&str]) -> Result<Build> {
    build_with(Cmd::cargo_in(ws), args)
}

fn build_with(cargo: Cmd, args: &[&str]) -> Result<Build> {
    let build = cargo.args(args).args(["--message-format=json-render-diagnostics", ui::cargo_colour_arg()]);
    let build = sharing_the_machine(|| build.capture(Duration::from_secs(1800)))?;
    Ok(if build.success() { Build::Built(build.stdout) } else { Build::Failed(build.stderr) })
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

/// The Cargo profile the exercises' tests are built with (see Cargo.toml).
pub const SUITE_PROFILE: &str = "suite";

/// The cargo arguments that build the test programs of `package` (the suite
/// and what it starts); `prefetch` runs the same, so a check finds them fresh.
pub fn suite_build_args(package: &str, flavour: Flavour) -> Vec<&str> {
    let mut args = vec!["test", "--profile", SUITE_PROFILE, "--no-run", "--package", package];
    if flavour == Flavour::Loom {
        args.extend(loom::FEATURE);
    }
    args
}

/// Builds the test programs of `package`, sharing the machine.
pub fn build_suite(ws: &Workspace, package: &str, flavour: Flavour) -> Result<Build> {
    build_with(Cmd::cargo_in(ws), &suite_build_args(package, flavour))
}

/// Builds the suite of `ex` against `package` (the learner's crate or the
/// reference) and runs each test binary under the exercise's time limit.
/// `Err(stderr)` inside: the suite does not compile.
/// `snapshot_references`: where insta lists every snapshot file it read.
pub fn run_suite(
    ws: &Workspace,
    ex: &Exercise,
    package: &str,
    crate_dir: &Path,
    snapshot_references: Option<&Path>,
    flavour: Flavour,
) -> Result<std::result::Result<SuiteRun, String>> {
    let build = match build_suite(ws, package, flavour)? {
        Build::Built(json) => json,
        Build::Failed(stderr) => return Ok(Err(stderr)),
    };
    let executables = artifacts(&build, "test");
    anyhow::ensure!(!executables.is_empty(), "cargo built no test binary for {package}");
    let limit = Duration::from_secs(ex.test_timeout_secs());
    let mut run =
        SuiteRun { flavour, passed: 0, failed: Vec::new(), reached_todo: false, stop: None, details: String::new() };
    let test_binary = |exe: &Path| {
        let mut cmd = Cmd::new(exe)
            .stop_when_stuck()
            .arg("--test-threads=1")
            .env("INSTA_UPDATE", "no")
            .env("INSTA_WORKSPACE_ROOT", &ws.root)
            .env("RUST_BACKTRACE", "0")
            .dir(crate_dir);
        if let Some(file) = snapshot_references {
            cmd = cmd.env("INSTA_SNAPSHOT_REFERENCES_FILE", file);
        }
        cmd
    };
    for exe in executables {
        let out = sharing_the_machine(|| test_binary(&exe).capture(limit))?;
        let (ok, mut bad) = tally(&out.stdout);
        if out.timed_out() {
            // libtest prints why a test failed only at the end, which a hang
            // never reaches: the tests that failed before it run again, alone.
            if !bad.is_empty() {
                let again = sharing_the_machine(|| test_binary(&exe).arg("--exact").args(&bad).capture(limit))?;
                run.details.push_str(&report::failures(&again.stdout));
            }
            run.passed += ok;
            run.failed.extend(bad);
            // A suite can also say why on stderr.
            run.details.push_str(&format!("the test output before the stop:\n{}", report::tail(&out.stdout, 40)));
            if !out.stderr.trim().is_empty() {
                run.details
                    .push_str(&format!("\nwhat the tests printed on stderr:\n{}", report::tail(&out.stderr, 20)));
            }
            run.stop = Some(Stop {
                kind: stop_kind(out.stopped),
                after_secs: out.ran_for.as_secs().max(1),
                test: running_test(&out.stdout),
                threads: out.stuck_threads.clone().unwrap_or_default(),
            });
            return Ok(Ok(run));
        }
        if !out.success() && bad.is_empty() {
            // Killed by a signal or aborted (a panic inside a destructor, a
            // stack overflow): libtest never got to report the test itself.
            let test = running_test(&out.stdout).unwrap_or_else(|| "the test program".into());
            let status = out.status.map_or_else(String::new, |s| s.to_string());
            bad.push(format!("{test} (crashed: {status})"));
        }
        run.passed += ok;
        run.failed.extend(bad);
        if !out.success() {
            run.details.push_str(&report::failures(&out.stdout));
            run.details.push_str(&out.stderr);
            run.reached_todo |=
                out.stdout.contains("not yet implemented") || out.stderr.contains("not yet implemented");
        }
    }
    Ok(Ok(run))
}

/// How a program stopped at its limit was behaving (`process.rs` samples it).
fn stop_kind(stopped: Option<Stopped>) -> StopKind {
    match stopped {
        Some(Stopped::Running) => StopKind::Running,
        Some(Stopped::MachineBusy) => StopKind::MachineBusy,
        Some(Stopped::Blocked) | None => StopKind::Blocked,
    }
}

/// Passed count and failed names from libtest's output.
fn tally(stdout: &str) -> (usize, Vec<String>) {
    let (mut ok, mut failed) = (0, Vec::new());
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        if rest.ends_with(" ... ok") {
            ok += 1;
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            failed.push(test_name(name));
        }
    }
    (ok, failed)
}

/// A test's name as written in the suite: libtest adds ` - should panic` to
/// a `#[should_panic]` test's line.
fn test_name(shown: &str) -> String {
    shown.trim().trim_end_matches(" - should panic").to_string()
}

/// The test that started and never finished (libtest with one test thread
/// prints `test name ... ` before running it).
fn running_test(stdout: &str) -> Option<String> {
    let last = stdout.lines().rev().find(|l| l.starts_with("test "))?;
    let name = last.strip_prefix("test ")?.trim_end().strip_suffix("...")?;
    Some(test_name(name))
}

/// What a bench binary in harness mode gave.
pub enum Harness {
    Report(Box<harness::Report>),
    /// It ran out of time: what its threads were doing, and its stderr.
    Stopped(Stop, String),
}

/// Runs a bench binary in harness mode: the request goes in through an
/// environment variable and the report comes back in a file of its own, so
/// whatever the learner's code prints on stdout or stderr changes nothing.
/// The binary leads its own process group (`Cmd::capture`), which the busy
/// probe counts as ours. `env`: more variables for the binary (the worker
/// programs `bench` built, [`benches::WORKER_ENV`]).
pub fn run_harness(
    ws: &Workspace,
    exe: &Path,
    request: &harness::Request,
    limit: Duration,
    env: &[(&str, PathBuf)],
) -> Result<Harness> {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let report = ws.target_dir().join("xtask/harness").join(format!("{}-{n}.json", std::process::id()));
    std::fs::create_dir_all(report.parent().expect("a file has a folder"))?;
    let _ = std::fs::remove_file(&report);
    let out = Cmd::new(exe)
        .env(harness::REQUEST_ENV, request.to_env_value())
        .env(harness::REPORT_ENV, &report)
        .envs(env)
        .dir(&ws.root)
        .capture(limit)?;
    if out.timed_out() {
        let stop = Stop {
            kind: stop_kind(out.stopped),
            after_secs: out.ran_for.as_secs().max(1),
            test: Some("the timing run".into()),
            threads: out.stuck_threads.clone().unwrap_or_default(),
        };
        return Ok(Harness::Stopped(stop, out.stderr));
    }
    let read = harness::read_report(&report);
    let _ = std::fs::remove_file(&report);
    let report = read.map_err(|e| {
        anyhow::anyhow!(
            "{e}
the bench binary exited with {:?}; the end of its stderr:
{}",
            out.status,
            report::tail(&out.stderr, 20)
        )
    })?;
    Ok(Harness::Report(Box::new(report)))
}

/// What the timing harness gave.
pub enum Timing {
    Report(Box<GateReport>),
    /// It ran out of time.
    Stopped(Stop, String),
}

/// The cargo arguments that build `package`'s bench binary: the timing
/// gate's build has no criterion (a learner's first gate build took 13 s
/// where it took 45 s with it, cold, on 2 cores); `bench`'s has it, for
/// criterion's report (`bench --quick` has no criterion detail and uses the
/// gate's). `prefetch` runs both, so neither waits later.
pub fn harness_build_args(package: &str, with_criterion: bool) -> Vec<&str> {
    let mut args = vec!["build", "--release", "--package", "benches"];
    if !with_criterion {
        args.push("--no-default-features");
    }
    args.extend(["--features", package, "--bench", package]);
    args
}

/// Builds the timing harness of `ex`, sharing the machine like any build:
/// the bench binary, or (inside) cargo's messages when it does not compile.
pub fn build_gate(ws: &Workspace, ex: &Exercise) -> Result<std::result::Result<PathBuf, String>> {
    let package = ex.package();
    Ok(match cargo_build(ws, &harness_build_args(&package, false))? {
        Build::Built(json) => {
            Ok(artifacts(&json, "bench").into_iter().next().context("cargo built no bench binary")?)
        }
        Build::Failed(stderr) => Err(stderr),
    })
}

/// Runs the gate of `ex` in the harness `exe` (from `build_gate`), alone on the machine.
pub fn run_gate(ws: &Workspace, ex: &Exercise, exe: &Path) -> Result<Timing> {
    let perf = ex.perf.as_ref().context("timing gate without [exercise.perf]")?;
    let config = GateConfig {
        max_ratio: perf.max_ratio,
        parallel: perf.parallel,
        budget: Duration::from_secs_f64(GATE_BUDGET_SECS),
        ..GateConfig::default()
    };
    let request = harness::Request::Gate { size: perf.check_size as usize, seed: 1, config };
    let limit = Duration::from_secs_f64(GATE_BUDGET_SECS + 120.0);
    let run = alone_on_the_machine(|| run_harness(ws, exe, &request, limit, &[]))?;
    Ok(match run {
        Harness::Stopped(stop, stderr) => Timing::Stopped(stop, stderr),
        Harness::Report(report) => match *report {
            harness::Report::Gate(gate) => Timing::Report(Box::new(gate)),
            harness::Report::Error(e) => anyhow::bail!("the timing harness of {} failed: {e}", ex.id),
            other => anyhow::bail!("the timing harness answered a gate request with {other:?}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_output_is_tallied() {
        let out =
            "running 4 tests\ntest a ... ok\ntest b ... FAILED\ntest c ... ok\ntest d - should panic ... FAILED\n";
        assert_eq!(tally(out), (2, vec!["b".to_string(), "d".to_string()]));
    }

    #[test]
    fn only_bench_builds_the_harness_with_criterion() {
        let gate = harness_build_args("word-count", false);
        let bench = harness_build_args("word-count", true);
        assert!(gate.contains(&"--no-default-features"), "{gate:?}");
        assert!(!bench.contains(&"--no-default-features"), "{bench:?}");
        for args in [&gate, &bench] {
            assert!(args.windows(2).any(|w| w == ["--features", "word-count"]), "{args:?}");
            assert!(args.windows(2).any(|w| w == ["--bench", "word-count"]), "{args:?}");
        }
    }

    #[test]
    fn the_test_that_never_finished_is_named() {
        let out = "running 2 tests\ntest a ... ok\ntest matches_the_oracle ... ";
        assert_eq!(running_test(out).as_deref(), Some("matches_the_oracle"));
        assert_eq!(running_test("test a ... ok\n"), None);
    }
}
