//! Deterministic inputs for tests, benches, Python baselines and the book.
//!
//! The same `(kind, size, seed)` gives the same bytes on every OS and every
//! version of this project (pinned by `tests/pinned.rs`). The model: a data set
//! is a sequence of fixed-size blocks; block `i` draws from its own
//! [`SplitMix64`] stream seeded from `(seed, i)`, so blocks are generated in
//! parallel and streamed to disk in order. Sampling uses integers only.
//!
//! ```
//! let a = datagen::uniform_u32(1000, 7);
//! assert_eq!(a, datagen::uniform_u32(1000, 7));
//! ```

mod rng;
mod text;

pub use text::{CHALLENGE_STATION_COUNT, STATION_COUNT, challenge_station_names, station_names};

use std::io::{self, Write};
use std::str::FromStr;

pub use rng::{SplitMix64, Zipf};

/// What a data set contains; `size` counts [`Kind::unit`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Uniform `u32` values over the whole range, stored little-endian.
    U32,
    /// Zipf-distributed words (some non-ASCII) with punctuation and newlines.
    Text,
    /// One-billion-row-challenge rows `<station>;<temp>\n`: the workbench's
    /// own, harder shape (10 000 stations, names of 1 to 100 bytes, shared prefixes).
    Stations,
    /// The same rows shaped like the public challenge's data: 413 stations
    /// with short, mostly ASCII names, temperatures normal around each
    /// station's mean with a spread of 10 degrees.
    Challenge,
    /// Log lines, a chosen share of them malformed.
    Logs,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::U32, Kind::Text, Kind::Stations, Kind::Challenge, Kind::Logs];

    pub fn name(self) -> &'static str {
        match self {
            Kind::U32 => "u32",
            Kind::Text => "text",
            Kind::Stations => "stations",
            Kind::Challenge => "challenge",
            Kind::Logs => "logs",
        }
    }

    /// What `size` counts.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::U32 => "items",
            Kind::Text => "bytes",
            Kind::Stations | Kind::Challenge | Kind::Logs => "rows",
        }
    }

    /// Units per block. Part of the format: changing it changes the bytes.
    fn block_units(self) -> u64 {
        match self {
            Kind::U32 => 1 << 16,
            Kind::Text => 1 << 20,
            Kind::Stations | Kind::Challenge | Kind::Logs => 1 << 14,
        }
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| {
            let names: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
            format!("unknown data kind `{s}`; expected one of: {}", names.join(", "))
        })
    }
}

/// A data set: kind, size in units, seed, and for logs the malformed share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub kind: Kind,
    pub size: u64,
    pub seed: u64,
    /// Malformed log lines per million (only [`Kind::Logs`]).
    pub malformed_ppm: u32,
}

impl Spec {
    pub fn new(kind: Kind, size: u64, seed: u64) -> Self {
        Self { kind, size, seed, malformed_ppm: 0 }
    }

    pub fn block_count(&self) -> u64 {
        self.size.div_ceil(self.kind.block_units())
    }

    fn block_len(&self, index: u64) -> u64 {
        let unit = self.kind.block_units();
        unit.min(self.size - index * unit)
    }

    /// Appends block `index` to `out`.
    pub fn render_block(&self, index: u64, out: &mut Vec<u8>) {
        let mut rng = SplitMix64::for_block(self.seed, index);
        let len = self.block_len(index);
        match self.kind {
            Kind::U32 => {
                for _ in 0..len {
                    out.extend_from_slice(&rng.next_u32().to_le_bytes());
                }
            }
            Kind::Text => text::words(&mut rng, len as usize, out),
            Kind::Stations => text::station_rows(&mut rng, len, out),
            Kind::Challenge => text::challenge_rows(&mut rng, len, out),
            Kind::Logs => {
                let first_row = index * self.kind.block_units();
                text::log_lines(&mut rng, first_row, len, self.malformed_ppm, out)
            }
        }
    }

    /// Streams the data set to `w`, generating blocks on `threads` threads and
    /// writing them in order; `progress` gets the units written so far.
    pub fn write_to(&self, w: &mut dyn Write, threads: usize, progress: &mut dyn FnMut(u64)) -> io::Result<()> {
        let threads = threads.max(1) as u64;
        let batch = threads * 4;
        let mut next = 0;
        while next < self.block_count() {
            let end = (next + batch).min(self.block_count());
            let blocks: Vec<Vec<u8>> = std::thread::scope(|s| {
                let handles: Vec<_> = (next..end)
                    .map(|i| {
                        s.spawn(move || {
                            let mut out = Vec::new();
                            self.render_block(i, &mut out);
                            out
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("block generator panicked")).collect()
            });
            for block in &blocks {
                w.write_all(block)?;
            }
            next = end;
            progress((next * self.kind.block_units()).min(self.size));
        }
        w.flush()
    }

    /// The whole data set in memory.
    pub fn generate(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.write_to(&mut out, threads, &mut |_| {}).expect("writing to a Vec cannot fail");
        out
    }
}

/// `n` uniform `u32` values; the same as the bytes of `Spec::new(Kind::U32, n, seed)`.
pub fn uniform_u32(n: usize, seed: u64) -> Vec<u32> {
    let block = Kind::U32.block_units() as usize;
    let mut data = vec![0u32; n];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = n.div_ceil(block).div_ceil(threads).max(1) * block;
    std::thread::scope(|s| {
        for (t, part) in data.chunks_mut(per_thread).enumerate() {
            s.spawn(move || {
                for (b, chunk) in part.chunks_mut(block).enumerate() {
                    let index = (t * per_thread / block + b) as u64;
                    let mut rng = SplitMix64::for_block(seed, index);
                    chunk.iter_mut().for_each(|x| *x = rng.next_u32());
                }
            });
        }
    });
    data
}

/// About `bytes` bytes (exactly that many) of Zipf-distributed words.
pub fn zipf_text(bytes: usize, seed: u64) -> String {
    into_string(Spec::new(Kind::Text, bytes as u64, seed).generate())
}

/// `rows` station rows `<name>;<temp>\n`.
pub fn station_rows(rows: usize, seed: u64) -> String {
    into_string(Spec::new(Kind::Stations, rows as u64, seed).generate())
}

/// `rows` station rows shaped like the public challenge's (see [`Kind::Challenge`]).
pub fn challenge_rows(rows: usize, seed: u64) -> String {
    into_string(Spec::new(Kind::Challenge, rows as u64, seed).generate())
}

/// `rows` log lines, `malformed_ppm` per million of them malformed.
pub fn log_lines(rows: usize, seed: u64, malformed_ppm: u32) -> String {
    let spec = Spec { malformed_ppm, ..Spec::new(Kind::Logs, rows as u64, seed) };
    into_string(spec.generate())
}

fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("generators emit whole UTF-8 characters")
}

/// FNV-1a, 64-bit: a stable fingerprint for pinning generated bytes.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3))
}
