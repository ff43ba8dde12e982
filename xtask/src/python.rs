//! The Python baselines in `baselines/python/`, run as subprocesses. Their
//! protocol (see that folder's README): `--list-modes` prints the modes this
//! machine can run; `FILE --mode M` prints one JSON line with the script's own
//! compute time and a digest of its answer.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::process::Cmd;
use crate::results::PythonResult;

/// Modes `bench` runs, in this order: what a Python user writes first, then
/// the NumPy, Polars and DuckDB flavours where the script has them and the
/// module imports (each missing one is a column skipped, with the reason).
/// `pipe`, `process-pipeline` and `processes` are the designs of the
/// inter-process exercises (07, 08, 09), which a `Pool` does not show.
pub const BENCH_MODES: [&str; 7] = ["pool", "pipe", "process-pipeline", "processes", "numpy", "polars", "duckdb"];
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// The project's own Python environment, made by `cargo xtask prefetch`.
pub const VENV: &str = ".tools/python";

/// The modules of the optional columns, pinned: the versions the book's numbers were measured with.
pub const PACKAGES: [&str; 3] = ["numpy==2.4.6", "polars==2.1.0", "duckdb==2.0.1"];

/// The Python that runs the baselines: the project's environment in
/// `.tools/python` when there is one, else the `python3` on PATH.
pub struct Python {
    pub program: PathBuf,
    pub version: String,
    pub numpy: Option<String>,
    pub polars: Option<String>,
    pub duckdb: Option<String>,
}

impl Python {
    pub fn detect(root: &Path) -> Option<Python> {
        let venv = venv_python(root);
        let program = if venv.is_file() { venv } else { PathBuf::from("python3") };
        let version = Cmd::new(&program).arg("--version").output_if_ok()?;
        let version = version.trim_start_matches("Python ").to_string();
        let module = |name: &str| {
            let code = format!("import {name}; print({name}.__version__)");
            Cmd::new(&program).args(["-c", code.as_str()]).output_if_ok()
        };
        Some(Python { numpy: module("numpy"), polars: module("polars"), duckdb: module("duckdb"), version, program })
    }

    /// Whether this is the project's environment rather than the system's python3.
    pub fn is_project_venv(&self, root: &Path) -> bool {
        self.program == venv_python(root)
    }

    /// A line for people: "3.11.2 (.tools/python) · NumPy 2.4.6 · Polars – · DuckDB –".
    pub fn described(&self, root: &Path) -> String {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
        let place = if self.is_project_venv(root) { VENV } else { "python3 on PATH" };
        format!(
            "{} ({place}) · NumPy {} · Polars {} · DuckDB {}",
            self.version,
            or_dash(&self.numpy),
            or_dash(&self.polars),
            or_dash(&self.duckdb)
        )
    }
}

pub fn venv_python(root: &Path) -> PathBuf {
    root.join(VENV).join("bin/python3")
}

/// Makes `.tools/python` (a virtual environment of the python3 on PATH) and
/// installs [`PACKAGES`] into it with pip, from PyPI. Idempotent: pip skips
/// what is already there.
pub fn install_venv(root: &Path) -> Result<()> {
    // Captured, not shown: `cargo xtask test` runs this beside clippy.
    let step = |cmd: Cmd, why: &str| cmd.run_captured(Duration::from_secs(1800)).context(why.to_string());
    let venv = root.join(VENV);
    if !venv_python(root).is_file() {
        step(
            Cmd::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv failed (Debian/Ubuntu: `sudo apt install python3-venv`); the Polars and DuckDB columns \
             stay empty",
        )?;
    }
    step(
        Cmd::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check"]).args(PACKAGES),
        "pip could not install NumPy, Polars and DuckDB; the columns that need them stay empty",
    )
}

#[derive(Deserialize)]
struct Line {
    flavour: String,
    compute_seconds: f64,
    digest: String,
}

/// The modes of `script` that `bench` runs on this machine, and those of
/// [`BENCH_MODES`] the script has but cannot run here (a module missing).
pub fn modes(python: &Python, script: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let list = |flag: &str| -> Result<Vec<String>> {
        let out = Cmd::new(&python.program).arg(script).arg(flag).quiet().capture(Duration::from_secs(60))?;
        if !out.success() {
            bail!("{} {flag} failed: {}", script.display(), out.stderr.trim());
        }
        serde_json::from_str(out.stdout.trim())
            .with_context(|| format!("{} {flag} printed no JSON list", script.display()))
    };
    let (runnable, all) = (list("--list-modes")?, list("--list-all-modes")?);
    let pick = |from: &[String], not_in: &[String]| -> Vec<String> {
        BENCH_MODES
            .iter()
            .filter(|m| from.iter().any(|l| l == *m) && !not_in.iter().any(|l| l == *m))
            .map(|m| m.to_string())
            .collect()
    };
    Ok((pick(&runnable, &[]), pick(&all, &runnable)))
}

/// Runs `script` on `input` in `mode` for `rounds` rounds; medians of the
/// script's compute time and of the whole process's wall time, and the digest
/// of its answer.
pub fn run(
    python: &Python,
    script: &Path,
    input: &Path,
    mode: &str,
    rounds: usize,
    expected_digest: &str,
) -> Result<(PythonResult, String)> {
    let (mut compute, mut process) = (Vec::new(), Vec::new());
    let mut last: Option<Line> = None;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let out = Cmd::new(&python.program).arg(script).arg(input).args(["--mode", mode]).quiet().capture(RUN_LIMIT)?;
        process.push(started.elapsed().as_secs_f64());
        if out.timed_out() {
            bail!("{mode}: stopped after {} s", RUN_LIMIT.as_secs());
        }
        if !out.success() {
            bail!("{mode}: {}", out.stderr.lines().last().unwrap_or("failed without a message"));
        }
        let line: Line = serde_json::from_str(out.stdout.trim())
            .with_context(|| format!("{mode}: printed no result line: {}", out.stdout.trim()))?;
        compute.push(line.compute_seconds);
        last = Some(line);
    }
    let line = last.expect("at least one round");
    let result = PythonResult {
        mode: mode.to_string(),
        flavour: line.flavour,
        rounds: compute.len(),
        compute_seconds: benches::stats::median(&compute),
        process_seconds: benches::stats::median(&process),
        correct: line.digest == expected_digest,
    };
    Ok((result, line.digest))
}
