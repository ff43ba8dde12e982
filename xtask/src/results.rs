//! The results file `bench --export` writes and `compare` reads: the schema
//! and its rules live in the `workbench-results` crate, shared with the
//! workshop server; this module reads files and knows this workbench's
//! exercises.

use std::path::Path;

use anyhow::Result;
use workbench_results::validate::{self, MAX_RECORD_BYTES};
pub use workbench_results::{
    ExerciseResult, Implementation, MachineInfo, PythonResult, Results, SCHEMA, SCHEMA_VERSION, Tools, now_utc,
    status_text,
};

use crate::manifest::Workspace;

/// The exercise ids a results file may name: the timed ones, in course order.
pub fn known_exercises(ws: &Workspace) -> Vec<String> {
    ws.manifest.exercises.iter().filter(|e| e.benched()).map(|e| e.id.clone()).collect()
}

/// Reads a results file and holds it to every rule of `validate`, naming the
/// field that is wrong. A FIFO, a device or an oversized file is refused
/// before a byte is read (`read_regular`).
pub fn load(path: &Path, known: &[String]) -> Result<Results> {
    let bytes = crate::fsutil::read_regular(path, MAX_RECORD_BYTES as u64)?;
    Ok(validate::parse(&bytes, known)?)
}
