//! Reference solution of exercise 24-stations-straightforward.
//!
//! From exercise 25 on, this crate is given to the later stages as the
//! dependency `stations_straightforward` (never to exercise 24 itself).

use std::collections::HashMap;
use std::fmt;

pub use stations::{MAX_NAME, Problem, RowError};

// ANCHOR: stats
// ANCHOR: api_stats
/// One station's temperatures so far, in tenths of a degree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    pub min: i32,
    pub max: i32,
    pub sum: i64,
    pub count: u64,
}
// ANCHOR_END: api_stats

impl Stats {
    /// The statistics of one reading.
    pub fn new(tenths: i32) -> Stats {
        Stats { min: tenths, max: tenths, sum: i64::from(tenths), count: 1 }
    }

    pub fn add(&mut self, tenths: i32) {
        self.min = self.min.min(tenths);
        self.max = self.max.max(tenths);
        self.sum += i64::from(tenths);
        self.count += 1;
    }

    pub fn merge(&mut self, other: &Stats) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
        self.count += other.count;
    }

    /// The mean in tenths, rounded half up: floor((2·sum + n) / (2·n)).
    pub fn mean_tenths(&self) -> i64 {
        let n = self.count as i64;
        (2 * self.sum + n).div_euclid(2 * n)
    }
}
// ANCHOR_END: stats

/// `-12.3`, `0.5`, `-0.5`, and `0.0` — never `-0.0`.
pub fn format_tenths(tenths: i64, out: &mut String) {
    use fmt::Write as _;
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    write!(out, "{sign}{}.{}", abs / 10, abs % 10).expect("writing to a String");
}

// ANCHOR: format
/// The result line for `stations`, which must be sorted by name (byte
/// order) with no name twice: `{name=min/mean/max, …}`.
pub fn format_result<'a>(stations: impl IntoIterator<Item = (&'a [u8], &'a Stats)>) -> String {
    let mut out = String::from("{");
    for (i, (name, stats)) in stations.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&String::from_utf8_lossy(name));
        out.push('=');
        format_tenths(i64::from(stats.min), &mut out);
        out.push('/');
        format_tenths(stats.mean_tenths(), &mut out);
        out.push('/');
        format_tenths(i64::from(stats.max), &mut out);
    }
    out.push('}');
    out
}
// ANCHOR_END: format

// ANCHOR: api_format_unsorted
/// [`format_result`] for stations in any order (a hash map's): sorted first.
pub fn format_unsorted<'a>(stations: impl IntoIterator<Item = (&'a [u8], Stats)>) -> String {
    // ANCHOR_END: api_format_unsorted
    let mut sorted: Vec<(&[u8], Stats)> = stations.into_iter().collect();
    sorted.sort_unstable_by_key(|&(name, _)| name);
    format_result(sorted.iter().map(|(name, stats)| (*name, stats)))
}

/// `-12.3` → `-123`: exactly `-?D?D.D`, the format's only shape.
pub fn parse_tenths(text: &[u8]) -> Option<i32> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let value = match digits {
        [d, b'.', f] => digit(*d)? * 10 + digit(*f)?,
        [d1, d2, b'.', f] => digit(*d1)? * 100 + digit(*d2)? * 10 + digit(*f)?,
        _ => return None,
    };
    Some(if negative { -value } else { value })
}

fn digit(b: u8) -> Option<i32> {
    b.is_ascii_digit().then(|| i32::from(b - b'0'))
}

// ANCHOR: api_parse_row
/// Checks one row (without its `\n`) and splits it into name and tenths.
pub fn parse_row(row: &[u8], offset: u64) -> Result<(&[u8], i32), RowError> {
    // ANCHOR_END: api_parse_row
    let error = |problem| RowError { offset, problem };
    let split = row.iter().rposition(|&b| b == b';').ok_or(error(Problem::NoSeparator))?;
    let (name, temperature) = (&row[..split], &row[split + 1..]);
    if name.is_empty() || name.len() > MAX_NAME || std::str::from_utf8(name).is_err() {
        return Err(error(Problem::BadName));
    }
    let tenths = parse_tenths(temperature).ok_or(error(Problem::BadTemperature))?;
    Ok((name, tenths))
}

/// Rows of `input` with their offsets: `\n` ends a row, and a last row
/// without one counts too.
pub fn rows(input: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    let mut offset = 0u64;
    body.split(|&b| b == b'\n').filter(move |_| !input.is_empty()).map(move |row| {
        let at = offset;
        offset += row.len() as u64 + 1;
        (at, row)
    })
}

// ANCHOR: aggregate
/// The result line for `input`, on one thread.
pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    let mut stations: HashMap<&[u8], Stats> = HashMap::new();
    for (offset, row) in rows(input) {
        let (name, tenths) = parse_row(row, offset)?;
        stations.entry(name).and_modify(|s| s.add(tenths)).or_insert_with(|| Stats::new(tenths));
    }
    Ok(format_unsorted(stations))
}
// ANCHOR_END: aggregate
