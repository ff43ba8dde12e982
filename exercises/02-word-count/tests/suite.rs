//! The one test suite of exercise 02, run unchanged against your crate and
//! the reference. `cargo xtask check 02-word-count` runs it; do not edit it.

use std::collections::HashMap;

use proptest::prelude::*;
use word_count::word_counts;

/// The sequential oracle every answer is compared with: one pass over the
/// bytes, a word being a maximal run of ASCII alphanumeric bytes.
fn oracle(text: &str) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    let mut word = String::new();
    // A trailing separator flushes the last word.
    for &byte in text.as_bytes().iter().chain(b" ") {
        if byte.is_ascii_alphanumeric() {
            word.push(char::from(byte.to_ascii_lowercase()));
        } else if !word.is_empty() {
            *counts.entry(std::mem::take(&mut word)).or_insert(0) += 1;
        }
    }
    counts
}

/// The map `{word: count}` written out by hand.
fn map(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
    pairs.iter().map(|&(word, n)| (word.to_string(), n)).collect()
}

/// The entries of a map, sorted by word, so a failing assertion reads well.
fn sorted(counts: &HashMap<String, u64>) -> Vec<(&str, u64)> {
    let mut entries: Vec<_> = counts.iter().map(|(w, &n)| (w.as_str(), n)).collect();
    entries.sort_unstable();
    entries
}

#[track_caller]
fn assert_counts(text: &str, expected: &[(&str, u64)]) {
    let (got, want) = (word_counts(text), map(expected));
    assert_eq!(sorted(&got), sorted(&want), "word_counts({text:?})");
}

/// Pieces cut by byte position land anywhere: inside `é` (2 bytes), `日`
/// (3) or `🦀` (4) when the text before them is 0 to 7 bytes longer. A cut
/// must move to a character boundary, and no word may be lost or split.
#[test]
fn pieces_never_cut_a_character() {
    let body: String = "ab é1 日本x 🦀z, ".repeat(20_000);
    for shift in 0..8 {
        let text = format!("{}{body}", "q".repeat(shift));
        let got = std::panic::catch_unwind(|| word_counts(&text)).unwrap_or_else(|_| {
            panic!(
                "word_counts panicked on {} bytes of text with multi-byte characters (shifted by {shift}): \
                 a piece boundary was cut inside a character — move each cut to a char boundary \
                 (str::is_char_boundary) or split on characters, not bytes",
                text.len()
            )
        });
        assert_eq!(sorted(&got), sorted(&oracle(&text)), "{} bytes of multi-byte text shifted by {shift}", text.len());
    }
}

#[test]
fn empty_text_gives_an_empty_map() {
    assert_counts("", &[]);
}

#[test]
fn only_separators_gives_an_empty_map() {
    assert_counts(" ", &[]);
    assert_counts(" \t\n\r .,;:!?-_'\"()[]/ ", &[]);
    assert_counts("é ß 日本語 — «» …", &[]);
}

#[test]
fn control_bytes_separate_words() {
    // Every byte that is not an ASCII letter or digit separates words: control
    // bytes too, not only spaces, punctuation and non-ASCII.
    assert_counts("a\u{b}b\0c\u{1b}d\u{7f}e\u{1}a", &[("a", 2), ("b", 1), ("c", 1), ("d", 1), ("e", 1)]);
}

#[test]
fn one_word() {
    assert_counts("hello", &[("hello", 1)]);
    assert_counts("  hello\n", &[("hello", 1)]);
    assert_counts("x", &[("x", 1)]);
}

#[test]
fn words_are_counted_case_insensitively_in_lowercase() {
    assert_counts("Rust rust RUST", &[("rust", 3)]);
    assert_counts("rUsT Rayon rayon", &[("rust", 1), ("rayon", 2)]);
}

#[test]
fn digits_belong_to_words() {
    assert_counts("v2 V2", &[("v2", 2)]);
    assert_counts("42 042 4 2 2024-01-01", &[("42", 1), ("042", 1), ("4", 1), ("2", 1), ("2024", 1), ("01", 2)]);
}

#[test]
fn non_ascii_characters_separate_words() {
    assert_counts("café", &[("caf", 1)]);
    assert_counts("café naïve straße 日本語x", &[("caf", 1), ("na", 1), ("ve", 1), ("stra", 1), ("e", 1), ("x", 1)]);
    assert_counts("ÉCOLE école", &[("cole", 2)]);
    assert_counts("a日b日a", &[("a", 2), ("b", 1)]);
}

#[test]
fn words_at_the_very_start_and_end_count() {
    assert_counts("start middle end", &[("start", 1), ("middle", 1), ("end", 1)]);
    assert_counts("edge,inner,edge", &[("edge", 2), ("inner", 1)]);
    assert_counts("ßfirst last日", &[("first", 1), ("last", 1)]);
}

#[test]
fn tabs_newlines_and_punctuation_separate_words() {
    assert_counts(
        "one\ttwo\nthree\r\nfour,five.six-seven_eight'nine\"ten(eleven)",
        &[
            ("one", 1),
            ("two", 1),
            ("three", 1),
            ("four", 1),
            ("five", 1),
            ("six", 1),
            ("seven", 1),
            ("eight", 1),
            ("nine", 1),
            ("ten", 1),
            ("eleven", 1),
        ],
    );
    assert_counts("a\n\n\n\ta,,,, a...", &[("a", 3)]);
}

/// However the text is cut into pieces, a word is never cut in two.
#[test]
fn a_long_word_is_never_cut() {
    let word = "abcdefghij".repeat(50_000);
    let text = format!(" {word} {} {word}", word.to_uppercase());
    assert_counts(&text, &[(&word, 3)]);
}

#[test]
fn many_repetitions_are_all_counted() {
    let text = "ab Cd é".repeat(100_000);
    // Between repeats the only separator is `é`: "…Cd éab Cd é…".
    assert_counts(&text, &[("ab", 100_000), ("cd", 100_000)]);
}

#[test]
fn generated_text_matches_the_oracle() {
    let text = datagen::zipf_text(1_000_000, 7);
    let (got, want) = (word_counts(&text), oracle(&text));
    assert_eq!(got.len(), want.len(), "distinct words in 1 MB of generated text (seed 7)");
    assert!(got == want, "word counts of 1 MB of generated text (seed 7) differ from the sequential oracle");
}

/// What a person sees: the most frequent words of generated text.
#[test]
fn generated_text_report() {
    let text = datagen::zipf_text(2_000_000, 42);
    let counts = word_counts(&text);
    let mut top: Vec<(&str, u64)> = counts.iter().map(|(w, &n)| (w.as_str(), n)).collect();
    top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut report = format!(
        "total words:    {}\ndistinct words: {}\n\nrank  count  word\n",
        counts.values().sum::<u64>(),
        counts.len()
    );
    for (rank, (word, n)) in top.iter().take(25).enumerate() {
        report.push_str(&format!("{:>4}  {n:>5}  {word}\n", rank + 1));
    }
    insta::assert_snapshot!("top25_2MB_seed42", report);
}

/// Small pieces of text: ASCII letters in both cases, digits, separators and
/// a few multi-byte characters, so words repeat and boundaries are frequent.
const PIECES: &[&str] = &[
    "a", "b", "A", "B", "ab", "Ab", "rust", "RUST", "x", "0", "7", "v2", " ", " ", " ", "  ", "\t", "\n", ",", ".",
    "-", "_", "'", "é", "ß", "日", "ñ", "Ж", "\0", "\u{b}", "\u{1b}", "\u{7f}",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 100,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn matches_the_sequential_oracle(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..400)) {
        let text = pieces.concat();
        let (got, want) = (word_counts(&text), oracle(&text));
        prop_assert_eq!(sorted(&got), sorted(&want), "text: {:?}", text);
    }
}
