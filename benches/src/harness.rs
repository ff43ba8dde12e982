//! The one channel between `cargo xtask` and a bench binary: a [`Request`] in
//! an environment variable, a [`Report`] in a file. Stdout and stderr stay
//! the learner's, so a `println!` in a solution cannot corrupt a report.
//!
//! ```ignore
//! let report = std::env::temp_dir().join("gate.json");
//! let request = Request::Gate { size: 1 << 20, seed: 1, config: GateConfig::default() };
//! Command::new(bench_binary)
//!     .env(REQUEST_ENV, request.to_env_value())
//!     .env(REPORT_ENV, &report)
//!     .process_group(0) // the busy probe counts this group's CPU as ours
//!     .status()?;
//! let report = read_report(&report)?;
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Exercise;
use crate::bench_run::{self, BenchConfig, BenchRun};
use crate::gate::{self, GateConfig, GateReport, INPUT_POOL};

/// Names the variable whose value is the JSON of one [`Request`]; when set,
/// a bench binary serves it instead of running criterion.
pub const REQUEST_ENV: &str = "WORKBENCH_HARNESS_REQUEST";

/// Names the variable holding the path the [`Report`] is written to.
pub const REPORT_ENV: &str = "WORKBENCH_HARNESS_REPORT";

/// What `cargo xtask` asks of a bench binary.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub enum Request {
    /// The timing gate of `cargo xtask check`, on inputs generated from
    /// `(size, seed)`, `(size, seed + 1)`, … (see [`INPUT_POOL`]).
    Gate { size: usize, seed: u64, config: GateConfig },
    /// The measurements of `cargo xtask bench`, on a `cargo xtask gen` file.
    BenchRun { input: PathBuf, config: BenchConfig },
}

/// What a bench binary answers.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub enum Report {
    Gate(GateReport),
    BenchRun(BenchRun),
    /// The request could not be served (bad request, unreadable input, a bug
    /// here); the binary also exits with code 2.
    Error(String),
}

impl Request {
    /// The value to put in [`REQUEST_ENV`].
    pub fn to_env_value(&self) -> String {
        serde_json::to_string(self).expect("a request serialises")
    }

    /// Parses the value of [`REQUEST_ENV`].
    pub fn from_env_value(value: &str) -> Result<Request, String> {
        serde_json::from_str(value).map_err(|e| format!("{REQUEST_ENV} is not a valid request ({e}): {value}"))
    }
}

/// Reads the report a bench binary wrote to `path`, with an error that names
/// the file when it is missing (the binary crashed or was killed) or garbled.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("no harness report in {}: {e} (did the bench binary crash?)", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("the harness report {} is garbled: {e}", path.display()))
}

/// Writes `report` to `path` through `<path>.tmp` and a rename, so a process
/// killed mid-write leaves no half-written report behind.
pub fn write_report(path: &Path, report: &Report) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let json = serde_json::to_string(report).map_err(|e| format!("cannot serialise the report: {e}"))?;
    std::fs::write(&tmp, json).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot rename {} to {}: {e}", tmp.display(), path.display()))
}

/// Serves `request` for `exercise`: a [`Report::Error`] for anything that
/// goes wrong, a panic of the harness included.
pub fn serve<I, O: PartialEq + std::fmt::Debug>(
    exercise: &Exercise<I, O>,
    request: &Request,
    beside: &[crate::Beside<I, O>],
) -> Report {
    let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match request {
        Request::Gate { size: 0, .. } => Report::Error("a gate request needs a positive size".into()),
        Request::Gate { size, seed, config } => {
            let inputs: Vec<I> =
                (0..INPUT_POOL as u64).map(|k| (exercise.generate)(*size, seed.wrapping_add(k))).collect();
            let bytes = (exercise.input_bytes)(&inputs[0]);
            // Each round's fresh input continues the seeds after the pool's.
            let fresh = |round: u64| (exercise.generate)(*size, seed.wrapping_add(INPUT_POOL as u64 + round));
            Report::Gate(gate::run(exercise.id, &inputs, &fresh, bytes, &exercise.contenders, config))
        }
        Request::BenchRun { input, config } => match crate::load_file(exercise, input) {
            Ok(data) => Report::BenchRun(bench_run::run(exercise, &data, config, beside)),
            Err(e) => Report::Error(e),
        },
    }));
    served.unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        Report::Error(format!("the harness panicked: {msg}"))
    })
}

/// The bench binary's harness mode: reads [`REQUEST_ENV`] and [`REPORT_ENV`],
/// removes both from the environment (so worker processes a learner starts
/// from this binary do not serve the request again), serves the request and
/// writes the report. Returns the exit code: 0, or 2 for a [`Report::Error`].
pub(crate) fn main<I, O: PartialEq + std::fmt::Debug>(
    exercise: &Exercise<I, O>,
    request: std::ffi::OsString,
    beside: &[crate::Beside<I, O>],
) -> i32 {
    let report_path = std::env::var_os(REPORT_ENV);
    // SAFETY: called first thing in `main`, before this process starts any thread.
    unsafe {
        std::env::remove_var(REQUEST_ENV);
        std::env::remove_var(REPORT_ENV);
    }
    let Some(report_path) = report_path else {
        eprintln!("error: {REQUEST_ENV} is set but {REPORT_ENV} is not: nowhere to write the report");
        return 2;
    };
    let report = match request.to_str().map(Request::from_env_value) {
        Some(Ok(request)) => serve(exercise, &request, beside),
        Some(Err(e)) => Report::Error(e),
        None => Report::Error(format!("{REQUEST_ENV} is not UTF-8")),
    };
    let code = if matches!(report, Report::Error(_)) { 2 } else { 0 };
    if let Report::Error(e) = &report {
        eprintln!("error: {e}");
    }
    match write_report(Path::new(&report_path), &report) {
        Ok(()) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_through_the_environment_value() {
        let config = GateConfig { max_ratio: 1.5, ..GateConfig::default() };
        let value = Request::Gate { size: 1000, seed: 7, config }.to_env_value();
        match Request::from_env_value(&value).unwrap() {
            Request::Gate { size, seed, config } => {
                assert_eq!((size, seed, config.max_ratio, config.min_rounds), (1000, 7, 1.5, 7));
                assert_eq!(config.budget, GateConfig::default().budget);
            }
            other => panic!("came back as {other:?}"),
        }
        let bench = Request::BenchRun { input: "data/x.bin".into(), config: BenchConfig::default() };
        let back = Request::from_env_value(&bench.to_env_value()).unwrap();
        assert!(matches!(back, Request::BenchRun { input, .. } if input == Path::new("data/x.bin")));
        // Missing config fields take the defaults.
        let partial = Request::from_env_value(r#"{"Gate":{"size":5,"seed":1,"config":{"max_ratio":2.0}}}"#).unwrap();
        assert!(matches!(partial, Request::Gate { config, .. } if config.max_ratio == 2.0 && config.parallel));
    }

    #[test]
    fn read_report_names_the_file_when_missing_or_garbled() {
        let dir = std::env::temp_dir().join(format!("harness-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.json");
        let missing = read_report(&path).unwrap_err();
        assert!(missing.contains(&path.display().to_string()), "{missing}");
        std::fs::write(&path, "{\"Gate\": garbage").unwrap();
        let garbled = read_report(&path).unwrap_err();
        assert!(garbled.contains(&path.display().to_string()) && garbled.contains("garbled"), "{garbled}");
        write_report(&path, &Report::Error("boom".into())).unwrap();
        assert!(matches!(read_report(&path), Ok(Report::Error(e)) if e == "boom"));
        assert!(!dir.join("report.json.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
