//! Inputs read from `cargo xtask gen` files, and answers condensed to the one
//! line the Python baselines print too (see `baselines/python/`).

use std::collections::HashMap;

/// A `u32` file: little-endian values, four bytes each.
pub fn u32_le(bytes: Vec<u8>) -> Result<Vec<u32>, String> {
    if !bytes.len().is_multiple_of(4) {
        return Err(format!("{} bytes is not a whole number of u32 values; is it a `gen u32` file?", bytes.len()));
    }
    Ok(bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

/// A text file: must be UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (first bad byte at offset {})", e.utf8_error().valid_up_to()))
}

/// `"<total> words, <distinct> distinct, fnv1a64 <hex>"`, the hash taken over
/// `word\tcount\n` lines sorted by word: equal digests mean equal counts.
pub fn word_count_digest(counts: &HashMap<String, u64>) -> String {
    let mut entries: Vec<(&String, &u64)> = counts.iter().collect();
    entries.sort();
    let mut lines = Vec::new();
    for (word, n) in &entries {
        lines.extend_from_slice(format!("{word}\t{n}\n").as_bytes());
    }
    let total: u64 = counts.values().sum();
    format!("{total} words, {} distinct, fnv1a64 {:016x}", counts.len(), datagen::fnv1a64(&lines))
}

/// A capstone result in one line: how many stations, and a hash of the
/// result line (which can be 300 kB long).
pub fn stations_digest<E: std::fmt::Display>(result: &Result<String, E>) -> String {
    match result {
        Ok(line) => {
            format!("{} stations, fnv1a64 {:016x}", line.matches('=').count(), datagen::fnv1a64(line.as_bytes()))
        }
        Err(e) => format!("error: {e}"),
    }
}

/// An input that must be a file (exercise 27 maps it): written once to the
/// temporary directory, removed when dropped.
pub struct InputFile {
    pub path: std::path::PathBuf,
    pub len: u64,
}

impl InputFile {
    pub fn write(bytes: &[u8]) -> InputFile {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("workbench-input-{}-{n}.txt", std::process::id()));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write the input file {}: {e}", path.display()));
        InputFile { path, len: bytes.len() as u64 }
    }
}

impl Drop for InputFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u32_files_are_little_endian_and_whole() {
        assert_eq!(u32_le(vec![1, 0, 0, 0, 0, 1, 0, 0]), Ok(vec![1, 256]));
        assert!(u32_le(vec![1, 2, 3]).unwrap_err().contains("3 bytes"));
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        assert!(utf8(vec![b'a', 0xFF]).unwrap_err().contains("offset 1"));
    }

    /// The same digest the Python baseline computes for this text
    /// (`python3 baselines/python/word_count.py --digest-of 'b a B'`).
    #[test]
    fn word_count_digest_is_pinned() {
        let counts = HashMap::from([("a".to_string(), 1), ("b".to_string(), 2)]);
        assert_eq!(word_count_digest(&counts), "3 words, 2 distinct, fnv1a64 d795784afa1d9ef5");
    }
}
