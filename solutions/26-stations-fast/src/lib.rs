//! Reference solution of exercise 26-stations-fast.
//!
//! From exercise 27 on, this crate is given to the later stages as the
//! dependency `stations_fast`.

use rayon::prelude::*;
use stations::MAX_NAME;
pub use stations::{Problem, RowError};
use stations_parallel::newline_chunks;
use stations_straightforward::{Stats, format_unsorted, parse_row};

// ANCHOR: parse
/// A row's name and temperature, read from the row's end: the temperature
/// is `-?D?D.D`, so its `;` is 4, 5 or 6 bytes before the end — no search.
/// `None` for anything else; the caller then asks `parse_row` what is wrong.
#[inline]
fn split_row(row: &[u8]) -> Option<(&[u8], i32)> {
    let n = row.len();
    if n < 5 {
        return None;
    }
    let (tens, dot, tenths) = (row[n - 3].wrapping_sub(b'0'), row[n - 2], row[n - 1].wrapping_sub(b'0'));
    if tens > 9 || dot != b'.' || tenths > 9 {
        return None;
    }
    let mut value = i32::from(tens) * 10 + i32::from(tenths);
    let mut i = n - 4;
    let hundreds = row[i].wrapping_sub(b'0');
    if hundreds <= 9 {
        value += i32::from(hundreds) * 100;
        i = i.checked_sub(1)?;
    }
    if row[i] == b'-' {
        value = -value;
        i = i.checked_sub(1)?;
    }
    (row[i] == b';' && (1..=MAX_NAME).contains(&i)).then(|| (&row[..i], value))
}
// ANCHOR_END: parse

// ANCHOR: table
/// An open-addressing hash table from name to `Stats`, made for this job:
/// names are slices of the input (no copies), the hash is computed once per
/// row, a slot keeps its hash so most mismatches cost one comparison, and
/// a name is checked for UTF-8 only once: when its station is new.
struct Table<'a> {
    slots: Vec<Option<(u64, &'a [u8], Stats)>>,
    len: usize,
}

impl<'a> Table<'a> {
    fn new() -> Table<'a> {
        // 2^15 slots: 10 000 stations fill under a third of them.
        Table { slots: vec![None; 1 << 15], len: 0 }
    }

    /// Adds a reading; `false` if the station is new and its name is not UTF-8.
    #[inline]
    fn add(&mut self, name: &'a [u8], tenths: i32) -> bool {
        let hash = hash(name);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match &mut self.slots[i] {
                Some((h, n, stats)) if *h == hash && *n == name => {
                    stats.add(tenths);
                    return true;
                }
                Some(_) => i = (i + 1) & mask,
                slot @ None => {
                    if std::str::from_utf8(name).is_err() {
                        return false;
                    }
                    *slot = Some((hash, name, Stats::new(tenths)));
                    self.len += 1;
                    if self.len * 2 > self.slots.len() {
                        self.grow();
                    }
                    return true;
                }
            }
        }
    }

    /// Twice the slots (more stations than the format allows, but not a hang).
    fn grow(&mut self) {
        let doubled = vec![None; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for (hash, name, stats) in old.into_iter().flatten() {
            let mut i = hash as usize & mask;
            while self.slots[i].is_some() {
                i = (i + 1) & mask;
            }
            self.slots[i] = Some((hash, name, stats));
        }
    }

    fn into_entries(self) -> impl Iterator<Item = (&'a [u8], Stats)> {
        self.slots.into_iter().flatten().map(|(_, name, stats)| (name, stats))
    }
}

/// FxHash-style: 8 bytes at a time, a rotate, a xor and a multiply each.
#[inline]
fn hash(name: &[u8]) -> u64 {
    let mut h = name.len() as u64;
    let mut words = name.chunks_exact(8);
    for word in &mut words {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word.try_into().unwrap())).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(0x517c_c1b7_2722_0a95)
}
// ANCHOR_END: table

// ANCHOR: aggregate
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    let chunks = newline_chunks(input, rayon::current_num_threads() * 4);
    let tables: Vec<Result<Table, RowError>> =
        chunks.par_iter().map(|&(start, chunk)| summarize(chunk, start)).collect();
    let mut total = Table::new();
    for table in tables {
        for (name, stats) in table?.into_entries() {
            total.merge(name, &stats);
        }
    }
    Ok(format_unsorted(total.into_entries()))
}

/// One chunk's stations, in no order (given from exercise 28 on: a timely
/// worker's share); `start` is the chunk's offset in the input, for errors.
pub fn chunk_stations(chunk: &[u8], start: u64) -> Result<Vec<(&[u8], Stats)>, RowError> {
    Ok(summarize(chunk, start)?.into_entries().collect())
}

fn summarize(chunk: &[u8], start: u64) -> Result<Table<'_>, RowError> {
    let mut table = Table::new();
    let mut at = 0;
    while at < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[at..]).map_or(chunk.len(), |i| at + i);
        let row = &chunk[at..end];
        let added = split_row(row).is_some_and(|(name, tenths)| table.add(name, tenths));
        if !added {
            // The slow, exact parser says what is wrong.
            let (name, tenths) = parse_row(row, start + at as u64)?;
            table.add(name, tenths);
        }
        at = end + 1;
    }
    Ok(table)
}
// ANCHOR_END: aggregate

impl<'a> Table<'a> {
    /// Adds another table's station (its name is already checked).
    fn merge(&mut self, name: &'a [u8], other: &Stats) {
        let hash = hash(name);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match &mut self.slots[i] {
                Some((h, n, stats)) if *h == hash && *n == name => return stats.merge(other),
                Some(_) => i = (i + 1) & mask,
                slot @ None => {
                    *slot = Some((hash, name, *other));
                    self.len += 1;
                    if self.len * 2 > self.slots.len() {
                        self.grow();
                    }
                    return;
                }
            }
        }
    }
}
