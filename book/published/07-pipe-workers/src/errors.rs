//! The error types of this exercise (given: you need not change them).

use std::fmt;
use std::io;

// ANCHOR: frame_error
/// Why a frame could not be read.
#[derive(Debug)]
pub enum FrameError {
    /// The reader itself failed.
    Io(io::Error),
    /// The header announced more bytes than the limit allows; nothing was allocated for them.
    TooLong { len: usize, limit: usize },
    /// The input ended inside a frame: `got` of `expected` bytes of its header or payload arrived.
    Truncated { expected: usize, got: usize },
}
// ANCHOR_END: frame_error

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Io(e) => write!(f, "cannot read a frame: {e}"),
            FrameError::TooLong { len, limit } => {
                write!(f, "frame too long: {len} bytes announced, the limit is {limit}")
            }
            FrameError::Truncated { expected, got } => {
                write!(f, "truncated frame: the input ended after {got} of {expected} bytes")
            }
        }
    }
}

impl std::error::Error for FrameError {}

impl From<io::Error> for FrameError {
    fn from(e: io::Error) -> Self {
        FrameError::Io(e)
    }
}

// ANCHOR: worker_error
/// A worker process that failed: which one, and how.
#[derive(Debug)]
pub struct WorkerError {
    /// The worker's index, `0..workers`.
    pub worker: usize,
    /// What happened, for a person: "exited with exit status: 3", "sent a malformed frame: …".
    pub reason: String,
}
// ANCHOR_END: worker_error

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker {}: {}", self.worker, self.reason)
    }
}

impl std::error::Error for WorkerError {}
