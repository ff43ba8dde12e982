//! Reference solution of exercise 02 — word count with rayon.

use std::collections::HashMap;

use rayon::prelude::*;

/// Counts how often each word occurs in `text`, in parallel on rayon's pool.
///
/// The model: a word is a maximal run of ASCII alphanumeric bytes
/// (`[A-Za-z0-9]+`); every other byte — spaces, punctuation, newlines and the
/// bytes of non-ASCII characters alike — separates words. Words are counted
/// case-insensitively: each key is the word in ASCII lowercase, each value is
/// how many times it occurs. The text is split into pieces counted in
/// parallel, each into its own map, and the maps are merged.
///
/// ```ignore
/// let counts = word_count::word_counts("Rust, rust; RUST v2 café");
/// assert_eq!(counts["rust"], 3);
/// assert_eq!(counts["v2"], 1);
/// assert_eq!(counts["caf"], 1); // `é` is not ASCII: it ends the word
/// assert_eq!(counts.len(), 3);
/// ```
///
/// Edge cases: an empty text, or one made only of separators, gives an empty
/// map; a word at the very start or end of `text` counts like any other.
// ANCHOR: solution
pub fn word_counts(text: &str) -> HashMap<String, u64> {
    text.par_split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        // Each rayon task counts into its own map: no lock, no sharing.
        .fold(HashMap::new, |mut counts, word| {
            *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
            counts
        })
        .reduce(HashMap::new, merge)
}

/// Adds the counts of the smaller map into the larger one.
fn merge(a: HashMap<String, u64>, b: HashMap<String, u64>) -> HashMap<String, u64> {
    let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (word, n) in small {
        *large.entry(word).or_insert(0) += n;
    }
    large
}
// ANCHOR_END: solution
