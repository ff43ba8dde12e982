//! Reference solution of exercise 22-frame-decoder.

#[path = "../../../exercises/22-frame-decoder/src/given.rs"]
pub mod given;

pub use given::{DecodeError, HEADER};

pub struct Decoder {
    limit: usize,
    /// The current frame's header bytes, `header_len` of them so far.
    header: [u8; HEADER],
    header_len: usize,
    /// The current frame's payload so far; its length once the header is in.
    payload: Vec<u8>,
    expected: Option<usize>,
    /// Where in the stream the current frame starts.
    frame_offset: u64,
    failed: Option<DecodeError>,
}

// ANCHOR: solution
impl Decoder {
    pub fn new(limit: usize) -> Decoder {
        Decoder {
            limit,
            header: [0; HEADER],
            header_len: 0,
            payload: Vec::new(),
            expected: None,
            frame_offset: 0,
            failed: None,
        }
    }

    pub fn feed(&mut self, mut bytes: &[u8], mut on_frame: impl FnMut(&[u8])) -> Result<(), DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        while !bytes.is_empty() {
            let Some(need) = self.expected else {
                // Still reading a header: take what is missing of it.
                let take = (HEADER - self.header_len).min(bytes.len());
                self.header[self.header_len..self.header_len + take].copy_from_slice(&bytes[..take]);
                self.header_len += take;
                bytes = &bytes[take..];
                if self.header_len == HEADER {
                    let declared = u32::from_be_bytes(self.header) as u64;
                    // Checked before a single payload byte is kept.
                    if declared > self.limit as u64 {
                        let e = DecodeError::TooLarge { declared, limit: self.limit, offset: self.frame_offset };
                        self.failed = Some(e.clone());
                        return Err(e);
                    }
                    self.expected = Some(declared as usize);
                    if declared == 0 {
                        self.complete(&mut on_frame);
                    }
                }
                continue;
            };
            if self.payload.is_empty() && bytes.len() >= need {
                // The whole payload is in this piece: hand it out in place.
                let (payload, rest) = bytes.split_at(need);
                on_frame(payload);
                bytes = rest;
                self.frame_offset += (HEADER + need) as u64;
                self.reset();
                continue;
            }
            // Part of it: keep that. Room grows with the bytes that arrive
            // (doubling), never past what the checked header declared: a peer
            // that declares a large frame and sends one byte gets a few bytes.
            let take = (need - self.payload.len()).min(bytes.len());
            let wanted = self.payload.len() + take;
            if self.payload.capacity() < wanted {
                let grown = (self.payload.capacity() * 2).max(wanted).min(need);
                self.payload.reserve_exact(grown - self.payload.len());
            }
            self.payload.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.payload.len() == need {
                self.complete(&mut on_frame);
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let have = self.header_len + self.payload.len();
        if have == 0 {
            return Ok(());
        }
        // Inside the header, the frame needs at least the header.
        let need = HEADER + self.expected.unwrap_or(0);
        Err(DecodeError::Truncated { have, need, offset: self.frame_offset })
    }

    /// The buffered frame is whole: deliver it and start the next.
    fn complete(&mut self, on_frame: &mut impl FnMut(&[u8])) {
        on_frame(&self.payload);
        self.frame_offset += (HEADER + self.payload.len()) as u64;
        self.reset();
    }

    fn reset(&mut self) {
        self.header_len = 0;
        self.expected = None;
        // Keep no memory between frames: a big frame's buffer goes away with it.
        self.payload = Vec::new();
    }
}
// ANCHOR_END: solution
