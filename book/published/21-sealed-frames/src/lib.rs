//! Exercise 21-sealed-frames — messages between processes sealed with
//! ChaCha20-Poly1305: nothing readable, nothing changeable, nothing replayed.
//! Read `book/src/ch07-security/sealed-frames.md`.
//!
//! The key, the frame layout, the errors and the worker are given in `given.rs`.

pub mod given;

use std::fmt;
use std::path::Path;
use std::process::Child;

use chacha20poly1305::ChaCha20Poly1305;
pub use given::{Key, OpenError, Role};

// ANCHOR: debug
/// Shows that there is a key, never its bytes: a key in a log is a key
/// given away.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("Key(…) without the bytes")
    }
}
// ANCHOR_END: debug

// ANCHOR: types
/// Seals the frames one end sends.
pub struct Sealer {
    cipher: ChaCha20Poly1305,
    /// `given::FROM_COORDINATOR` or `given::FROM_WORKER`: part of every nonce.
    direction: u8,
    /// The next frame's counter: 0, 1, 2, … — never one twice.
    next: u64,
}

/// Opens the frames one end receives.
pub struct Opener {
    cipher: ChaCha20Poly1305,
    /// The direction byte of the other end.
    peer: u8,
    /// The counter the next frame must carry.
    expected: u64,
}
// ANCHOR_END: types

// ANCHOR: channel
/// Both halves of `role`'s end of a channel under `key`: the coordinator
/// seals with `FROM_COORDINATOR` and opens what carries `FROM_WORKER`, the
/// worker the other way round. Counters start at 0.
pub fn channel(key: &Key, role: Role) -> (Sealer, Opener) {
    todo!("ChaCha20Poly1305::new(key), and the direction bytes of the role")
}
// ANCHOR_END: channel

impl Sealer {
    // ANCHOR: seal
    /// `message` as one frame (see `given`): the header, then the message
    /// encrypted with the nonce `[direction, 0, 0, 0] ++ counter` and the
    /// header as associated data, then the tag. The counter then moves on.
    pub fn seal(&mut self, message: &[u8]) -> Vec<u8> {
        todo!("header, encrypt with Payload {{ msg, aad: header }}, counter + 1")
    }
    // ANCHOR_END: seal
}

impl Opener {
    // ANCHOR: open
    /// The message in `frame`, or why the frame is refused.
    ///
    /// Check in this order: the length (`Truncated`); the tag, which also
    /// covers the header (`Tampered`) — nothing in the header may be
    /// trusted before this; the direction (`Reflected`); the counter
    /// (`Replayed` if already seen, `Reordered` if ahead). Only a frame that
    /// passes every check moves the expected counter on.
    pub fn open(&mut self, frame: &[u8]) -> Result<Vec<u8>, OpenError> {
        todo!("length, tag, direction, counter — in that order")
    }
    // ANCHOR_END: open
}

// ANCHOR: start
/// Starts the worker `program` with stdin and stdout piped and a key of its
/// own: a fresh random key (`Key::random`) for every worker started, so that
/// no two channels ever seal under one key — two workers, or a worker and
/// the one that replaces it, each count from 0, and under a shared key their
/// first frames would share a nonce. Returns the child and its key, for the
/// coordinator's end of the channel.
///
/// The key goes through the worker's stdin (`Key::send`): never as an
/// argument — every user of the machine can read those (`ps`,
/// `/proc/<pid>/cmdline`) — nor as an environment variable, which the same
/// user and root can read (`/proc/<pid>/environ`), child processes inherit,
/// and crash reports and debugging sessions print.
pub fn start_worker(program: &Path) -> std::io::Result<(Child, Key)> {
    todo!("Key::random(), Command::new(program), piped stdin and stdout, key.send(stdin)")
}
// ANCHOR_END: start
