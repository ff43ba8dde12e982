//! Given: the key, the frame layout, the errors, and the worker program.
//!
//! A frame on the wire:
//!
//! ```text
//! | length: u32 BE | direction: u8 | counter: u64 BE | ciphertext … | tag: 16 bytes |
//!                  └──────────── `length` bytes ─────────────────────────────────────┘
//! ```
//!
//! The nonce is `[direction, 0, 0, 0] ++ counter` (12 bytes); the 13 header
//! bytes before the ciphertext (length, direction, counter) are the
//! associated data: authenticated, not encrypted.

use std::fmt;
use std::io::{self, Read, Write};

/// Bytes before the ciphertext: length (4), direction (1), counter (8).
pub const HEADER: usize = 13;
/// Bytes of the Poly1305 tag after the ciphertext.
pub const TAG: usize = 16;
/// The largest frame a reader accepts (its length field included).
pub const MAX_FRAME: usize = 1 << 20;

/// Direction bytes: who sealed the frame.
pub const FROM_COORDINATOR: u8 = b'C';
pub const FROM_WORKER: u8 = b'W';

// ANCHOR: key
/// A 256-bit ChaCha20-Poly1305 key. Its bytes leave the process only
/// through a pipe to a worker; `Debug` must not show them.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(pub(crate) [u8; 32]);
// ANCHOR_END: key

impl Key {
    /// A fresh key from the operating system's random source.
    pub fn random() -> io::Result<Key> {
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(Key(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Reads a key sent with [`Key::send`].
    pub fn receive(from: &mut impl Read) -> io::Result<Key> {
        let mut bytes = [0u8; 32];
        from.read_exact(&mut bytes)?;
        Ok(Key(bytes))
    }

    /// Writes the key's 32 bytes to `to` (a pipe to the worker).
    pub fn send(&self, to: &mut impl Write) -> io::Result<()> {
        to.write_all(&self.0)?;
        to.flush()
    }
}

/// Which end of the channel this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Coordinator,
    Worker,
}

// ANCHOR: errors
/// Why a frame was refused. Each is a different attack, or a different bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Fewer bytes than the header and tag need, or than the length field says.
    Truncated { have: usize, need: usize },
    /// The tag does not match: a changed byte, or another key.
    Tampered,
    /// Authentic, but sealed by this end itself: a frame sent back to us.
    Reflected,
    /// Authentic, but its counter was already received.
    Replayed { counter: u64, expected: u64 },
    /// Authentic, but frames before it are missing: dropped or reordered.
    Reordered { counter: u64, expected: u64 },
}
// ANCHOR_END: errors

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Truncated { have, need } => write!(f, "truncated frame: {have} bytes, needs {need}"),
            OpenError::Tampered => write!(f, "tampered frame: authentication failed"),
            OpenError::Reflected => write!(f, "reflected frame: sealed by this end"),
            OpenError::Replayed { counter, expected } => {
                write!(f, "replayed frame: counter {counter}, expected {expected}")
            }
            OpenError::Reordered { counter, expected } => {
                write!(f, "reordered frame: counter {counter}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for OpenError {}

/// Reads one frame (length field included) from a stream; `None` at a clean end.
pub fn read_frame(from: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0u8; 4];
    match from.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_be_bytes(length) as usize;
    if len + 4 > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("a frame of {len} bytes is over the limit")));
    }
    let mut frame = length.to_vec();
    frame.resize(4 + len, 0);
    from.read_exact(&mut frame[4..])?;
    Ok(Some(frame))
}

/// The worker program: reads the key from stdin, then answers each sealed
/// request with a sealed `echo: <request>`. The first frame it cannot open
/// ends it, with the reason on stderr and exit status 3.
pub fn worker_main() -> std::process::ExitCode {
    let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
    let key = match Key::receive(&mut input) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("worker: no key on stdin: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    eprintln!("worker {}: ready, key {key:?}", std::process::id());
    let (mut sealer, mut opener) = crate::channel(&key, Role::Worker);
    loop {
        let frame = match read_frame(&mut input) {
            Ok(Some(frame)) => frame,
            Ok(None) => return std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("worker: cannot read a frame: {e}");
                return std::process::ExitCode::from(3);
            }
        };
        let request = match opener.open(&frame) {
            Ok(request) => request,
            Err(e) => {
                eprintln!("worker: refused a frame: {e}");
                return std::process::ExitCode::from(3);
            }
        };
        let mut reply = b"echo: ".to_vec();
        reply.extend_from_slice(&request);
        if output.write_all(&sealer.seal(&reply)).and_then(|()| output.flush()).is_err() {
            return std::process::ExitCode::from(3);
        }
    }
}
