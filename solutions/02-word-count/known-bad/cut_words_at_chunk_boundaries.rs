//! expect: tests-failed
//! failing: a_long_word_is_never_cut
//! Cuts the text into equal byte chunks without moving the cuts to a separator, so a word straddling a cut is counted as two words.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    // Four chunks per thread for load balancing.
    let pieces = 4 * rayon::current_num_threads();
    let chunk_len = text.len().div_ceil(pieces).max(1);
    let mut chunks = Vec::with_capacity(pieces);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + chunk_len).min(text.len());
        // Only so that slicing a `&str` does not panic: the cut stays inside the word.
        while !text.is_char_boundary(end) {
            end += 1;
        }
        chunks.push(&text[start..end]);
        start = end;
    }
    chunks
        .par_iter()
        .map(|chunk| {
            let mut counts = HashMap::new();
            for word in chunk
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
            }
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            for (word, n) in b {
                *a.entry(word).or_insert(0) += n;
            }
            a
        })
}
