//! expect: tests-failed
//! failing: non_ascii_characters_separate_words
//! Splits with `char::is_alphanumeric`, which is Unicode-aware, so "café" and "日本語x" stay one word.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    text.par_split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .fold(HashMap::new, |mut counts, word| {
            *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            for (word, n) in b {
                *a.entry(word).or_insert(0) += n;
            }
            a
        })
}
