//! expect: tests-failed
//! failing: pieces_never_cut_a_character
//! cuts the text at byte offsets, each cut moved forward past alphanumeric bytes only — it can stop inside `é`, and slicing the str there panics.

use std::collections::HashMap;

use rayon::prelude::*;

pub fn word_counts(text: &str) -> HashMap<String, u64> {
    let bytes = text.as_bytes();
    let target = text.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let mut cuts = vec![0];
    let mut at = target;
    while at < bytes.len() {
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        cuts.push(at);
        at += target;
    }
    cuts.push(bytes.len());
    cuts.dedup();
    let pieces: Vec<&str> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    pieces
        .par_iter()
        .map(|piece| {
            let mut counts = HashMap::new();
            for word in piece.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
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
