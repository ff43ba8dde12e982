//! expect: not-parallel
//! A plain sequential loop with one HashMap: correct, but it runs on one core.

use std::collections::HashMap;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}
