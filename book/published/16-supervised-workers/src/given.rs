//! The types of this exercise (given: you need not change them).

use thiserror::Error;

/// How many records go to a worker at a time: a batch.
pub const BATCH: usize = 8;

/// One unit of work. Ids are distinct: the output is de-duplicated by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub id: u64,
    pub value: u64,
}

/// What a supervised run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `(id, work(value))` for every record, each id exactly once, sorted by id.
    pub results: Vec<(u64, u64)>,
    /// How many times a worker was started again after it died, over all slots.
    pub restarts: usize,
}

// ANCHOR: errors
/// Why a supervised run stopped without all its results.
#[derive(Debug, Error)]
pub enum SuperviseError {
    /// A worker process could not be started (at first or as a restart).
    #[error("worker slot {slot}: cannot start {program}: {source}")]
    Spawn {
        slot: usize,
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// A slot's worker died again after `restarts` restarts, the limit.
    #[error("worker slot {slot} gave up after {restarts} restarts; the last worker ended with {status}")]
    GaveUp {
        slot: usize,
        restarts: usize,
        /// How the last worker ended, as `ExitStatus` displays it: `signal: 9 (SIGKILL)`.
        status: String,
    },
}
// ANCHOR_END: errors
