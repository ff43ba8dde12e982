//! The results file `bench --export` writes and `compare` reads: the schema
//! and its rules live in the `workbench-results` crate, shared with the
//! workshop server; this module reads files and knows this workbench's
//! exercises.

use std::path::Path;

use anyhow::Result;
use workbench_results::validate::{self, MAX_RECORD_BYTES};
pub use workbench_results::{
    ExerciseResult, Implementation, MachineInfo, PythonResult, Results, SCHEMA, SCHEMA_VERSION, Tools, status_text,
};

use crate::manifest::Workspace;

/// The exercise ids a results file may name: the timed ones, in course order.
pub fn known_exercises(ws: &Workspace) -> Vec<String> {
    ws.manifest.exercises.iter().filter(|e| e.perf.is_some()).map(|e| e.id.clone()).collect()
}

/// Reads a results file and holds it to every rule of `validate`, naming the
/// field that is wrong. A FIFO, a device or an oversized file is refused
/// before a byte is read (`read_regular`).
pub fn load(path: &Path, known: &[String]) -> Result<Results> {
    let bytes = crate::fsutil::read_regular(path, MAX_RECORD_BYTES as u64)?;
    Ok(validate::parse(&bytes, known)?)
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
