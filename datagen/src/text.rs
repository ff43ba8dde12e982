//! Text-like generators: words, station rows, log lines.

use std::io::Write;
use std::sync::OnceLock;

use crate::rng::{SplitMix64, Zipf};

/// Fixed so that word frequencies and station names are the same for every
/// seed; the seed only changes the order in which they are drawn.
const VOCABULARY_SEED: u64 = 0x005E_ED0F_C0DE;
const VOCABULARY_SIZE: usize = 20_000;
pub const STATION_COUNT: usize = 10_000;
const MAX_STATION_BYTES: usize = 100;

const ASCII_PIECES: &[&str] = &[
    "a", "e", "i", "o", "u", "ka", "ro", "ta", "ne", "mi", "st", "ber", "lin", "san", "dor", "el", "qu", "x", "z",
    "th", "ph", "ing", "er", "on", "7", "42", "v2",
];
const NON_ASCII_PIECES: &[&str] = &["é", "ß", "ø", "ü", "ñ", "ł", "ç", "日", "本", "Ж", "λ", "ő"];

struct Vocabulary {
    words: Vec<String>,
    zipf: Zipf,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let words = (0..VOCABULARY_SIZE as u64)
            .map(|i| {
                let mut rng = SplitMix64::for_block(VOCABULARY_SEED, i);
                let pieces = 1 + rng.below(4);
                let mut word = String::new();
                for _ in 0..pieces {
                    // About one word in 25 carries a non-ASCII piece.
                    if rng.below(100) < 4 {
                        word.push_str(pick(&mut rng, NON_ASCII_PIECES));
                    } else {
                        word.push_str(pick(&mut rng, ASCII_PIECES));
                    }
                }
                word
            })
            .collect();
        Vocabulary { words, zipf: Zipf::new(VOCABULARY_SIZE) }
    })
}

fn pick<'a>(rng: &mut SplitMix64, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len() as u64) as usize]
}

/// Exactly `len` bytes of words and separators, only whole UTF-8 characters.
pub fn words(rng: &mut SplitMix64, len: usize, out: &mut Vec<u8>) {
    let vocab = vocabulary();
    let end = out.len() + len;
    loop {
        let word = &vocab.words[vocab.zipf.sample(rng)];
        let separator: &[u8] = match rng.below(100) {
            0..=79 => b" ",
            80..=87 => b", ",
            88..=94 => b".\n",
            95..=97 => b" - ",
            _ => b"\t",
        };
        if out.len() + word.len() + separator.len() > end {
            break;
        }
        let start = out.len();
        out.extend_from_slice(word.as_bytes());
        match rng.below(64) {
            0..=3 => out[start].make_ascii_uppercase(),
            4 => out[start..].make_ascii_uppercase(),
            _ => {}
        }
        out.extend_from_slice(separator);
    }
    out.resize(end, b' ');
}

struct Station {
    name: String,
    mean_tenths: i64,
}

fn stations() -> &'static [Station] {
    static STATIONS: OnceLock<Vec<Station>> = OnceLock::new();
    STATIONS.get_or_init(|| {
        let mut seen = std::collections::HashSet::new();
        let mut list: Vec<Station> = Vec::with_capacity(STATION_COUNT);
        let mut i = 0u64;
        while list.len() < STATION_COUNT {
            let mut rng = SplitMix64::for_block(VOCABULARY_SEED ^ 0x57A7, i);
            i += 1;
            let mut name = match list.last() {
                // One in eight shares its predecessor's name as a prefix.
                Some(prev) if rng.below(8) == 0 => format!("{} ", prev.name),
                _ => String::new(),
            };
            // One in a hundred is long, up to the 100-byte limit.
            let pieces = if rng.below(100) == 0 { 40 } else { 1 + rng.below(5) };
            for _ in 0..pieces {
                let piece =
                    if rng.below(10) == 0 { pick(&mut rng, NON_ASCII_PIECES) } else { pick(&mut rng, ASCII_PIECES) };
                if name.len() + piece.len() > MAX_STATION_BYTES {
                    break;
                }
                name.push_str(piece);
            }
            let name = name.trim_end().to_string();
            if name.is_empty() || !seen.insert(name.clone()) {
                continue;
            }
            let mut name = name;
            if name.as_bytes()[0].is_ascii() {
                name[..1].make_ascii_uppercase();
            }
            list.push(Station { name, mean_tenths: rng.range_i64(-300, 300) });
        }
        list
    })
}

/// The distinct station names used by [`station_rows`](crate::station_rows).
pub fn station_names() -> impl Iterator<Item = &'static str> {
    stations().iter().map(|s| s.name.as_str())
}

pub fn station_rows(rng: &mut SplitMix64, rows: u64, out: &mut Vec<u8>) {
    let stations = stations();
    for _ in 0..rows {
        let station = &stations[rng.below(stations.len() as u64) as usize];
        let tenths = (station.mean_tenths + rng.range_i64(-250, 250)).clamp(-999, 999);
        out.extend_from_slice(station.name.as_bytes());
        out.push(b';');
        push_tenths(tenths, out);
        out.push(b'\n');
    }
}

/// As many stations as the public challenge's list has.
pub const CHALLENGE_STATION_COUNT: usize = 413;

const ONSETS: &[&str] =
    &["b", "d", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "ch", "gr", "kh", "sh", "tr", "h", "j"];
const NUCLEI: &[&str] = &["a", "a", "e", "i", "o", "u", "ai", "ou", "é", "ü", "ö", "ã"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "l", "m", "k", "t"];

/// City-like names: one word of two or three syllables mostly, two words in
/// one of twelve, three in one of 120; about one in six has an accented vowel.
/// Lengths and the share of non-ASCII names follow the public list's.
fn challenge_stations() -> &'static [Station] {
    static STATIONS: OnceLock<Vec<Station>> = OnceLock::new();
    STATIONS.get_or_init(|| {
        let mut seen = std::collections::HashSet::new();
        let mut list: Vec<Station> = Vec::with_capacity(CHALLENGE_STATION_COUNT);
        let mut i = 0u64;
        while list.len() < CHALLENGE_STATION_COUNT {
            let mut rng = SplitMix64::for_block(VOCABULARY_SEED ^ 0xC4A1, i);
            i += 1;
            let words = match rng.below(120) {
                0 => 3,
                1..=10 => 2,
                _ => 1,
            };
            let mut name = String::new();
            for w in 0..words {
                if w > 0 {
                    name.push(' ');
                }
                let start = name.len();
                for _ in 0..2 + rng.below(2) {
                    name.push_str(pick(&mut rng, ONSETS));
                    // Accents only now and then: most names stay ASCII.
                    let nucleus = pick(&mut rng, NUCLEI);
                    name.push_str(if nucleus.is_ascii() || rng.below(4) == 0 { nucleus } else { "a" });
                    name.push_str(pick(&mut rng, CODAS));
                }
                name[start..start + 1].make_ascii_uppercase();
            }
            if seen.insert(name.clone()) {
                // Means between -10 and 30 degrees, as the public list's mostly are.
                list.push(Station { name, mean_tenths: rng.range_i64(-100, 300) });
            }
        }
        list
    })
}

/// The distinct station names used by [`challenge_rows`](crate::challenge_rows).
pub fn challenge_station_names() -> impl Iterator<Item = &'static str> {
    challenge_stations().iter().map(|s| s.name.as_str())
}

pub fn challenge_rows(rng: &mut SplitMix64, rows: u64, out: &mut Vec<u8>) {
    let stations = challenge_stations();
    for _ in 0..rows {
        let station = &stations[rng.below(stations.len() as u64) as usize];
        // Normal with a spread of 100 tenths, in integers: the sum of twelve
        // uniform draws from 0..1000 has a standard deviation of 1000.
        let sum: i64 = (0..12).map(|_| rng.below(1000) as i64).sum();
        let tenths = (station.mean_tenths + (sum - 6000) / 10).clamp(-999, 999);
        out.extend_from_slice(station.name.as_bytes());
        out.push(b';');
        push_tenths(tenths, out);
        out.push(b'\n');
    }
}

/// `-12.3`, `0.5`, `-0.5`; never `-0.0`.
fn push_tenths(tenths: i64, out: &mut Vec<u8>) {
    if tenths < 0 {
        out.push(b'-');
    }
    let abs = tenths.unsigned_abs();
    // Digits by hand, not `format!`: an allocation and the formatting
    // machinery per row took a third of a station file's generation.
    let mut whole = [0u8; 20];
    let mut start = whole.len();
    let mut rest = abs / 10;
    loop {
        start -= 1;
        whole[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&whole[start..]);
    out.extend_from_slice(&[b'.', b'0' + (abs % 10) as u8]);
}

const LEVELS: &[&str] = &["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
const PATHS: &[&str] = &["/api/items", "/api/users", "/health", "/api/orders", "/static/app.js"];

pub fn log_lines(rng: &mut SplitMix64, first_row: u64, rows: u64, malformed_ppm: u32, out: &mut Vec<u8>) {
    for row in first_row..first_row + rows {
        let ms = row % 1000;
        let secs = row / 1000;
        let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        let level = pick(rng, LEVELS);
        let worker = rng.below(16);
        let latency = 1 + rng.below(2000);
        let bytes = rng.below(1 << 20);
        let path = pick(rng, PATHS);
        let write = |out: &mut Vec<u8>| {
            write!(
                out,
                "2026-01-01T{h:02}:{m:02}:{s:02}.{ms:03}Z {level} worker={worker} latency_ms={latency} bytes={bytes} path={path}"
            )
            .expect("writing to a Vec cannot fail")
        };
        if rng.chance_ppm(malformed_ppm) {
            let mut line = Vec::new();
            write(&mut line);
            let line = String::from_utf8(line).expect("the line is ASCII");
            let line = match rng.below(4) {
                0 => line[..rng.below(line.len() as u64) as usize].to_string(),
                1 => line.replace("latency_ms=", "latency_ms=x"),
                2 => line.replace(&format!(" latency_ms={latency}"), ""),
                _ => line.replace(level, "LOUD"),
            };
            out.extend_from_slice(line.as_bytes());
        } else {
            // Straight into the output: no line of its own to allocate.
            write(out);
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_are_written_as_format_writes_them() {
        for tenths in (-2000..=2000).chain([i64::MIN + 1, i64::MAX, -100_000, 123_456]) {
            let mut out = Vec::new();
            push_tenths(tenths, &mut out);
            let sign = if tenths < 0 { "-" } else { "" };
            let abs = tenths.unsigned_abs();
            assert_eq!(String::from_utf8(out).unwrap(), format!("{sign}{}.{}", abs / 10, abs % 10), "{tenths}");
        }
    }
}
