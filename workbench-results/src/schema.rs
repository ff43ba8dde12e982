//! The results file `bench --export` writes, `bench --submit` sends, and
//! `compare` and the workshop server read. Versioned: a change that an older
//! reader would misread bumps [`SCHEMA_VERSION`]; the book's appendix
//! "Results file format" documents every field.

use std::path::PathBuf;

use benches::bench_run::LearnerStatus;
use benches::paired::ImplStats;
use benches::probe::{Machine, Probes};
use benches::stats::Interval;
use serde::{Deserialize, Serialize};

/// Which data set a result was measured on; equal hashes mean equal bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub kind: String,
    pub size: u64,
    pub seed: u64,
    pub bytes: u64,
    /// FNV-1a 64 of the file's bytes, in hex.
    pub hash: String,
    #[serde(skip)]
    pub path: PathBuf,
}

pub const SCHEMA: &str = "parallel-workbench-results";
pub const SCHEMA_VERSION: u32 = 1;

/// Unknown fields are ignored, so adding an optional field needs no new version.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub schema_version: u32,
    pub participant: String,
    /// ISO 8601, UTC.
    pub created_utc: String,
    /// Whether `--quick` shortened the rounds (the input is the same).
    pub quick: bool,
    pub machine: MachineInfo,
    pub probes: Probes,
    pub tools: Tools,
    pub exercises: Vec<ExerciseResult>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MachineInfo {
    /// Hash of host name, CPU model, cores, memory and OS: equal for two
    /// results from the same machine, and reveals none of those.
    pub fingerprint: String,
    #[serde(flatten)]
    pub described: Machine,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tools {
    pub workbench: String,
    pub rustc: String,
    pub python: Option<String>,
    pub numpy: Option<String>,
    #[serde(default)]
    pub polars: Option<String>,
    #[serde(default)]
    pub duckdb: Option<String>,
    pub git_commit: Option<String>,
    /// The blob id of the `pristine.toml` the checker was published with.
    #[serde(default)]
    pub checker_digest: Option<String>,
    /// Files that steer a verdict and differ from the published ones (tests,
    /// settings, the harness) when these results were measured: `compare`
    /// marks such a participant as measured on a modified workbench.
    #[serde(default)]
    pub modified: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExerciseResult {
    pub id: String,
    pub input: InputFile,
    pub learner_status: LearnerStatus,
    pub learner_message: Option<String>,
    /// The learner's answer equals the reference's on this input.
    pub correct: bool,
    pub rounds: usize,
    pub quiet_rounds: usize,
    pub probe_cpu_per_wall: f64,
    /// learner (when solved), reference, sequential: paired rounds.
    pub implementations: Vec<Implementation>,
    /// Python baselines, run as subprocesses beside (not inside) the paired rounds.
    pub python: Vec<PythonResult>,
    /// Why no Python figure exists (no `python3`, no baseline for this exercise…).
    pub python_missing: Option<String>,
    /// Columns not run because their module is not installed (NumPy, Polars,
    /// DuckDB): one line each saying so. Not a failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub python_skipped: Vec<String>,
    /// Reference time / learner time per round: above 1 is faster than the reference.
    pub speed_vs_reference: Option<Interval>,
    /// Sequential time / learner time per round.
    pub speedup_vs_sequential: Option<Interval>,
    pub reference_speedup_vs_sequential: Option<Interval>,
    /// Python's compute time (first flavour) / the learner's median time.
    pub speedup_vs_python: Option<f64>,
    /// The learner's read throughput as a share of the memory-bandwidth probe.
    pub bandwidth_share: Option<f64>,
    pub reference_bandwidth_share: Option<f64>,
    /// Criterion's HTML report for this exercise, relative to the repository.
    pub criterion_report: Option<String>,
    /// What `sequential` is when it is not one core, e.g. "static split"
    /// (then every "vs sequential" figure is against that baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Implementation {
    pub name: String,
    #[serde(flatten)]
    pub stats: ImplStats,
    /// Input bytes per second at the median time.
    pub throughput_bytes_per_second: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PythonResult {
    /// The script's mode: `pool`, `numpy`, …
    pub mode: String,
    /// What ran, as the script describes it, e.g. `multiprocessing.Pool(2), 8 chunks`.
    pub flavour: String,
    pub rounds: usize,
    /// Median of the script's own compute time (no interpreter start-up, no file read).
    pub compute_seconds: f64,
    /// Median wall time of the whole `python3` process.
    pub process_seconds: f64,
    /// Its answer matched the reference's digest.
    pub correct: bool,
}

/// How a status reads in tables: the same words in `bench` and `compare`.
pub fn status_text(status: LearnerStatus) -> &'static str {
    match status {
        LearnerStatus::Solved => "solved",
        LearnerStatus::NotSolved => "not solved",
        LearnerStatus::Wrong => "wrong answer",
        LearnerStatus::DoesNotCompile => "does not compile",
    }
}

impl ExerciseResult {
    /// An entry with no measurement yet: every number absent.
    pub fn unmeasured(id: &str, input: InputFile, learner_status: LearnerStatus) -> Self {
        ExerciseResult {
            id: id.to_string(),
            input,
            learner_status,
            learner_message: None,
            correct: false,
            rounds: 0,
            quiet_rounds: 0,
            probe_cpu_per_wall: 0.0,
            implementations: Vec::new(),
            python: Vec::new(),
            python_missing: None,
            python_skipped: Vec::new(),
            speed_vs_reference: None,
            speedup_vs_sequential: None,
            reference_speedup_vs_sequential: None,
            speedup_vs_python: None,
            bandwidth_share: None,
            reference_bandwidth_share: None,
            criterion_report: None,
            baseline: None,
        }
    }

    pub fn implementation(&self, name: &str) -> Option<&Implementation> {
        self.implementations.iter().find(|i| i.name == name)
    }
}

/// Now as `2026-11-25T09:30:00Z`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_from_day_numbers() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_782), (2026, 11, 25));
    }
}
