//! The Python baselines in `baselines/python/`, run as subprocesses. Their
//! protocol (see that folder's README): `--list-modes` prints the modes this
//! machine can run; `FILE --mode M` prints one JSON line with the script's own
//! compute time and a digest of its answer.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::process::Cmd;
use crate::results::PythonResult;

/// Modes `bench` runs, in this order: what a Python user writes first, then
/// the NumPy flavour where the script has one and NumPy is installed.
pub const BENCH_MODES: [&str; 2] = ["pool", "numpy"];
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// The `python3` on PATH, if any.
pub struct Python {
    pub version: String,
    pub numpy: Option<String>,
}

impl Python {
    pub fn detect() -> Option<Python> {
        let version = Cmd::new("python3").arg("--version").output_if_ok()?;
        let version = version.trim_start_matches("Python ").to_string();
        let numpy = Cmd::new("python3").args(["-c", "import numpy; print(numpy.__version__)"]).output_if_ok();
        Some(Python { version, numpy })
    }
}

#[derive(Deserialize)]
struct Line {
    flavour: String,
    compute_seconds: f64,
    digest: String,
}

/// The modes of `script` that `bench` runs on this machine.
pub fn modes(script: &Path) -> Result<Vec<String>> {
    let out = Cmd::new("python3").arg(script).arg("--list-modes").quiet().capture(Duration::from_secs(60))?;
    if !out.success() {
        bail!("{} --list-modes failed: {}", script.display(), out.stderr.trim());
    }
    let listed: Vec<String> = serde_json::from_str(out.stdout.trim())
        .with_context(|| format!("{} --list-modes printed no JSON list", script.display()))?;
    Ok(BENCH_MODES.iter().filter(|m| listed.iter().any(|l| l == *m)).map(|m| m.to_string()).collect())
}

/// Runs `script` on `input` in `mode` for `rounds` rounds; medians of the
/// script's compute time and of the whole process's wall time, and the digest
/// of its answer.
pub fn run(
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
        let out = Cmd::new("python3").arg(script).arg(input).args(["--mode", mode]).quiet().capture(RUN_LIMIT)?;
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
