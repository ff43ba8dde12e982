//! Exercise 22-frame-decoder — decode length-prefixed frames from a peer you
//! do not trust: no panic, and no allocation beyond the limit, on any input.
//! Read `book/src/ch07-security/frame-decoder.md`.
//!
//! The format, the error type and an encoder are given in `given.rs`.

pub mod given;

pub use given::{DecodeError, HEADER};

// ANCHOR: decoder
/// A streaming decoder for one connection.
///
/// Bytes arrive in pieces of any size (`feed`); a frame may be split
/// anywhere, even inside its header. Frames that lie whole inside one piece
/// are handed out as slices of it, without copying; only the part of a frame
/// still waiting for its end is kept, in a buffer that grows with the bytes
/// that arrive — at most twice what came of the frame so far, never room
/// for what a header only declares — and never holds or allocates more than
/// `HEADER + limit` bytes. (`HEADER +` leaves room for designs that buffer
/// the header too; an array of 4 bytes needs no allocation at all.)
pub struct Decoder {
    limit: usize,
    // Add the fields you need: the header bytes seen so far, the partial
    // payload, how far into the stream you are, the error once there is one.
}
// ANCHOR_END: decoder

impl Decoder {
    /// A decoder accepting payloads of at most `limit` bytes.
    pub fn new(limit: usize) -> Decoder {
        todo!("start with nothing buffered")
    }

    // ANCHOR: feed
    /// Decodes `bytes`, the next piece of the stream, calling `on_frame`
    /// with each payload it completes, in order.
    ///
    /// A header declaring more than `limit` bytes is an error — found as soon
    /// as the header's 4 bytes are in, before any of its payload is kept.
    /// After an error the stream cannot be trusted: this and every later
    /// call return the same error and deliver nothing more.
    pub fn feed(&mut self, bytes: &[u8], on_frame: impl FnMut(&[u8])) -> Result<(), DecodeError> {
        todo!("header, then payload, across any split")
    }
    // ANCHOR_END: feed

    // ANCHOR: finish
    /// Ends the stream: `Truncated` if it stopped inside a frame, the
    /// earlier error if there was one.
    pub fn finish(self) -> Result<(), DecodeError> {
        todo!("nothing half-received may be left")
    }
    // ANCHOR_END: finish
}
