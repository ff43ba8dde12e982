//! Small, valid records made in code: for tests of everything that reads
//! results (compare, the server, its load test) and for a demonstration room.

use std::path::PathBuf;

use benches::bench_run::LearnerStatus;
use benches::probe::{Machine, Probes};
use benches::stats::Interval;

use crate::schema::{ExerciseResult, InputFile, MachineInfo, Results, SCHEMA, SCHEMA_VERSION, Tools};

/// One exercise's entry: solved with `speed` (median, lo, hi) as its speed
/// vs the reference, or not solved.
pub fn entry(id: &str, hash: &str, speed: Option<(f64, f64, f64)>) -> ExerciseResult {
    let input = InputFile { kind: "u32".into(), size: 8, seed: 1, bytes: 32, hash: hash.into(), path: PathBuf::new() };
    let status = if speed.is_some() { LearnerStatus::Solved } else { LearnerStatus::NotSolved };
    ExerciseResult {
        correct: speed.is_some(),
        speed_vs_reference: speed.map(|(median, lo, hi)| Interval { median, lo, hi }),
        rounds: 10,
        quiet_rounds: if speed.is_some() { 10 } else { 0 },
        ..ExerciseResult::unmeasured(id, input, status)
    }
}

/// A record of `name` on a room's exercises `ids`: every one but the last
/// solved, around `speed` (each a little slower than the one before), the
/// last not — a participant halfway through.
pub fn partly_solved(ids: &[&str], name: &str, speed: f64) -> Results {
    let last = ids.len().saturating_sub(1);
    let exercises = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let s = speed * 0.9f64.powi(i as i32);
            entry(id, &format!("hash-{id}"), (i < last).then_some((s, s * 0.94, s * 1.06)))
        })
        .collect();
    results(name, exercises)
}

/// A record of `name` on a 2-core machine with these entries.
pub fn results(name: &str, exercises: Vec<ExerciseResult>) -> Results {
    Results {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        participant: name.into(),
        created_utc: "2026-11-25T10:00:00Z".into(),
        quick: false,
        machine: MachineInfo {
            fingerprint: "f".into(),
            described: Machine {
                cpu_model: "cpu".into(),
                cores: 2,
                os: "os".into(),
                arch: "x86_64".into(),
                memory_bytes: None,
            },
        },
        probes: Probes {
            memory_read_bytes_per_second: 1e10,
            memory_read_one_thread_bytes_per_second: 5e9,
            single_core_ops_per_second: 1e9,
            seconds: 1.0,
        },
        tools: Tools {
            workbench: "0".into(),
            rustc: "rustc".into(),
            python: None,
            numpy: None,
            polars: None,
            duckdb: None,
            git_commit: None,
            checker_digest: None,
            modified: vec![],
        },
        exercises,
    }
}
