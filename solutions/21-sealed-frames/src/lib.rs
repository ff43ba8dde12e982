//! Reference solution of exercise 21-sealed-frames.

#[path = "../../../exercises/21-sealed-frames/src/given.rs"]
pub mod given;

use std::fmt;
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use given::{FROM_COORDINATOR, FROM_WORKER, HEADER, TAG};
pub use given::{Key, OpenError, Role};

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

pub struct Sealer {
    cipher: ChaCha20Poly1305,
    direction: u8,
    next: u64,
}

pub struct Opener {
    cipher: ChaCha20Poly1305,
    peer: u8,
    expected: u64,
}

// ANCHOR: solution
pub fn channel(key: &Key, role: Role) -> (Sealer, Opener) {
    let (ours, theirs) = match role {
        Role::Coordinator => (FROM_COORDINATOR, FROM_WORKER),
        Role::Worker => (FROM_WORKER, FROM_COORDINATOR),
    };
    let cipher = ChaCha20Poly1305::new(key.as_bytes().into());
    (Sealer { cipher: cipher.clone(), direction: ours, next: 0 }, Opener { cipher, peer: theirs, expected: 0 })
}

fn nonce(direction: u8, counter: u64) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[0] = direction;
    nonce[4..].copy_from_slice(&counter.to_be_bytes());
    nonce.into()
}

impl Sealer {
    pub fn seal(&mut self, message: &[u8]) -> Vec<u8> {
        let counter = self.next;
        // A counter that wrapped would repeat a nonce: refuse rather than leak.
        self.next = counter.checked_add(1).expect("2^64 frames under one key: start a new key");
        let length = u32::try_from(HEADER - 4 + message.len() + TAG).expect("a frame under 4 GiB");
        let mut frame = Vec::with_capacity(HEADER + message.len() + TAG);
        frame.extend_from_slice(&length.to_be_bytes());
        frame.push(self.direction);
        frame.extend_from_slice(&counter.to_be_bytes());
        let sealed = self
            .cipher
            .encrypt(&nonce(self.direction, counter), Payload { msg: message, aad: &frame })
            .expect("encryption of an in-memory message cannot fail");
        frame.extend_from_slice(&sealed);
        frame
    }
}

impl Opener {
    pub fn open(&mut self, frame: &[u8]) -> Result<Vec<u8>, OpenError> {
        if frame.len() < HEADER + TAG {
            return Err(OpenError::Truncated { have: frame.len(), need: HEADER + TAG });
        }
        let length = u32::from_be_bytes(frame[..4].try_into().expect("4 bytes")) as usize;
        if frame.len() != 4 + length {
            return Err(OpenError::Truncated { have: frame.len(), need: 4 + length });
        }
        let (header, sealed) = frame.split_at(HEADER);
        let direction = header[4];
        let counter = u64::from_be_bytes(header[5..].try_into().expect("8 bytes"));
        let message = self
            .cipher
            .decrypt(&nonce(direction, counter), Payload { msg: sealed, aad: header })
            .map_err(|_| OpenError::Tampered)?;
        // Only now is the header known to be what the sender wrote.
        if direction != self.peer {
            return Err(OpenError::Reflected);
        }
        if counter < self.expected {
            return Err(OpenError::Replayed { counter, expected: self.expected });
        }
        if counter > self.expected {
            return Err(OpenError::Reordered { counter, expected: self.expected });
        }
        self.expected += 1;
        Ok(message)
    }
}

pub fn start_worker(program: &Path) -> io::Result<(Child, Key)> {
    // A key of its own: two workers, or a worker and its restart, each count
    // from 0 — under one shared key their first frames would share a nonce.
    let key = Key::random()?;
    let mut child = Command::new(program).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    let sent = key.send(child.stdin.as_mut().expect("stdin is piped"));
    if let Err(e) = sent {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }
    Ok((child, key))
}
// ANCHOR_END: solution
