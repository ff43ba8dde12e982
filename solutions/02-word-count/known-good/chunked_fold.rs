//! Cuts the text into about four chunks per thread, each cut moved forward to a separator byte, counts each chunk sequentially and merges the maps.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    let bytes = text.as_bytes();
    let pieces = 4 * rayon::current_num_threads();
    let target = bytes.len().div_ceil(pieces).max(1);
    let mut chunks = Vec::with_capacity(pieces);
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + target).min(bytes.len());
        // Never cut inside a word: move the cut to the next separator byte.
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        chunks.push(&bytes[start..end]);
        start = end;
    }
    chunks
        .par_iter()
        .map(|chunk| count_chunk(chunk))
        .reduce(HashMap::new, merge)
}

fn count_chunk(chunk: &[u8]) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for word in chunk
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = std::str::from_utf8(word).expect("a word is ASCII");
        *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn merge(a: HashMap<String, u64>, b: HashMap<String, u64>) -> HashMap<String, u64> {
    let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (word, n) in small {
        *large.entry(word).or_insert(0) += n;
    }
    large
}
