//! The one test suite of exercise 04, run unchanged against your crate and
//! the reference. `cargo xtask check 04-line-chunks` runs it; do not edit it.

use std::ops::Range;

use line_chunks::line_chunks;
use proptest::prelude::*;

/// Every rule a split must follow, one message per broken rule.
fn problems(data: &[u8], parts: usize, chunks: &[Range<usize>]) -> Vec<String> {
    let mut out = Vec::new();
    if chunks.len() > parts {
        out.push(format!("{} chunks, but at most parts = {parts} were asked for", chunks.len()));
    }
    let longest_line = data.split(|&b| b == b'\n').map(|l| l.len() + 1).max().unwrap_or(0);
    let size_limit = data.len().div_ceil(parts) + longest_line;
    let mut next = 0;
    for (i, c) in chunks.iter().enumerate() {
        if c.start != next {
            let what = if c.start > next { "lost" } else { "counted twice" };
            out.push(format!("chunk {i} ({c:?}) should start at {next}: bytes {what}"));
        }
        if c.end <= c.start {
            out.push(format!("chunk {i} ({c:?}) is empty"));
        } else if c.end > data.len() {
            out.push(format!("chunk {i} ({c:?}) runs past the end ({})", data.len()));
        } else if c.end < data.len() && data[c.end - 1] != b'\n' {
            out.push(format!("chunk {i} ({c:?}) cuts a line: it must end just after a newline"));
        } else if c.len() > size_limit {
            out.push(format!(
                "chunk {i} ({c:?}) holds {} bytes, more than len/parts rounded up plus the longest line ({size_limit})",
                c.len()
            ));
        }
        next = c.end.max(next);
    }
    if next != data.len() {
        out.push(format!("the chunks end at {next}, not at the end of the data ({})", data.len()));
    }
    out
}

fn assert_aligned(data: &[u8], parts: usize) {
    let chunks = line_chunks(data, parts);
    let found = problems(data, parts, &chunks);
    let shown = String::from_utf8_lossy(&data[..data.len().min(60)]);
    assert!(found.is_empty(), "line_chunks({shown:?}…, {parts}) = {chunks:?}:\n  {}", found.join("\n  "));
}

#[test]
fn four_lines_in_two_chunks() {
    assert_aligned(b"ab\ncd\nef\ngh\n", 2);
    assert_eq!(line_chunks(b"ab\ncd\nef\ngh\n", 2).len(), 2, "four short lines fill both chunks");
}

#[test]
fn empty_data_has_no_chunks() {
    assert_eq!(
        line_chunks(b"", 4),
        Vec::<Range<usize>>::new(),
        "empty data has no lines, so no chunks (not an empty one)"
    );
}

#[test]
fn no_final_newline_keeps_the_last_line() {
    for parts in 1..=6 {
        assert_aligned(b"one\ntwo\nthree\nfour", parts);
    }
}

#[test]
fn a_line_longer_than_a_chunk_stays_whole() {
    let mut data = b"short\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 1000));
    data.extend(b"\nend\n");
    for parts in [2, 3, 10, 100] {
        assert_aligned(&data, parts);
    }
}

#[test]
fn data_without_newlines_is_one_chunk() {
    assert_eq!(
        line_chunks(b"no newline at all", 3),
        vec![0..17],
        "17 bytes without a newline are one line, so one chunk: a cut inside would split the line"
    );
}

#[test]
fn only_newlines() {
    for parts in 1..=8 {
        assert_aligned(b"\n\n\n\n\n", parts);
    }
}

#[test]
fn the_remainder_is_spread_not_left_to_the_last_chunk() {
    // Lines of 1 and 2 bytes, every length, every part count up to 24: when
    // `len` is not a multiple of `parts`, cuts aimed at `i * (len / parts)`
    // leave the whole remainder (up to `parts - 1` bytes) to the last chunk.
    for len in 1..=120 {
        for line in [&b"\n"[..], b"x\n"] {
            let data: Vec<u8> = line.iter().copied().cycle().take(len).collect();
            for parts in 1..=24 {
                assert_aligned(&data, parts);
            }
        }
    }
}

#[test]
fn many_short_lines_are_balanced() {
    let data = datagen::station_rows(10_000, 7);
    for parts in [1, 2, 3, 4, 8, 64] {
        assert_aligned(data.as_bytes(), parts);
    }
}

/// 4 MiB in 4 096 parts: the aimed-at cut `i * len / parts` passes `i * len = 2^32`
/// at `i = 1024`, so arithmetic in 32 bits (or in `usize` on a 32-bit target) wraps there.
#[test]
fn a_large_input_in_many_parts() {
    let rows = datagen::station_rows(400_000, 11);
    let data = &rows.as_bytes()[..1 << 22];
    let parts = 4096;
    let chunks = line_chunks(data, parts);
    let found = problems(data, parts, &chunks);
    assert!(
        found.is_empty(),
        "line_chunks(4 MiB of short rows, {parts}) gave {} chunks, {} of them wrong; the first:\n  {}\n\
         The cut aimed at i * len / parts: i * len passes u32::MAX from i = 1024 on here — is it computed in a 32-bit integer?",
        chunks.len(),
        found.len(),
        found.iter().take(4).cloned().collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
#[should_panic(expected = "parts")]
fn zero_chunks_panics_with_a_clear_message() {
    line_chunks(b"a\nb\n", 0);
}

/// What a person sees: the lines found by walking the chunks of a generated
/// measurements file, the way the capstone will.
#[test]
fn generated_rows_report() {
    let data = datagen::station_rows(20_000, 42);
    let mut report = String::new();
    for parts in [1, 2, 4, 7] {
        let chunks = line_chunks(data.as_bytes(), parts);
        let lines: usize = chunks.iter().map(|c| data[c.clone()].lines().count()).sum();
        let bytes: usize = chunks.iter().map(|c| c.len()).sum();
        let whole = chunks.iter().all(|c| data[c.clone()].ends_with('\n'));
        report.push_str(&format!(
            "parts={parts} chunks≤parts={} lines={lines} bytes={bytes} every chunk ends with a newline={whole}\n",
            chunks.len() <= parts
        ));
    }
    insta::assert_snapshot!("generated_rows_report", report);
}

/// Lines of 0–40 bytes, sometimes without the final newline.
fn text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop::collection::vec(prop::sample::select(b"ab;7.".to_vec()), 0..40);
    (prop::collection::vec(line, 0..60), any::<bool>()).prop_map(|(lines, final_newline)| {
        let mut data = lines.join(&b'\n');
        if final_newline && !data.is_empty() {
            data.push(b'\n');
        }
        data
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_any_part_count(data in text(), parts in 1usize..=24) {
        let chunks = line_chunks(&data, parts);
        let found = problems(&data, parts, &chunks);
        prop_assert!(found.is_empty(), "parts = {}, chunks {:?}:\n  {}", parts, chunks, found.join("\n  "));
    }
}
