//! Splits the bytes rather than the `str` with rayon's `ParallelSlice::par_split`; words are ASCII, so turning them back into strings is safe.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    text.as_bytes()
        .par_split(|b| !b.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .fold(HashMap::new, |mut counts, word| {
            *counts
                .entry(String::from_utf8_lossy(word).to_ascii_lowercase())
                .or_insert(0) += 1;
            counts
        })
        .reduce(HashMap::new, |a, b| {
            let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (word, n) in small {
                *large.entry(word).or_insert(0) += n;
            }
            large
        })
}
