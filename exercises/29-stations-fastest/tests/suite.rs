//! The one test suite of exercise 29-stations-fastest, run against the
//! learner's crate and the reference. First the capstone's checks
//! (`stations::suite`), the same for every stage; then the shapes a fast
//! path built from words gets wrong. An input under a few hundred bytes may
//! never reach a fast path (its last bytes are read the careful way), so
//! each shape is also planted deep inside a large input.

use proptest::prelude::*;
use stations::suite;
use stations::{Problem, RowError};
use stations_fastest::aggregate;

#[test]
fn rounding_and_negative_zero() {
    insta::assert_snapshot!(suite::rounding_table(aggregate));
}

#[test]
fn edge_cases() {
    for (what, input) in suite::edge_inputs() {
        suite::assert_like_oracle(aggregate, &input, what);
    }
}

#[test]
fn a_small_result_as_printed() {
    insta::assert_snapshot!(aggregate(&suite::few_stations()).expect("generated rows are valid"));
}

#[test]
fn malformed_rows_are_reported_with_their_offset() {
    suite::assert_malformed_rejected(aggregate);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_rows_like_the_oracle(input in suite::any_rows()) {
        suite::assert_like_oracle(aggregate, &input, "random rows");
    }

    /// The same random rows with 5 000 good rows before and after them:
    /// now they are read by the fast path, not at the input's end.
    #[test]
    fn any_rows_deep_inside_like_the_oracle(input in suite::any_rows()) {
        suite::assert_like_oracle(aggregate, &deep_inside(&input), "random rows deep inside a large input");
    }
}

#[test]
fn chunk_boundaries_fall_anywhere() {
    suite::assert_boundaries_anywhere(aggregate);
}

/// 5 000 generated rows (about 75 KB), made once: what goes before and
/// after the rows under test.
fn padding() -> &'static (Vec<u8>, Vec<u8>) {
    static PADDING: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    PADDING
        .get_or_init(|| (datagen::station_rows(5_000, 41).into_bytes(), datagen::station_rows(5_000, 42).into_bytes()))
}

/// `rows` between 5 000 generated rows before and 5 000 after: far from
/// the input's end, and over more than one cursor.
fn deep_inside(rows: &[u8]) -> Vec<u8> {
    let (before, after) = padding();
    let mut middle = rows.to_vec();
    if !middle.is_empty() && !middle.ends_with(b"\n") {
        middle.push(b'\n');
    }
    [&before[..], &middle, &after[..]].concat()
}

#[test]
fn every_malformed_row_is_found_deep_inside_a_large_input() {
    let before = &padding().0;
    for (what, input, want) in suite::malformed_inputs() {
        let big = deep_inside(&input);
        let expected = RowError { offset: before.len() as u64 + want.offset, ..want };
        assert_eq!(aggregate(&big).err(), Some(expected), "{what}, 75 KB into the input");
    }
}

/// Names of every length from 1 to 100 bytes, ASCII and multi-byte, and
/// pairs that share their first 7, 8, 15, 16 or 17 bytes: the lengths where
/// a name moves from one word to two, and from the fast key to the long one.
#[test]
fn names_of_every_length_and_shared_prefixes() {
    let mut names: Vec<String> = (1..=100).map(|n| "k".repeat(n)).collect();
    names.extend((1..=50).map(|n| "é".repeat(n)));
    for shared in [7, 8, 15, 16, 17, 31, 32] {
        let prefix = "p".repeat(shared);
        names.extend([format!("{prefix}a"), format!("{prefix}b"), format!("{prefix}ab"), prefix]);
    }
    let mut input = Vec::new();
    for round in 0..40 {
        for (i, name) in names.iter().enumerate() {
            input.extend_from_slice(format!("{name};{}.{}\n", (i + round) % 99, round % 10).as_bytes());
        }
    }
    suite::assert_like_oracle(aggregate, &input, "names of 1 to 100 bytes, with shared prefixes");
}

/// A NUL byte is valid UTF-8: `a`, `a\0` and `\0` are three stations. A key
/// made of zero-padded words tells them apart only if it knows the length.
#[test]
fn names_that_differ_only_by_nul_bytes_are_different_stations() {
    let names: [&[u8]; 6] = [b"a", b"a\0", b"a\0\0", b"\0", b"\0\0\0\0\0\0\0\0a", b"abcdefg\0"];
    let mut input = Vec::new();
    for round in 0..3000 {
        for (i, name) in names.iter().enumerate() {
            input.extend_from_slice(name);
            input.extend_from_slice(format!(";{}.{}\n", i * 10 + round % 7, round % 10).as_bytes());
        }
    }
    suite::assert_like_oracle(aggregate, &input, "names that differ only by NUL bytes");
}

/// A row without `;` between two good rows: reading 16 bytes from it finds
/// the next row's `;` (or none, before a long name), and a search that
/// looks back from its end finds the previous row's. The row is the error.
#[test]
fn a_row_without_separator_does_not_borrow_the_next_rows() {
    for bad in [&b"ab"[..], b"abcdefg", b"abcdefghijk", b"Lima 19.0", b"x", b""] {
        for next in ["a;1.0", "Oslo;-12.3", "Riga;1.5", "Petropavlovsk-Kamchatsky;-5.0"] {
            let middle = [&b"Lima;1.0\n"[..], bad, b"\n", next.as_bytes(), b"\n"].concat();
            let want = RowError { offset: padding().0.len() as u64 + 9, problem: Problem::NoSeparator };
            let got = aggregate(&deep_inside(&middle)).err();
            assert_eq!(got, Some(want), "{:?} then {next:?}", String::from_utf8_lossy(bad));
        }
    }
}

/// Several malformed rows megabytes apart: whatever thread finds one first,
/// the earliest in the input is the one reported.
#[test]
fn the_earliest_of_far_apart_errors_wins() {
    let mut input = datagen::station_rows(800_000, 43).into_bytes(); // about 12 MB
    let row_start_after = |input: &[u8], at: usize| at + input[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let marks: Vec<usize> =
        [0.9, 0.55, 0.2].iter().map(|f| row_start_after(&input, (input.len() as f64 * f) as usize)).collect();
    for &at in &marks {
        // `name;x.y`: not a temperature.
        let semi = at + input[at..].iter().position(|&b| b == b';').unwrap();
        input[semi + 1] = b'x';
        let want = RowError { offset: at as u64, problem: Problem::BadTemperature };
        assert_eq!(aggregate(&input).err(), Some(want), "errors planted at {marks:?}, the earliest so far at {at}");
    }
}

/// Two malformed rows 2 000 bytes apart, around every place where work is
/// likely split (halves, thirds, quarters, eighths of the input, and of
/// 2 MiB pieces): the later one sits at the start of a part and is found
/// first, the earlier one at the end of the part before. Only the earlier counts.
#[test]
fn of_two_errors_around_a_split_the_earlier_wins() {
    let input = datagen::station_rows(330_000, 44).into_bytes(); // about 5 MB
    let row_start_after = |at: usize| at + input[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let len = input.len();
    let mut splits: Vec<usize> = [2, 3, 4, 8].iter().flat_map(|&n| (1..n).map(move |k| len * k / n)).collect();
    splits.extend((1..16).map(|k| k * (2 << 20) / 8).filter(|&at| at + 2000 < len));
    for split in splits {
        let (early, late) = (row_start_after(split - 1000), row_start_after(split + 1000));
        let mut planted = input.clone();
        for at in [early, late] {
            let semi = at + planted[at..].iter().position(|&b| b == b';').unwrap();
            planted[semi + 1] = b'x';
        }
        let want = RowError { offset: early as u64, problem: Problem::BadTemperature };
        assert_eq!(aggregate(&planted).err(), Some(want), "bad rows at {early} and {late} (around {split})");
    }
}

/// Rows shaped like the public challenge's (413 stations, short names), and
/// sample-like inputs: the shapes its published samples have.
#[test]
fn challenge_shaped_rows_and_samples() {
    suite::assert_like_oracle(
        aggregate,
        datagen::challenge_rows(400_000, 5).as_bytes(),
        "400 000 challenge-shaped rows",
    );
    let samples: [(&str, &str); 8] = [
        ("one row", "Kunming;19.8\n"),
        ("two rows", "Bosaso;5.0\nBosaso;-15.0\n"),
        ("a dot in the name", "St. John's;15.2\nCracow;12.6\nSt. John's;-1.1\n"),
        ("the extremes", "Xi;-99.9\nXi;99.9\nYi;0.0\n"),
        ("one-byte names", "a;1.0\nb;2.0\nc;3.0\na;-1.0\n"),
        ("rounding", "Halifax;12.9\nZagreb;12.2\nHalifax;-0.0\nZagreb;-12.2\nHalifax;12.3\n"),
        ("multi-byte", "Düsseldorf;-0.3\nŁódź;1.4\n東京都;5.5\nDüsseldorf;2.2\n"),
        ("spaces and hyphens", "Ho Chi Minh City;30.1\nPetropavlovsk-Kamchatsky;-5.0\nLas Palmas;20.1\n"),
    ];
    for (what, rows) in samples {
        suite::assert_like_oracle(aggregate, rows.as_bytes(), what);
        suite::assert_like_oracle(aggregate, &deep_inside(rows.as_bytes()), what);
    }
}
