//! Reference solution of exercise 25-stations-parallel.
//!
//! From exercise 26 on, this crate is given to the later stages as the
//! dependency `stations_parallel` (for `newline_chunks`).

use std::collections::HashMap;

use rayon::prelude::*;
pub use stations::{Problem, RowError};
use stations_straightforward::{Stats, format_unsorted, parse_row, rows};

/// One chunk's stations, or its first malformed row.
type Partial<'a> = Result<HashMap<&'a [u8], Stats>, RowError>;

// ANCHOR: solution
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    let chunks = newline_chunks(input, rayon::current_num_threads() * 4);
    let partials: Vec<Partial> = chunks.par_iter().map(|&(start, chunk)| summarize(chunk, start)).collect();
    let mut total: HashMap<&[u8], Stats> = HashMap::new();
    // In input order: the first error met is the earliest in the input.
    for partial in partials {
        for (name, stats) in partial? {
            total.entry(name).and_modify(|s| s.merge(&stats)).or_insert(stats);
        }
    }
    Ok(format_unsorted(total))
}

// ANCHOR: api_newline_chunks
/// About `pieces` chunks, each ending just after a `\n` (the last at the
/// input's end), with the offset where each starts.
pub fn newline_chunks(input: &[u8], pieces: usize) -> Vec<(u64, &[u8])> {
    // ANCHOR_END: api_newline_chunks
    let target = input.len().div_ceil(pieces.max(1)).max(1);
    let mut chunks = Vec::with_capacity(pieces);
    let mut start = 0;
    while start < input.len() {
        let guess = (start + target).min(input.len());
        let end = match input[guess..].iter().position(|&b| b == b'\n') {
            Some(i) => guess + i + 1,
            None => input.len(),
        };
        chunks.push((start as u64, &input[start..end]));
        start = end;
    }
    chunks
}

fn summarize(chunk: &[u8], start: u64) -> Partial<'_> {
    let mut stations: HashMap<&[u8], Stats> = HashMap::new();
    for (offset, row) in rows(chunk) {
        let (name, tenths) = parse_row(row, start + offset)?;
        stations.entry(name).and_modify(|s| s.add(tenths)).or_insert_with(|| Stats::new(tenths));
    }
    Ok(stations)
}
// ANCHOR_END: solution
