//! The given pieces of exercise 09: the byte pattern and the error type.

/// The byte at offset `i` of the output (given): cheap to compute, and
/// different for neighbouring offsets, so a lost or shifted region shows.
pub fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

/// A worker process that failed: which one, and how (given).
#[derive(Debug)]
pub struct WorkerError {
    /// The worker's index, `0..workers`.
    pub worker: usize,
    pub reason: String,
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "worker {}: {}", self.worker, self.reason)
    }
}

impl std::error::Error for WorkerError {}
