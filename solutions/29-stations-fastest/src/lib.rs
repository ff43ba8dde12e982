//! Reference solution of exercise 29-stations-fastest: the capstone at the
//! speed of the machine. Every step is explained, with measurements, in
//! `book/src/ch08-capstone/fastest.md`.

use std::sync::atomic::{AtomicUsize, Ordering};

use stations::MAX_NAME;
pub use stations::{Problem, RowError};
use stations_parallel::newline_chunks;
use stations_straightforward::{Stats, format_unsorted, parse_row};

// ANCHOR: plan
/// Bytes per piece of work: small enough that no thread waits long for the
/// last one, large enough that taking one costs nothing.
const PIECE: usize = 2 << 20;
/// Rows read side by side in one thread: independent cursors let the CPU
/// overlap one row's cache misses and branches with another's work.
const CURSORS: usize = 2;
/// The fast path reads whole words from a row's start: at most the longest
/// row (100 + 1 + 5 + 1 = 107 bytes) rounded up to words, and one more.
const READ_AHEAD: usize = 128;

pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    let pieces = newline_chunks(input, input.len().div_ceil(PIECE));
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(pieces.len().max(1));
    // Each thread takes the next piece until none is left, into a table of its own.
    let per_thread: Vec<(Vec<Table>, Option<RowError>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut tables = vec![Table::new()];
                    let mut first_error: Option<RowError> = None;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(start, piece)) = pieces.get(i) else { break };
                        let table = tables.last_mut().expect("one table at least");
                        if !table.has_room_for(piece.len()) {
                            tables.push(Table::new());
                        }
                        let table = tables.last_mut().expect("just pushed");
                        if let Err(e) = table.summarize(input, start as usize, start as usize + piece.len()) {
                            first_error = earliest(first_error, e);
                        }
                    }
                    (tables, first_error)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a summarizing thread panicked")).collect()
    });
    // Errors can surface in any order: the earliest in the input wins.
    let mut first_error = None;
    let mut total: std::collections::HashMap<&[u8], Stats> = std::collections::HashMap::new();
    for (tables, error) in per_thread {
        if let Some(e) = error {
            first_error = earliest(first_error, e);
        }
        for (name, stats) in tables.into_iter().flat_map(Table::into_entries) {
            total.entry(name).and_modify(|s| s.merge(&stats)).or_insert(stats);
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(format_unsorted(total)),
    }
}

fn earliest(known: Option<RowError>, found: RowError) -> Option<RowError> {
    Some(match known {
        Some(k) if k.offset <= found.offset => k,
        _ => found,
    })
}
// ANCHOR_END: plan

// ANCHOR: words
/// The 8 bytes at `at`, the first in the lowest bits (as in memory on a
/// little-endian machine, and by definition everywhere else).
#[inline(always)]
fn word(input: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(input[at..at + 8].try_into().expect("8 bytes"))
}

/// The high bit of every byte of `w` equal to `byte`, exact up to the first
/// one (above it a borrow can set bits of its own): ask only for the lowest.
#[inline(always)]
fn bytes_equal(w: u64, byte: u8) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let x = w ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// `0xFF` in every byte up to and including the lowest byte marked by
/// `bytes_equal`: every bit up to the mark (all of them when there is none).
#[inline(always)]
fn through(marks: u64) -> u64 {
    marks ^ marks.wrapping_sub(1)
}

// ANCHOR_END: words

// ANCHOR: temperature
/// The temperature at the start of `w` (a row's bytes after its `;`) in
/// tenths, and how many bytes it takes with its `\n`: `-?D?D.D\n` read with
/// shifts, masks and conditional moves, no branch on the data. `None` for
/// any other shape (a short last row without `\n` included).
#[inline(always)]
fn temperature(w: u64) -> Option<(i32, usize)> {
    let negative = w & 0xFF == u64::from(b'-');
    let w = if negative { w >> 8 } else { w };
    // `D.D` is made `0D.D`, so that every value has the shape `DD.D\n`.
    let one_digit = (w >> 8) & 0xFF == u64::from(b'.');
    let w = if one_digit { (w << 8) | u64::from(b'0') } else { w };
    // Bytes 0, 1 and 3 are digits (high half 3, low half at most 9), byte 2 a '.', byte 4 a '\n'.
    let shape = w & 0xFF_F0_FF_F0_F0 == 0x0A_30_2E_30_30;
    let low_halves_are_digits = ((w & 0x00_0F_00_0F_0F) + 0x00_06_00_06_06) & 0x00_F0_00_F0_F0 == 0;
    if !(shape && low_halves_are_digits) {
        return None;
    }
    // One multiply adds 100·d0 + 10·d1 + d3 into bits 24 to 33 (every product lands apart).
    let value = ((w & 0x0F_00_0F_0F).wrapping_mul(100 << 24 | 10 << 16 | 1) >> 24 & 0x3FF) as i32;
    let len = 5 + usize::from(negative) - usize::from(one_digit);
    Some((if negative { -value } else { value }, len))
}
// ANCHOR_END: temperature

// ANCHOR: table
/// A station's key and numbers in 32 bytes: two share a 64-byte cache line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Station {
    /// A short name (1 to 15 bytes) is its own key: its bytes and its `;` in
    /// two words, the rest zero. A medium name's (16 to 31 bytes) is `[hash
    /// of its four words, MEDIUM | length]`, and the words are compared as
    /// well; a long name's is `[hash, LONG]`, and its bytes are compared as
    /// well.
    key: [u64; 2],
    sum: i64,
    count: u32,
    min: i16,
    max: i16,
}

/// The second word of every long name's key: a length byte of 255.
const LONG: u64 = u64::MAX;
/// The top byte of a medium name's key's second word: 254, never a short
/// name's (zero, or the `;` of a 15-byte name) nor `LONG`'s.
const MEDIUM: u64 = 0xFE << 56;

/// The key of a name of 16 to 31 bytes, from its bytes and its `;` in four
/// words (the rest zero): a hash of the words, and its length under `MEDIUM`.
#[inline(always)]
fn medium_key([w0, w1, w2, w3]: [u64; 4], len: usize) -> [u64; 2] {
    let h = (w0 ^ w2.rotate_left(17)).wrapping_mul(0x517c_c1b7_2722_0a95) ^ (w1 ^ w3.rotate_left(43));
    [h, MEDIUM | len as u64]
}

/// What picks a key's slot: a long key's first word is already a hash.
#[inline(always)]
fn key_hash([k0, k1]: [u64; 2]) -> u64 {
    if k1 == LONG { k0 } else { k0 ^ k1.rotate_left(29) }
}

/// Open addressing with linear probing, the stations in the slots: one
/// load finds a station's key next to its numbers. An empty slot holds the
/// key `EMPTY`, which no name has: a row's first compare finds its station.
/// The table is kept at most a quarter full, so that nearly every station
/// sits in its home slot: a row that must probe further costs a mispredicted
/// branch. The public data's 413 stations in 8 192 slots of 32 bytes touch
/// at most 413 cache lines (26 KiB): they stay in the first level of cache.
struct Table<'a> {
    slots: Vec<Station>,
    /// Each slot's station's name (empty for an empty slot), for long keys and for the result.
    names: Vec<&'a [u8]>,
    /// A medium name's four words, in its slot's place (zeros elsewhere):
    /// its key is a hash, so the words are compared too.
    words: Vec<[u64; 4]>,
    /// Stations in the table.
    len: usize,
    /// 64 minus log2 of the slot count: a hash's top bits pick the slot.
    shift: u32,
    /// Input bytes summarized into this table: a station counts in 32 bits.
    bytes: usize,
}

/// An empty slot's key: a top byte of 253, which no name's key has (a
/// short name's is zero or `;`, a medium's 254, a long's 255). A row's key is
/// compared with the slot's first; only on a miss is the slot checked for empty.
const EMPTY: Station = Station { key: [0, 0xFD << 56], sum: 0, count: 0, min: 0, max: 0 };

/// A new table's slots: 8 192, for 2 048 stations before it first grows.
const FIRST_SLOTS_LOG2: u32 = 13;
/// The slots double when more than a quarter are taken. Measured (100 M
/// rows, median CPU time; the book's fifth batch): half full read 92.6 M
/// rows/s/core on the public data's shape and 69.0 M on the workbench's
/// 10 000 stations; a quarter, 102.0 and 74.1 (fewer rows probe past their
/// home slot); an eighth, 69 on 10 000 stations (4 MiB of slots spill out of
/// the second level of cache).
const MAX_FILL_INVERSE: usize = 4;

/// Rows are at least 6 bytes (`a;0.0\n`): a table that has read fewer than
/// 6 · 2^32 bytes has no count over 2^32. A thread starts a new table well before.
const TABLE_BYTES: usize = 16 << 30;

impl<'a> Table<'a> {
    fn new() -> Table<'a> {
        Table {
            slots: vec![EMPTY; 1 << FIRST_SLOTS_LOG2],
            names: vec![&[]; 1 << FIRST_SLOTS_LOG2],
            words: vec![[0; 4]; 1 << FIRST_SLOTS_LOG2],
            len: 0,
            shift: 64 - FIRST_SLOTS_LOG2,
            bytes: 0,
        }
    }

    fn has_room_for(&self, bytes: usize) -> bool {
        self.bytes + bytes <= TABLE_BYTES
    }

    /// The slot to start probing at: the top bits of the hash times an odd constant.
    #[inline(always)]
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Adds a reading of a short name; `false` if the station is new and its
    /// name is not valid (the caller reports the row).
    #[inline(always)]
    fn add_short(&mut self, key: [u64; 2], input: &'a [u8], at: usize, len: usize, tenths: i32) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key_hash(key));
        loop {
            if self.slots[i].key == key {
                self.slots[i].add(tenths);
                return true;
            }
            if self.slots[i].key == EMPTY.key {
                return self.insert(i, key, &input[at..at + len], tenths, [0; 4]);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a reading of a medium name (16 to 31 bytes, in `words`).
    #[inline(always)]
    fn add_medium(&mut self, words: [u64; 4], input: &'a [u8], at: usize, len: usize, tenths: i32) -> bool {
        let key = medium_key(words, len);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key_hash(key));
        loop {
            if self.slots[i].key == key && self.words[i] == words {
                self.slots[i].add(tenths);
                return true;
            }
            if self.slots[i].key == EMPTY.key {
                return self.insert(i, key, &input[at..at + len], tenths, words);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a reading of a long name (32 to 100 bytes): its hash, then its bytes.
    fn add_long(&mut self, name: &'a [u8], tenths: i32) -> bool {
        let key = [hash_long(name), LONG];
        let mask = self.slots.len() - 1;
        let mut i = self.home(key_hash(key));
        loop {
            if self.slots[i].key == key && self.names[i] == name {
                self.slots[i].add(tenths);
                return true;
            }
            if self.slots[i].key == EMPTY.key {
                return self.insert(i, key, name, tenths, [0; 4]);
            }
            i = (i + 1) & mask;
        }
    }

    /// A new station: its name is checked once, here, not on every row.
    /// (A row without `;` reaches here with the next row's `;`: its name holds a `\n`.)
    #[cold]
    fn insert(&mut self, i: usize, key: [u64; 2], name: &'a [u8], tenths: i32, words: [u64; 4]) -> bool {
        let valid = (1..=MAX_NAME).contains(&name.len()) && !name.contains(&b'\n') && std::str::from_utf8(name).is_ok();
        if !valid {
            return false;
        }
        let t = tenths as i16;
        self.slots[i] = Station { key, sum: i64::from(tenths), count: 1, min: t, max: t };
        self.names[i] = name;
        self.words[i] = words;
        self.len += 1;
        if self.len * MAX_FILL_INVERSE > self.slots.len() {
            self.grow();
        }
        true
    }

    /// Twice the slots, every station moved to its new home.
    fn grow(&mut self) {
        let twice = self.slots.len() * 2;
        let slots = std::mem::replace(&mut self.slots, vec![EMPTY; twice]);
        let names = std::mem::replace(&mut self.names, vec![&[]; twice]);
        let words = std::mem::replace(&mut self.words, vec![[0; 4]; twice]);
        self.shift -= 1;
        let mask = self.slots.len() - 1;
        for ((station, name), w) in slots.into_iter().zip(names).zip(words).filter(|((s, _), _)| s.count != 0) {
            let mut i = self.home(key_hash(station.key));
            while self.slots[i].count != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = station;
            self.names[i] = name;
            self.words[i] = w;
        }
    }

    fn into_entries(self) -> impl Iterator<Item = (&'a [u8], Stats)> {
        self.names
            .into_iter()
            .zip(self.slots)
            .filter(|(_, s)| s.count != 0)
            .map(|(name, s)| (name, Stats { min: s.min.into(), max: s.max.into(), sum: s.sum, count: s.count.into() }))
    }
}

impl Station {
    #[inline(always)]
    fn add(&mut self, tenths: i32) {
        let t = tenths as i16;
        self.min = self.min.min(t);
        self.max = self.max.max(t);
        self.sum += i64::from(tenths);
        self.count += 1;
    }
}

/// FxHash-style over 8-byte words, for the few names of 16 bytes or more:
/// the last word is the name's last 8 bytes (it may overlap the one before).
fn hash_long(name: &[u8]) -> u64 {
    let mix = |h: u64, w: &[u8]| {
        (h.rotate_left(5) ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(0x517c_c1b7_2722_0a95)
    };
    let h = name.chunks_exact(8).fold(name.len() as u64, mix);
    mix(h, &name[name.len() - 8..])
}
// ANCHOR_END: table

// ANCHOR: row
/// What one step of a cursor found.
enum Step {
    /// The row was added; the next starts here.
    Next(usize),
    /// No `;` in the first 16 bytes: a name of 16 bytes or more.
    Long,
    /// Not a shape the fast path reads: the careful path takes this row.
    Careful,
}

impl<'a> Table<'a> {
    /// One row at `at` with a name of at most 15 bytes, read from words.
    /// `READ_AHEAD` bytes of input must follow `at` (they may belong to
    /// later rows: they are only read).
    #[inline(always)]
    fn fast_row(&mut self, input: &'a [u8], at: usize) -> Step {
        // One bounds check for the whole row: the reads below are within the window.
        let window: &[u8; READ_AHEAD] = input[at..at + READ_AHEAD].try_into().expect("READ_AHEAD bytes");
        // The row's first 16 bytes as two words, and the `;` in each.
        let w0 = word(window, 0);
        let w1 = word(window, 8);
        let (s0, s1) = (bytes_equal(w0, b';'), bytes_equal(w1, b';'));
        if s0 | s1 == 0 {
            return Step::Long;
        }
        // No branch on which word holds the `;` (it would be a coin toss):
        // `second` is all ones when the first word has none, and masks the rest.
        let (z0, z1) = (s0.trailing_zeros(), s1.trailing_zeros());
        let second = u64::from(z0 >> 6).wrapping_neg();
        let len = ((z0 + (z1 & second as u32)) / 8) as usize;
        // The `;` stays in the key: without it `a` and `a\0` (a NUL is valid
        // UTF-8) would be the same zero-padded words.
        let key = [w0 & (through(s0) | second), w1 & through(s1) & second];
        let t = word(window, len + 1);
        let Some((tenths, t_len)) = temperature(t) else { return Step::Careful };
        // A row without `;` took the next row's: its name holds a `\n`, and
        // so does an empty name's key never match — `insert` refuses both.
        if !self.add_short(key, input, at, len, tenths) {
            return Step::Careful;
        }
        Step::Next(at + len + 1 + t_len)
    }

    /// A row whose name is 16 bytes or longer. One of 16 to 31 bytes (one
    /// row in 16 of the public data) is read as `fast_row` reads a short one,
    /// from the next two words, and its four words are its key. A longer one
    /// has its `;` found in the window's next words (a name of at most 100
    /// bytes has it in word 12 at the latest), then the whole name hashed.
    /// `None` for anything unusual: the careful path decides.
    #[inline]
    fn long_row(&mut self, input: &'a [u8], at: usize) -> Option<usize> {
        let window: &[u8; READ_AHEAD] = input[at..at + READ_AHEAD].try_into().expect("READ_AHEAD bytes");
        let [w0, w1, w2, w3] = [0, 8, 16, 24].map(|k| word(window, k));
        let (s2, s3) = (bytes_equal(w2, b';'), bytes_equal(w3, b';'));
        if s2 | s3 != 0 {
            let (z2, z3) = (s2.trailing_zeros(), s3.trailing_zeros());
            let second = u64::from(z2 >> 6).wrapping_neg();
            let len = 16 + ((z2 + (z3 & second as u32)) / 8) as usize;
            let words = [w0, w1, w2 & (through(s2) | second), w3 & through(s3) & second];
            let (tenths, t_len) = temperature(word(window, len + 1))?;
            return self.add_medium(words, input, at, len, tenths).then_some(at + len + 1 + t_len);
        }
        let len = (4..13).find_map(|k| {
            let marks = bytes_equal(word(window, 8 * k), b';');
            (marks != 0).then(|| 8 * k + marks.trailing_zeros() as usize / 8)
        })?;
        let (tenths, t_len) = temperature(word(window, len + 1))?;
        // A `;` found past a `\n` (a row without one) makes a name that `insert` refuses.
        (len <= MAX_NAME && self.add_long(&input[at..at + len], tenths)).then_some(at + len + 1 + t_len)
    }

    /// The row at `at` the careful way, for any shape and the input's last
    /// bytes: find its end, and let `parse_row` read it — or say exactly
    /// what is wrong with it.
    #[cold]
    fn careful_row(&mut self, input: &'a [u8], at: usize) -> Result<usize, RowError> {
        let end = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |i| at + i);
        let (name, tenths) = parse_row(&input[at..end], at as u64)?;
        // The same key a fast path makes of this name: its bytes and its `;`.
        let mut bytes = [0u8; 32];
        let added = if name.len() <= 31 {
            bytes[..name.len()].copy_from_slice(name);
            bytes[name.len()] = b';';
            if name.len() <= 15 {
                self.add_short([word(&bytes, 0), word(&bytes, 8)], input, at, name.len(), tenths)
            } else {
                let words = [0, 8, 16, 24].map(|k| word(&bytes, k));
                self.add_medium(words, input, at, name.len(), tenths)
            }
        } else {
            self.add_long(name, tenths)
        };
        assert!(added, "parse_row accepted the name, so the table does");
        Ok(end + 1)
    }
}
// ANCHOR_END: row

// ANCHOR: cursors
/// A position in the input, and where its part of a piece ends.
#[derive(Clone, Copy)]
struct Cursor {
    at: usize,
    end: usize,
}

impl<'a> Table<'a> {
    /// The rows that start in `start..end` of `input`, on `CURSORS` cursors
    /// that take turns; the first malformed row of the range, if any.
    fn summarize(&mut self, input: &'a [u8], start: usize, end: usize) -> Result<(), RowError> {
        self.bytes += end - start;
        // Each cursor has its own newline-aligned part of the range.
        let mut cursors = [Cursor { at: end, end }; CURSORS];
        for (cursor, &(offset, part)) in cursors.iter_mut().zip(&newline_chunks(&input[start..end], CURSORS)) {
            let at = start + offset as usize;
            *cursor = Cursor { at, end: at + part.len() };
        }
        // Past `safe`, a row might be too close to the input's end to read words from.
        let safe = input.len().saturating_sub(READ_AHEAD);
        let mut first_error = None;
        // The hot loop: one row from every cursor per turn, while all can read ahead.
        let fast_until = cursors.map(|c| c.end.min(safe));
        while cursors.iter().zip(&fast_until).all(|(c, &until)| c.at < until) {
            for c in &mut cursors {
                c.at = match self.fast_row(input, c.at) {
                    Step::Next(next) => next,
                    step => self.other_row(input, c.at, c.end, step, &mut first_error),
                };
            }
        }
        // What is left, one cursor at a time.
        for c in &mut cursors {
            while c.at < c.end {
                let step = if c.at < safe { self.fast_row(input, c.at) } else { Step::Careful };
                c.at = match step {
                    Step::Next(next) => next,
                    step => self.other_row(input, c.at, c.end, step, &mut first_error),
                };
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// A row the fast path did not take: a long name, or the careful path.
    /// After a malformed row the cursor jumps to its part's end: the part's
    /// first error is found, and nothing after it matters.
    #[inline(never)]
    fn other_row(
        &mut self,
        input: &'a [u8],
        at: usize,
        end: usize,
        step: Step,
        first_error: &mut Option<RowError>,
    ) -> usize {
        if let Step::Long = step
            && let Some(next) = self.long_row(input, at)
        {
            return next;
        }
        match self.careful_row(input, at) {
            Ok(next) => next,
            Err(e) => {
                *first_error = earliest(*first_error, e);
                end
            }
        }
    }
}
// ANCHOR_END: cursors
