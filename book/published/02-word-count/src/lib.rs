//! Exercise 02 — word count with rayon.
//!
//! Make `cargo xtask check 02-word-count` pass: first the tests, then the
//! timing gate (within 1.3× of the reference, really parallel, faster than a
//! sequential loop).

use std::collections::HashMap;

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
pub fn word_counts(text: &str) -> HashMap<String, u64> {
    todo!("count the words in parallel with rayon")
}
