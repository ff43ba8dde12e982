//! `cargo xtask bench [ID…|--all] [--name NAME] [--export [FILE]] [--submit URL --room CODE] [--quick]`:
//! for each timed exercise, on its bench-size input, the learner's crate, the
//! reference and the sequential baseline in paired rounds, the Python
//! baselines as subprocesses, and criterion for detail — with machine probes
//! from the same run, so results from different laptops can be compared.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use benches::bench_run::{BenchConfig, BenchRun, LearnerStatus};
use benches::harness;
use benches::probe::{self, Probes};

use crate::data::{self, InputFile};
use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;
use crate::python::{self, Python};
use crate::results::{self, ExerciseResult, Implementation, MachineInfo, Results, Tools};
use crate::runner::{self, Build, Harness};
use crate::{integrity, ui};

#[derive(Clone)]
pub struct Options {
    pub ids: Vec<String>,
    pub all: bool,
    pub name: Option<String>,
    /// `Some(None)`: export to `results/<name>.json`.
    pub export: Option<Option<PathBuf>>,
    pub force: bool,
    pub quick: bool,
    /// Send the record to a live workshop (`cargo xtask serve`) too.
    pub submit: Option<crate::submit::Target>,
}

/// Rounds and budgets: `--quick` measures less, on the same input.
struct Effort {
    min_rounds: usize,
    budget_secs: f64,
    python_rounds: usize,
    /// criterion's settings; `None`: no criterion detail, and the harness is
    /// the timing gate's build (no criterion in it), so a `bench --quick`
    /// after `check` compiles nothing.
    criterion: Option<[&'static str; 4]>,
}

const FULL: Effort = Effort {
    min_rounds: 10,
    budget_secs: 20.0,
    python_rounds: 3,
    criterion: Some(["--warm-up-time", "1", "--measurement-time", "3"]),
};
const QUICK: Effort = Effort { min_rounds: 3, budget_secs: 3.0, python_rounds: 1, criterion: None };

pub fn run(ws: &Workspace, options: &Options) -> Result<ExitCode> {
    let exercises = select(ws, options)?;
    let participant = participant_name(options.name.as_deref())?;
    let export = export_path(ws, options, &participant)?;
    if let Some(target) = &options.submit {
        // A mistyped address is said now, not after minutes of measuring.
        workbench_results::http::Url::parse(&target.url).map_err(anyhow::Error::msg)?;
    }
    let effort = if options.quick { &QUICK } else { &FULL };

    ui::status("probing the machine: memory read bandwidth over 1 GiB, one core's speed");
    let machine = probe::machine();
    let probes = probe::run();
    ui::clear_status();
    let python = Python::detect(&ws.root);

    // One exercise's trouble (a harness that fails, a disk that fills) is
    // reported and the others are still measured.
    let (mut measured, mut failed) = (Vec::new(), Vec::new());
    for (i, ex) in exercises.iter().enumerate() {
        let step = format!("[{}/{}] {}", i + 1, exercises.len(), ex.id);
        match bench_exercise(ws, ex, &probes, python.as_ref(), effort, &step) {
            Ok(result) => measured.push(result),
            Err(e) => {
                ui::clear_status();
                anstream::eprintln!("{} {}: {e:#}", ui::red("✗"), ex.id);
                failed.push(ex.id.clone());
            }
        }
    }
    let results = Results {
        schema: results::SCHEMA.into(),
        schema_version: results::SCHEMA_VERSION,
        participant,
        created_utc: results::now_utc(),
        quick: options.quick,
        machine: MachineInfo { fingerprint: fingerprint(&machine), described: machine },
        probes,
        tools: tools(ws, python.as_ref(), &exercises),
        exercises: measured,
    };
    print_report(&results, export.as_deref());
    let json = serde_json::to_string_pretty(&results)?;
    let last = ws.target_dir().join("xtask/last-bench.json");
    std::fs::create_dir_all(last.parent().expect("has a parent"))?;
    std::fs::write(&last, &json)?;
    if let Some(path) = export {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        let mut partial = crate::fsutil::PartialFile::beside(&path)?;
        std::io::Write::write_all(partial.file(), json.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        partial.commit(&path)?;
    }
    // The same bytes as the export: one record, however it travels.
    let submitted = options.submit.as_ref().is_none_or(|target| {
        match crate::submit::deliver(json.as_bytes(), &results.participant, target, &crate::submit::unsent_dir(ws)) {
            Ok(outcome) => crate::submit::report(&outcome, target),
            Err(e) => {
                anstream::eprintln!("{} could not submit: {e:#}", ui::red("✗"));
                false
            }
        }
    });
    if !submitted {
        Ok(ExitCode::FAILURE)
    } else if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        anstream::eprintln!("{} could not measure {}: see the lines marked ✗ above", ui::red("✗"), failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

/// Named exercises, or every timed one.
fn select<'a>(ws: &'a Workspace, options: &Options) -> Result<Vec<&'a Exercise>> {
    if options.all && !options.ids.is_empty() {
        bail!("give exercise ids or --all, not both");
    }
    if options.ids.is_empty() {
        return Ok(ws.manifest.exercises.iter().filter(|ex| ex.benched()).collect());
    }
    let mut chosen = Vec::new();
    for id in &options.ids {
        let ex = ws.manifest.find(id)?;
        if !ex.benched() {
            bail!("{} has no timing workload ([exercise.perf] in exercises.toml), so there is nothing to bench", ex.id);
        }
        chosen.push(ex);
    }
    Ok(chosen)
}

fn participant_name(name: Option<&str>) -> Result<String> {
    let name = match name {
        Some(n) => n.to_string(),
        None => std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "participant".into()),
    };
    let name = name.trim().to_string();
    // The rules every reader of the results holds a name to (compare, the workshop server).
    workbench_results::validate::check_name(&name).map_err(|e| anyhow::anyhow!("--name: {}", e.message))?;
    Ok(name)
}

/// Where to export, refusing before any measuring to overwrite a file silently.
fn export_path(ws: &Workspace, options: &Options, participant: &str) -> Result<Option<PathBuf>> {
    let Some(export) = &options.export else { return Ok(None) };
    if let Some(given) = export
        && let Some(name) = given.to_str()
        && ws.manifest.find(name).is_ok()
    {
        bail!(
            "--export {name}: that is an exercise, not a file — put the exercises first (`cargo xtask bench \
             {name} --export`), or name the file (`--export results/me.json`)"
        );
    }
    let path = export.clone().unwrap_or_else(|| ws.root.join("results").join(format!("{participant}.json")));
    crate::fsutil::refuse_unless_regular(&path)?;
    if path.exists() && !options.force {
        bail!(
            "{} exists and is kept; add --force to replace it, or choose another file with --export FILE",
            path.display()
        );
    }
    Ok(Some(path))
}

fn bench_exercise(
    ws: &Workspace,
    ex: &Exercise,
    probes: &Probes,
    python: Option<&Python>,
    effort: &Effort,
    step: &str,
) -> Result<ExerciseResult> {
    let perf = ex.perf.as_ref().expect("selected exercises are timed");
    ui::status(&format!("{step}: input ({} {} of {})", perf.bench_size, datagen_unit(&perf.datagen), perf.datagen));
    let input = data::bench_input(ws, perf)?;
    ui::status(&format!("{step}: building"));
    let package = ex.package();
    let build = runner::cargo_build(ws, &runner::harness_build_args(&package, effort.criterion.is_some()))?;
    let exe = match build {
        Build::Built(json) => {
            runner::artifacts(&json, "bench").into_iter().next().context("cargo built no bench binary")?
        }
        Build::Failed(stderr) => {
            // Only the learner's own compile error makes an exercise "not solved";
            // a broken harness is this repository's bug and must not hide as one.
            if let Build::Built(_) = runner::cargo_build(ws, &["build", "--release", "--package", &package])? {
                bail!("the benchmark harness of {} does not compile:\n{stderr}", ex.id);
            }
            let message = format!("does not compile — `cargo xtask check {}` shows cargo's messages", ex.id);
            return Ok(not_timed(ex, input, LearnerStatus::DoesNotCompile, message));
        }
    };

    let workers = worker_programs(ws, ex)?;

    ui::status(&format!("{step}: paired rounds (yours, reference, sequential)"));
    let run = match paired_rounds(ws, &exe, &input, effort, &workers)? {
        Ok(run) => run,
        Err(stuck) => return Ok(not_timed(ex, input, LearnerStatus::Wrong, stuck)),
    };
    let solved = run.learner_status == LearnerStatus::Solved;
    let implementations: Vec<Implementation> = run
        .implementations
        .iter()
        .map(|m| Implementation {
            name: m.name.clone(),
            stats: m.stats.clone(),
            throughput_bytes_per_second: input.bytes as f64 / m.stats.median_seconds.max(1e-12),
        })
        .collect();
    let share = |name: &str| {
        implementations
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.throughput_bytes_per_second / probes.memory_read_bytes_per_second)
    };

    let (python_results, python_missing, python_skipped) =
        run_python(ws, ex, python, &input, &run.reference_digest, effort, step);
    let learner_median = implementations.iter().find(|i| i.name == "learner").map(|i| i.stats.median_seconds);
    let speedup_vs_python = match (python_results.iter().find(|p| p.correct), learner_median) {
        (Some(p), Some(l)) => Some(p.compute_seconds / l),
        _ => None,
    };

    let criterion_report = match effort.criterion {
        Some(settings) => {
            ui::status(&format!("{step}: criterion detail"));
            criterion(ws, &exe, &input, solved, ex, settings, &workers).unwrap_or_else(|e| {
                ui::clear_status();
                anstream::eprintln!("{} {}: no criterion detail: {e:#}", ui::yellow("!"), ex.id);
                None
            })
        }
        None => None,
    };
    ui::clear_status();
    Ok(ExerciseResult {
        id: ex.id.clone(),
        input,
        learner_status: run.learner_status,
        learner_message: run.learner_message,
        correct: solved,
        rounds: run.rounds,
        quiet_rounds: run.quiet_rounds,
        probe_cpu_per_wall: run.probe_cpu_per_wall,
        python: python_results,
        python_missing,
        python_skipped,
        speed_vs_reference: run.speed_vs_reference,
        speedup_vs_sequential: run.speedup_vs_sequential,
        reference_speedup_vs_sequential: Some(run.reference_speedup_vs_sequential),
        speedup_vs_python,
        bandwidth_share: share("learner"),
        reference_bandwidth_share: share("reference"),
        criterion_report,
        implementations,
        baseline: (run.baseline != benches::SEQUENTIAL_BASELINE).then_some(run.baseline),
    })
}

fn datagen_unit(kind: &str) -> &'static str {
    kind.parse::<datagen::Kind>().map_or("units", |k| k.unit())
}

/// An exercise whose learner crate could not be measured at all.
fn not_timed(ex: &Exercise, input: InputFile, status: LearnerStatus, message: String) -> ExerciseResult {
    ExerciseResult {
        learner_message: Some(message),
        python_missing: Some("not run: nothing to compare with".into()),
        ..ExerciseResult::unmeasured(&ex.id, input, status)
    }
}

/// For an exercise whose API starts a worker program (`perf.worker`): the
/// learner's and the reference's programs, built now — cargo builds a
/// package's `[[bin]]` only when asked, never for the bench that depends on
/// its library — and handed to the bench binary as the variables it reads
/// (`benches::worker_program`). The exact files cargo reports, so a stale copy
/// is never run. Two invocations: an exercise and its solution are never top-level
/// packages of one build.
fn worker_programs(ws: &Workspace, ex: &Exercise) -> Result<Vec<(&'static str, PathBuf)>> {
    let Some(worker) = ex.perf.as_ref().and_then(|p| p.worker.as_ref()) else { return Ok(Vec::new()) };
    let reference = format!("{worker}-solution");
    let mut programs = Vec::new();
    for (var, package, bin) in [
        (benches::LEARNER_WORKER_ENV, ex.package(), worker.as_str()),
        (benches::REFERENCE_WORKER_ENV, ex.solution_package(), reference.as_str()),
    ] {
        let json = match runner::cargo_build(ws, &["build", "--release", "--package", &package, "--bin", bin])? {
            Build::Built(json) => json,
            Build::Failed(stderr) => bail!("the worker program {bin} does not build:\n{stderr}"),
        };
        let exe = runner::artifacts(&json, "bin").into_iter().next().context("cargo built no worker program")?;
        programs.push((var, exe));
    }
    Ok(programs)
}

/// The bench binary's report; `Ok(Err(message))` when the learner's code hung.
fn paired_rounds(
    ws: &Workspace,
    exe: &Path,
    input: &InputFile,
    effort: &Effort,
    workers: &[(&str, PathBuf)],
) -> Result<Result<BenchRun, String>> {
    let limit = Duration::from_secs_f64(effort.budget_secs + 600.0);
    let config = BenchConfig {
        min_rounds: effort.min_rounds,
        budget: Duration::from_secs_f64(effort.budget_secs),
        ..BenchConfig::default()
    };
    let request = harness::Request::BenchRun { input: input.path.clone(), config };
    match runner::run_harness(ws, exe, &request, limit, workers)? {
        Harness::Stopped(stop, _) => Ok(Err(format!(
            "stopped after {} s — likely a deadlock ({}); `cargo xtask check` finds it faster",
            stop.after_secs, stop.threads
        ))),
        Harness::Report(report) => match *report {
            harness::Report::BenchRun(run) => Ok(Ok(run)),
            harness::Report::Error(e) => bail!("the benchmark of {} failed: {e}", input.path.display()),
            other => bail!("the benchmark answered a bench request with {other:?}"),
        },
    }
}

fn run_python(
    ws: &Workspace,
    ex: &Exercise,
    python: Option<&Python>,
    input: &InputFile,
    digest: &str,
    effort: &Effort,
    step: &str,
) -> (Vec<results::PythonResult>, Option<String>, Vec<String>) {
    let Some(name) = ex.perf.as_ref().and_then(|p| p.python.as_ref()) else {
        return (Vec::new(), Some("no Python baseline for this exercise".into()), Vec::new());
    };
    let Some(python) = python else {
        return (Vec::new(), Some("python3 not found — install Python 3 to see the baseline".into()), Vec::new());
    };
    let script = ws.root.join("baselines/python").join(format!("{name}.py"));
    let (modes, skipped) = match python::modes(python, &script) {
        Ok(modes) => modes,
        Err(e) => return (Vec::new(), Some(format!("{e:#}")), Vec::new()),
    };
    let skipped = skipped
        .into_iter()
        .map(|mode| {
            format!(
                "{mode} column skipped: `import {mode}` fails here (`cargo xtask prefetch` installs it into {})",
                python::VENV
            )
        })
        .collect();
    let (mut done, mut problems) = (Vec::new(), Vec::new());
    for mode in modes {
        ui::status(&format!("{step}: Python {mode} ({} rounds)", effort.python_rounds));
        match python::run(python, &script, &input.path, &mode, effort.python_rounds, digest) {
            Ok((result, got)) => {
                if !result.correct {
                    problems.push(format!("{mode}: its answer `{got}` differs from the reference's `{digest}`"));
                }
                done.push(result);
            }
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    (done, (!problems.is_empty()).then(|| problems.join("; ")), skipped)
}

/// Criterion's group with short settings on the same file; its HTML report.
fn criterion(
    ws: &Workspace,
    exe: &Path,
    input: &InputFile,
    solved: bool,
    ex: &Exercise,
    settings: [&str; 4],
    workers: &[(&str, PathBuf)],
) -> Result<Option<String>> {
    let home = ws.target_dir().join("criterion");
    let mut cmd = Cmd::new(exe)
        .quiet()
        .arg("--bench")
        .args(settings)
        .env("WORKBENCH_INPUT", &input.path)
        .env("CRITERION_HOME", &home)
        .envs(workers)
        .dir(&ws.root);
    if !solved {
        cmd = cmd.env("WORKBENCH_SKIP_LEARNER", "1");
    }
    let out = cmd.capture(Duration::from_secs(600))?;
    if !out.success() {
        bail!("criterion failed for {}:\n{}", ex.id, out.stderr);
    }
    let report = home.join(&ex.id).join("report/index.html");
    Ok(report.exists().then(|| integrity::relative(&ws.root, &report)))
}

fn fingerprint(m: &probe::Machine) -> String {
    let mut host = [0u8; 256];
    // SAFETY: the buffer is valid for its whole length; gethostname writes at
    // most that many bytes.
    let rc = unsafe { libc::gethostname(host.as_mut_ptr().cast(), host.len()) };
    let host = if rc == 0 { host.split(|&b| b == 0).next().unwrap_or_default().to_vec() } else { Vec::new() };
    let text =
        format!("{}\n{}\n{}\n{:?}\n{}", String::from_utf8_lossy(&host), m.cpu_model, m.cores, m.memory_bytes, m.os);
    integrity::blob_id(text.as_bytes())[..16].to_string()
}

/// The protected files (shared, and of the measured exercises) that differ from the published ones.
fn modified_files(ws: &Workspace, exercises: &[&Exercise]) -> Vec<String> {
    let pristine = match integrity::Pristine::load_checked(ws) {
        Ok(Ok(pristine)) => pristine,
        Ok(Err(edit)) => return vec![edit.describe()],
        Err(e) => return vec![format!("{}: {e:#}", integrity::FILE)],
    };
    let mut modified: Vec<String> = exercises
        .iter()
        .flat_map(|ex| pristine.edits(&ws.root, ex).unwrap_or_default())
        .map(|edit| edit.describe())
        .collect();
    modified.sort();
    modified.dedup();
    modified
}

fn tools(ws: &Workspace, python: Option<&Python>, exercises: &[&Exercise]) -> Tools {
    Tools {
        checker_digest: Some(ws.pristine_digest.clone()),
        modified: modified_files(ws, exercises),
        workbench: env!("CARGO_PKG_VERSION").to_string(),
        rustc: Cmd::new("rustc").arg("--version").output_if_ok().unwrap_or_else(|| "unknown".into()),
        python: python.map(|p| p.version.clone()),
        numpy: python.and_then(|p| p.numpy.clone()),
        polars: python.and_then(|p| p.polars.clone()),
        duckdb: python.and_then(|p| p.duckdb.clone()),
        git_commit: Cmd::new("git").args(["rev-parse", "--short", "HEAD"]).dir(&ws.root).output_if_ok(),
    }
}

fn print_report(r: &Results, export: Option<&Path>) {
    let solved = r.exercises.iter().filter(|e| e.learner_status == LearnerStatus::Solved).count();
    anstream::println!(
        "{} bench: {} exercise(s), {solved} solved · {} · {} cores · memory read {} ({} on one thread)",
        ui::green("✓"),
        r.exercises.len(),
        r.machine.described.cpu_model,
        r.machine.described.cores,
        ui::throughput(r.probes.memory_read_bytes_per_second),
        ui::throughput(r.probes.memory_read_one_thread_bytes_per_second),
    );
    match export {
        Some(path) => {
            anstream::println!(
                "  exported to {} — a trainer compares a room with `cargo xtask compare DIR`",
                path.display()
            )
        }
        None => anstream::println!("  to share these results: `cargo xtask bench --name YOUR-NAME --export`"),
    }
    if r.quick {
        anstream::println!("  --quick: fewer rounds on the same input, so wider intervals");
    }
    for e in &r.exercises {
        anstream::println!();
        print_exercise(e, r.probes.memory_read_bytes_per_second, r.machine.described.cores);
    }
    if let Some(line) = python_summary(&r.exercises) {
        anstream::println!();
        anstream::println!("{line}");
    }
}

/// The Python modes that are not the standard library: the tools a Python
/// user installs. The others (`pool`, `pipe`, `queue`, …) are `multiprocessing`.
const INSTALLED_PYTHON_MODES: [&str; 3] = ["numpy", "polars", "duckdb"];

/// The reference's speed over the best correct Python column, per exercise
/// that has both, as a geometric mean: "how much faster than what you do
/// today" — and under it the same against the standard library alone.
fn python_summary(exercises: &[ExerciseResult]) -> Option<String> {
    let best = speedups_over_python(exercises, |_| true)?;
    let mut text = format!(
        "{} the references against the best Python column: {}",
        ui::bold("Rust vs Python:"),
        describe_speedups(&best)
    );
    // Only when an installed tool was the best somewhere: otherwise it is the line above again.
    if let Some(stdlib) = speedups_over_python(exercises, |mode| !INSTALLED_PYTHON_MODES.contains(&mode))
        && stdlib != best
    {
        text.push_str(&format!(
            "\n  against the standard library's `multiprocessing` alone (no NumPy, Polars or DuckDB): {}",
            describe_speedups(&stdlib)
        ));
    }
    Some(text)
}

/// Per exercise, the best correct Python column among the modes `counts`
/// keeps, over the reference's time; `None` if no exercise has both.
fn speedups_over_python(exercises: &[ExerciseResult], counts: impl Fn(&str) -> bool) -> Option<Vec<(f64, &str)>> {
    let ratios: Vec<(f64, &str)> = exercises
        .iter()
        .filter_map(|e| {
            let reference = e.implementations.iter().find(|i| i.name == "reference")?.stats.median_seconds;
            let best =
                e.python.iter().filter(|p| p.correct && counts(&p.mode)).map(|p| p.compute_seconds).reduce(f64::min)?;
            (reference > 0.0).then_some((best / reference, e.id.as_str()))
        })
        .collect();
    (!ratios.is_empty()).then_some(ratios)
}

/// "4.0× faster (geometric mean over 2 exercises; from 2.0× in 01-a to 8.0× in 02-b)".
fn describe_speedups(ratios: &[(f64, &str)]) -> String {
    let mean = (ratios.iter().map(|(r, _)| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    let lowest = ratios.iter().min_by(|a, b| a.0.total_cmp(&b.0)).expect("at least one ratio");
    let highest = ratios.iter().max_by(|a, b| a.0.total_cmp(&b.0)).expect("at least one ratio");
    let over = match ratios.len() {
        1 => format!("one exercise, {}", lowest.1),
        n => format!(
            "geometric mean over {n} exercises; from {:.1}× in {} to {:.1}× in {}",
            lowest.0, lowest.1, highest.0, highest.1
        ),
    };
    format!("{mean:.1}× faster ({over})")
}

fn print_exercise(e: &ExerciseResult, bandwidth: f64, cores: usize) {
    anstream::println!(
        "{} — {} × {} ({}B, input hash {}) · {} paired rounds ({} quiet)",
        ui::bold(&e.id),
        e.input.kind,
        e.input.size,
        ui::human(e.input.bytes as f64),
        e.input.hash.get(..8).unwrap_or(&e.input.hash),
        e.rounds,
        e.quiet_rounds
    );
    if e.quiet_rounds == 0 && e.speed_vs_reference.is_some() {
        anstream::println!(
            "  {} no quiet round: the machine was busy in every one — `compare` leaves this time out; run again \
             with less running",
            ui::yellow("!")
        );
    }
    if let Some(message) = &e.learner_message {
        let status = results::status_text(e.learner_status);
        anstream::println!("  yours: {} — {}", ui::yellow(status), message.lines().next().unwrap_or_default());
    }
    if e.implementations.is_empty() {
        return;
    }
    anstream::println!(
        "  {:<22} {:>10} {:>11}  {:<22} {:>9} {:>9} {:>9}",
        "",
        "median",
        "throughput",
        "speed vs ref (95% CI)",
        "vs seq",
        "vs Python",
        "bandwidth"
    );
    let python = e.python.first().map(|p| p.compute_seconds);
    let sequential = e.implementation("sequential").map(|s| s.stats.median_seconds);
    for imp in &e.implementations {
        let t = imp.stats.median_seconds;
        let vs_ref = match imp.name.as_str() {
            "learner" => e.speed_vs_reference.as_ref().map_or_else(String::new, ui::interval),
            "reference" => "1.00×".into(),
            _ => String::new(),
        };
        // Per-round medians where the rounds paired them; the sequential row is 1 by definition.
        let vs_seq = match imp.name.as_str() {
            "learner" => e.speedup_vs_sequential.map(|s| s.median),
            "reference" => e.reference_speedup_vs_sequential.map(|s| s.median),
            _ => sequential.map(|s| s / t),
        };
        let label = match (imp.name.as_str(), &e.baseline) {
            ("learner", _) => "yours",
            ("sequential", Some(baseline)) => baseline.as_str(),
            (name, _) => name,
        };
        anstream::println!(
            "  {label:<22} {:>10} {:>11}  {vs_ref:<22} {:>9} {:>9} {:>9}",
            ui::duration(t),
            ui::throughput(imp.throughput_bytes_per_second),
            vs_seq.map_or_else(String::new, |s| format!("{s:.2}×")),
            python.map_or_else(String::new, |p| format!("{:.1}×", p / t)),
            ui::percent(imp.throughput_bytes_per_second / bandwidth),
        );
    }
    // Inputs counted in rows are quoted in rows per second per core (the
    // one-billion-row results are): a figure that compares across machines.
    if datagen_unit(&e.input.kind) == "rows" {
        print_rows_per_core(e, bandwidth, cores);
    }
    for p in &e.python {
        anstream::println!(
            "  {:<22} {:>10} {:>11}  compute time; whole process {} — {}",
            format!("Python {}", p.mode),
            ui::duration(p.compute_seconds),
            ui::throughput(e.input.bytes as f64 / p.compute_seconds),
            ui::duration(p.process_seconds),
            p.flavour
        );
    }
    if let Some(missing) = &e.python_missing {
        anstream::println!("  Python: {missing}");
    }
    for skipped in &e.python_skipped {
        anstream::println!("  Python: {skipped}");
    }
    if let Some(report) = &e.criterion_report {
        anstream::println!("  criterion detail: {report}");
    }
}

/// Rows per second per core for every column of one run, the capstone's
/// table: by wall time over all cores (the same formula for every column,
/// Python's included) and, for the Rust columns, by the CPU time they used.
fn print_rows_per_core(e: &ExerciseResult, bandwidth: f64, cores: usize) {
    let rows = e.input.size as f64;
    let cores = cores.max(1) as f64;
    anstream::println!(
        "  {:<26} {:>18} {:>18} {:>12}",
        format!("rows/s per core ({cores} cores)"),
        "by wall ÷ cores",
        "by CPU time",
        "memory read"
    );
    for imp in &e.implementations {
        let name = match (imp.name.as_str(), &e.baseline) {
            ("learner", _) => "yours",
            ("sequential", Some(baseline)) => baseline.as_str(),
            (name, _) => name,
        };
        let wall = imp.stats.median_seconds;
        let cpu = wall * imp.stats.cpu_per_wall;
        anstream::println!(
            "  {name:<26} {:>18} {:>18} {:>12}",
            ui::human(rows / wall / cores).trim_end(),
            if cpu > 0.0 { ui::human(rows / cpu).trim_end().to_string() } else { "–".into() },
            ui::percent(imp.throughput_bytes_per_second / bandwidth),
        );
    }
    for p in e.python.iter().filter(|p| p.correct) {
        anstream::println!(
            "  {:<26} {:>18} {:>18} {:>12}",
            format!("Python {}", p.mode),
            ui::human(rows / p.compute_seconds / cores).trim_end(),
            "–",
            ui::percent(e.input.bytes as f64 / p.compute_seconds / bandwidth),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::PythonResult;

    fn measured(id: &str, reference_seconds: f64, python: &[(f64, bool)]) -> ExerciseResult {
        let input = InputFile {
            kind: "u32".into(),
            size: 8,
            seed: 1,
            bytes: 32,
            hash: "h".into(),
            path: std::path::PathBuf::new(),
        };
        let mut e = ExerciseResult::unmeasured(id, input, LearnerStatus::NotSolved);
        let stats = benches::paired::ImplStats {
            median_seconds: reference_seconds,
            min_seconds: reference_seconds,
            max_seconds: reference_seconds,
            cpu_per_wall: 1.0,
        };
        e.implementations = vec![Implementation { name: "reference".into(), stats, throughput_bytes_per_second: 1.0 }];
        e.python = python
            .iter()
            .map(|&(seconds, correct)| PythonResult {
                mode: "pool".into(),
                flavour: String::new(),
                rounds: 1,
                compute_seconds: seconds,
                process_seconds: seconds,
                correct,
            })
            .collect();
        e
    }

    #[test]
    fn the_python_summary_is_a_geometric_mean_of_the_best_correct_columns() {
        // 01: best correct 2 s over 1 s = 2×; 02: 8 s over 1 s = 8× (the wrong 0.1 s answer does not count).
        // The 2 s column is NumPy's: against the standard library alone, 01 is 4×, and the mean √(4·8).
        let mut exercises =
            [measured("01-a", 1.0, &[(2.0, true), (4.0, true)]), measured("02-b", 1.0, &[(8.0, true), (0.1, false)])];
        exercises[0].python[0].mode = "numpy".into();
        let text = python_summary(&exercises).expect("two exercises with both");
        let (line, stdlib) = text.split_once('\n').expect("two lines");
        assert!(line.contains("4.0× faster") && line.contains("over 2 exercises"), "{line}");
        assert!(line.contains("2.0× in 01-a") && line.contains("8.0× in 02-b"), "{line}");
        assert!(stdlib.contains("multiprocessing") && stdlib.contains("5.7× faster"), "{stdlib}");
        assert!(stdlib.contains("4.0× in 01-a"), "{stdlib}");
        assert_eq!(python_summary(&[measured("03-c", 1.0, &[(5.0, false)])]), None);
        let one = python_summary(&[measured("04-d", 2.0, &[(6.0, true)])]).expect("one exercise with both");
        assert!(one.contains("3.0× faster (one exercise, 04-d)"), "{one}");
        assert!(
            !one.contains('\n'),
            "only multiprocessing columns: the standard library's line would repeat it: {one}"
        );
    }
}
