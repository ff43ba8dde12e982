//! Exercise 02: the learner's `word_counts`, the reference and a sequential
//! baseline, on the same generated Zipf text.

use std::collections::HashMap;

use benches::{Contenders, Exercise};

fn main() {
    benches::main(Exercise {
        id: "02-word-count",
        generate: |size, seed| datagen::zipf_text(size, seed),
        load: benches::load::utf8,
        input_bytes: |text| text.len() as u64,
        digest: benches::load::word_count_digest,
        contenders: Contenders {
            learner: |text| ex_word_count::word_counts(text),
            reference: |text| ref_word_count::word_counts(text),
            sequential: |text| sequential_word_counts(text),
            baseline: "sequential baseline",
        },
    });
}

/// One pass over the bytes on one core: a word is a maximal run of ASCII
/// alphanumeric bytes, counted in lowercase.
fn sequential_word_counts(text: &str) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    let mut start = 0;
    // A trailing separator ends the last word.
    for (i, byte) in text.bytes().chain([b' ']).enumerate() {
        if byte.is_ascii_alphanumeric() {
            continue;
        }
        if start < i {
            // `start..i` holds only ASCII bytes, so both ends are char boundaries.
            *counts.entry(text[start..i].to_ascii_lowercase()).or_insert(0) += 1;
        }
        start = i + 1;
    }
    counts
}
