//! expect: tests-failed
//! failing: words_are_counted_case_insensitively_in_lowercase
//! Forgets to lowercase the words, so "Rust", "rust" and "RUST" are counted apart.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    text.par_split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .fold(HashMap::new, |mut counts, word| {
            *counts.entry(word.to_string()).or_insert(0) += 1;
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            for (word, n) in b {
                *a.entry(word).or_insert(0) += n;
            }
            a
        })
}
