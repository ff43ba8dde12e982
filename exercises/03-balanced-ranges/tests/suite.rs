//! The one test suite of exercise 03, run unchanged against your crate and
//! the reference. `cargo xtask check 03-balanced-ranges` runs it; do not edit it.

use std::ops::Range;

use balanced_ranges::balanced_ranges;
use proptest::prelude::*;

/// Everything a balanced split must satisfy, as one error message per broken rule.
fn problems(len: usize, parts: usize, ranges: &[Range<usize>]) -> Vec<String> {
    let mut out = Vec::new();
    if ranges.len() != parts {
        out.push(format!("expected {parts} ranges, got {}", ranges.len()));
    }
    let mut next = 0;
    for (i, r) in ranges.iter().enumerate() {
        if r.start < next {
            out.push(format!(
                "range {i} ({r:?}) should start at {next}, where the range before it ended: items {}..{next} are counted twice",
                r.start
            ));
        } else if r.start > next {
            out.push(format!("range {i} ({r:?}) should start at {next}: items {next}..{} belong to no range", r.start));
        }
        if r.end < r.start {
            out.push(format!("range {i} ({r:?}) ends before it starts"));
        }
        next = r.end;
    }
    if next < len {
        out.push(format!(
            "the ranges end at {next}, not at len = {len}: the last items {next}..{len} belong to no range"
        ));
    } else if next > len {
        out.push(format!("the ranges end at {next}, past len = {len}"));
    }
    let sizes = ranges.iter().map(|r| r.end.saturating_sub(r.start));
    if let (Some(lo), Some(hi)) = (sizes.clone().min(), sizes.max())
        && hi - lo > 1
    {
        out.push(format!("lengths range from {lo} to {hi}: they may differ by at most one"));
    }
    out
}

fn assert_balanced(len: usize, parts: usize) {
    let ranges = balanced_ranges(len, parts);
    let found = problems(len, parts, &ranges);
    assert!(found.is_empty(), "balanced_ranges({len}, {parts}) = {ranges:?}:\n  {}", found.join("\n  "));
}

#[test]
fn ten_items_in_three_parts() {
    assert_balanced(10, 3);
}

#[test]
fn nothing_to_split_gives_empty_ranges() {
    for parts in [1, 2, 5] {
        assert_eq!(balanced_ranges(0, parts), vec![0..0; parts], "len = 0, parts = {parts}");
    }
}

#[test]
fn one_part_is_everything() {
    assert_eq!(balanced_ranges(7, 1), vec![0..7]);
}

#[test]
fn more_parts_than_items() {
    assert_balanced(3, 8);
}

#[test]
fn every_small_length_and_part_count() {
    for len in 0..=100 {
        for parts in 1..=20 {
            assert_balanced(len, parts);
        }
    }
}

#[test]
fn huge_lengths_do_not_overflow() {
    for parts in [1, 2, 3, 7, 1000] {
        assert_balanced(usize::MAX, parts);
        assert_balanced(usize::MAX / 3 * 2, parts);
    }
}

#[test]
#[should_panic(expected = "parts")]
fn zero_parts_panics_with_a_clear_message() {
    balanced_ranges(10, 0);
}

/// What a person sees: how many ranges of each length, for a few splits.
/// (Which ranges are the longer ones is up to you, so only the counts are pinned.)
#[test]
fn length_table() {
    let mut report = String::new();
    for (len, parts) in [(10, 3), (10, 4), (3, 8), (1_000_003, 16), (0, 2)] {
        let mut sizes: Vec<usize> = balanced_ranges(len, parts).iter().map(|r| r.len()).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes.dedup();
        let counts: Vec<String> = sizes
            .iter()
            .map(|&s| {
                let n = balanced_ranges(len, parts).iter().filter(|r| r.len() == s).count();
                format!("{n}×{s}")
            })
            .collect();
        report.push_str(&format!("len={len:<9} parts={parts:<3} {}\n", counts.join(" + ")));
    }
    insta::assert_snapshot!("length_table", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_length_and_part_count(len in 0usize..=usize::MAX, parts in 1usize..=64) {
        let ranges = balanced_ranges(len, parts);
        let found = problems(len, parts, &ranges);
        prop_assert!(found.is_empty(), "balanced_ranges({}, {}):\n  {}", len, parts, found.join("\n  "));
    }
}
