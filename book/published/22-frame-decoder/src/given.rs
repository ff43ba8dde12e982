//! Given: the frame format, the error type, and an encoder.
//!
//! A frame is a 4-byte big-endian length, then that many bytes of payload.
//! The peer is not trusted: the length may be anything, bytes may stop
//! anywhere, and they arrive in pieces of any size.

use std::fmt;

/// Bytes of the length field before each payload.
pub const HEADER: usize = 4;

// ANCHOR: error
/// Why the peer's bytes were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A header declares a payload of `declared` bytes, more than `limit`.
    /// `offset` is where that header starts in the stream.
    TooLarge { declared: u64, limit: usize, offset: u64 },
    /// The stream ended inside a frame: `have` of the `need` bytes of the
    /// frame (header included) that starts at `offset` arrived.
    Truncated { have: usize, need: usize, offset: u64 },
}
// ANCHOR_END: error

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLarge { declared, limit, offset } => {
                write!(f, "the frame at byte {offset} declares {declared} bytes, over the limit of {limit}")
            }
            DecodeError::Truncated { have, need, offset } => {
                write!(f, "the stream ended inside the frame at byte {offset}: {have} of {need} bytes")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// One frame carrying `payload`.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len()).expect("a payload under 4 GiB");
    let mut frame = length.to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}
