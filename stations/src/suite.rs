//! The checks the capstone's four test suites share: each suite calls these
//! with its stage's `aggregate` and snapshots what they return.

use proptest::prelude::*;

use std::collections::BTreeMap;

use crate::{Problem, RowError};

/// A stage's entry point, as the suites call it.
pub type Aggregate = fn(&[u8]) -> Result<String, RowError>;

fn rows(rows: &[(&str, &str)]) -> Vec<u8> {
    rows.iter().flat_map(|(name, t)| format!("{name};{t}\n").into_bytes()).collect()
}

/// Means that fall exactly between two tenths, negative zero, the extremes:
/// one result line per case, for a snapshot.
pub fn rounding_table(aggregate: Aggregate) -> String {
    let cases: [(&str, Vec<(&str, &str)>); 9] = [
        ("-0.05 rounds up to 0.0, never -0.0", vec![("a", "-0.1"), ("a", "0.0")]),
        ("0.05 rounds up to 0.1", vec![("a", "0.1"), ("a", "0.0")]),
        ("-0.15 rounds up to -0.1", vec![("a", "-0.1"), ("a", "-0.2")]),
        ("12.25 rounds up to 12.3", vec![("a", "12.2"), ("a", "12.3")]),
        ("-12.25 rounds up to -12.2", vec![("a", "-12.2"), ("a", "-12.3")]),
        ("-0.0333… rounds to 0.0", vec![("a", "-0.1"), ("a", "0.0"), ("a", "0.0")]),
        ("-0.0666… rounds to -0.1", vec![("a", "-0.1"), ("a", "-0.1"), ("a", "0.0")]),
        ("the extremes", vec![("a", "-99.9"), ("a", "99.9"), ("b", "-99.9"), ("b", "-99.9")]),
        ("zeros", vec![("a", "0.0"), ("a", "-0.0"), ("z", "-0.0")]),
    ];
    cases
        .iter()
        .map(|(what, r)| match aggregate(&rows(r)) {
            Ok(line) => format!("{what}: {line}\n"),
            Err(e) => format!("{what}: error {e}\n"),
        })
        .collect()
}

/// The whole input into a sorted map, written independently of the given
/// pieces (floats to read, 128-bit integers to round, `{:.1}` to print): an
/// oracle that shared their code would share their bugs.
pub fn aggregate_oracle(input: &[u8]) -> Result<String, RowError> {
    let mut stations: BTreeMap<Vec<u8>, (i64, i64, i128, i128)> = BTreeMap::new();
    let mut offset = 0u64;
    let mut rest = input;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let row = &rest[..end];
        let error = |problem| RowError { offset, problem };
        let Some(semi) = row.iter().rposition(|&b| b == b';') else { return Err(error(Problem::NoSeparator)) };
        let name = &row[..semi];
        if name.is_empty() || name.len() > crate::MAX_NAME || std::str::from_utf8(name).is_err() {
            return Err(error(Problem::BadName));
        }
        let text = std::str::from_utf8(&row[semi + 1..]).map_err(|_| error(Problem::BadTemperature))?;
        let digits = text.strip_prefix('-').unwrap_or(text);
        let shape_ok = matches!(digits.split_once('.'), Some((int, frac))
            if (1..=2).contains(&int.len()) && frac.len() == 1 && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()));
        if !shape_ok {
            return Err(error(Problem::BadTemperature));
        }
        let tenths = (text.parse::<f64>().map_err(|_| error(Problem::BadTemperature))? * 10.0).round() as i64;
        let entry = stations.entry(name.to_vec()).or_insert((i64::MAX, i64::MIN, 0, 0));
        entry.0 = entry.0.min(tenths);
        entry.1 = entry.1.max(tenths);
        entry.2 += i128::from(tenths);
        entry.3 += 1;
        offset += end as u64 + 1;
        rest = &rest[(end + 1).min(rest.len())..];
    }
    let show = |tenths: i128| {
        let text = format!("{:.1}", tenths as f64 / 10.0);
        if text == "-0.0" { "0.0".to_string() } else { text }
    };
    let parts: Vec<String> = stations
        .iter()
        .map(|(name, &(min, max, sum, n))| {
            let mean = (2 * sum + n).div_euclid(2 * n);
            format!("{}={}/{}/{}", String::from_utf8_lossy(name), show(min.into()), show(mean), show(max.into()))
        })
        .collect();
    Ok(format!("{{{}}}", parts.join(", ")))
}

/// Checks `aggregate` against the oracle on `input`.
pub fn assert_like_oracle(aggregate: Aggregate, input: &[u8], what: &str) {
    let want = aggregate_oracle(input);
    let got = aggregate(input);
    if got != want {
        let short = |r: &Result<String, RowError>| match r {
            Ok(line) if line.len() > 300 => {
                format!("{}… ({} bytes)", String::from_utf8_lossy(&line.as_bytes()[..300]), line.len())
            }
            Ok(line) => line.clone(),
            Err(e) => e.to_string(),
        };
        panic!("{what} ({} bytes of input):\n  got      {}\n  expected {}", input.len(), short(&got), short(&want));
    }
}

/// 5 000 rows over six stations (two of them with non-ASCII names): a result
/// short enough to read in a snapshot.
pub fn few_stations() -> Vec<u8> {
    let names: Vec<&str> = datagen::station_names().filter(|n| n.len() < 12).take(6).collect();
    let mut rng = datagen::SplitMix64::new(24);
    let mut out = Vec::new();
    for i in 0..5_000u64 {
        let t = rng.next_u32() % 1999;
        let t = i64::from(t) - 999;
        let sign = if t < 0 { "-" } else { "" };
        out.extend_from_slice(
            format!("{};{sign}{}.{}\n", names[(i % 6) as usize], t.abs() / 10, t.abs() % 10).as_bytes(),
        );
    }
    out
}

/// Inputs every stage must get right, with what they are.
pub fn edge_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let every_station: Vec<u8> =
        datagen::station_names().flat_map(|name| format!("{name};1.0\n{name};-1.0\n").into_bytes()).collect();
    let one_station: Vec<u8> =
        (0..5000).flat_map(|i| format!("Oslo;{}.{}\n", i % 100 - 50, i % 10).into_bytes()).collect();
    let mut no_final_newline = datagen::station_rows(1000, 3).into_bytes();
    no_final_newline.pop();
    let long_name = "λ".repeat(50);
    vec![
        ("nothing", Vec::new()),
        ("one row", b"Abha;-23.0\n".to_vec()),
        ("one row without a newline", b"Abha;-23.0".to_vec()),
        ("one station, 5000 rows", one_station),
        ("10 000 distinct stations", every_station),
        (
            "names that share prefixes",
            rows(&[("Ab", "1.0"), ("Abc", "2.0"), ("A", "3.0"), ("Abcd", "4.0"), ("Ab", "5.0")]),
        ),
        (
            "long names that differ only at the end",
            rows(&[
                ("Abcdefgh-Nord", "1.0"),
                ("Abcdefgh-Sued", "2.0"),
                ("Abcdefghijklmnop1", "3.0"),
                ("Abcdefghijklmnop2", "4.0"),
            ]),
        ),
        (
            "multi-byte names",
            rows(&[("Zürich", "1.5"), ("Île-de-France", "-2.5"), ("東京", "30.1"), ("Zurich", "0.0")]),
        ),
        ("a name of exactly 100 bytes", rows(&[(&long_name, "9.9"), (&long_name, "-9.9")])),
        ("1000 rows without a final newline", no_final_newline),
        ("200 000 generated rows", datagen::station_rows(200_000, 24).into_bytes()),
        // 2 200 000 × 999 tenths is over i32::MAX: a sum kept in 32 bits wraps.
        ("one station, 2 200 000 rows at 99.9 (a sum beyond 32 bits)", b"Oslo;99.9\n".repeat(2_200_000)),
    ]
}

/// Malformed inputs and the error each must give: the first bad row's offset.
pub fn malformed_inputs() -> Vec<(&'static str, Vec<u8>, RowError)> {
    let at = |offset: u64, problem| RowError { offset, problem };
    let good = b"Abha;-23.0\nOslo;4.5\n".to_vec();
    let with = |bad: &[u8]| [&good[..], bad, b"\nRiga;1.0\n"].concat();
    let long = format!("{};1.0", "x".repeat(101));
    // 51 characters but 102 bytes: the limit counts bytes.
    let long_in_bytes = format!("{};1.0", "λ".repeat(51));
    vec![
        ("a row without ;", with(b"Lima 19.0"), at(20, Problem::NoSeparator)),
        ("an empty name", with(b";19.0"), at(20, Problem::BadName)),
        ("a name of 101 bytes", with(long.as_bytes()), at(20, Problem::BadName)),
        ("a name of 51 characters in 102 bytes", with(long_in_bytes.as_bytes()), at(20, Problem::BadName)),
        ("a name that is not UTF-8", with(b"Li\xffma;19.0"), at(20, Problem::BadName)),
        ("two decimals", with(b"Lima;19.05"), at(20, Problem::BadTemperature)),
        ("no decimal", with(b"Lima;19"), at(20, Problem::BadTemperature)),
        ("three digits", with(b"Lima;100.0"), at(20, Problem::BadTemperature)),
        ("a plus sign", with(b"Lima;+1.0"), at(20, Problem::BadTemperature)),
        // What a float parser accepts and the format does not.
        ("no digit before the point", with(b"Lima;.5"), at(20, Problem::BadTemperature)),
        ("no digit after the point", with(b"Lima;5."), at(20, Problem::BadTemperature)),
        ("a minus and no digit before the point", with(b"Lima;-.5"), at(20, Problem::BadTemperature)),
        ("an exponent", with(b"Lima;1e1"), at(20, Problem::BadTemperature)),
        ("two minus signs", with(b"Lima;--1.0"), at(20, Problem::BadTemperature)),
        ("a decimal comma", with(b"Lima;1,5"), at(20, Problem::BadTemperature)),
        ("a space before the number", with(b"Lima; 1.0"), at(20, Problem::BadTemperature)),
        ("nothing after ;", with(b"Lima;"), at(20, Problem::BadTemperature)),
        ("a blank line", with(b""), at(20, Problem::NoSeparator)),
        // At the very start and the very end: where a stage that trims a chunk's last newline loses it.
        ("a blank first line", [&b"\n"[..], &good].concat(), at(0, Problem::NoSeparator)),
        ("a blank last line", [&good[..], b"\n"].concat(), at(20, Problem::NoSeparator)),
        ("a carriage return", with(b"Lima;1.0\r"), at(20, Problem::BadTemperature)),
    ]
}

/// Checks every malformed input; the two bad rows of the last case are far
/// apart, so a parallel stage must report the first, not the first found.
pub fn assert_malformed_rejected(aggregate: Aggregate) {
    for (what, input, want) in malformed_inputs() {
        assert_eq!(aggregate(&input), Err(want), "{what}: {:?}", String::from_utf8_lossy(&input));
    }
    let mut input = datagen::station_rows(50_000, 5).into_bytes();
    let first = input.len() as u64;
    input.extend_from_slice(b"Lima 19.0\n");
    input.extend_from_slice(datagen::station_rows(300_000, 6).as_bytes());
    input.extend_from_slice(b"Lima;19.05\n");
    assert_eq!(
        aggregate(&input),
        Err(RowError { offset: first, problem: Problem::NoSeparator }),
        "two malformed rows 4 MB apart: the error is the first one's"
    );
}

/// Inputs whose lengths move every chunk boundary across the rows around
/// it: a first row whose name grows one byte at a time (multi-byte
/// characters included), before the same generated rows.
pub fn assert_boundaries_anywhere(aggregate: Aggregate) {
    let base = datagen::station_rows(40_000, 9).into_bytes();
    for grow in 0..60 {
        let name: String = (0..grow).map(|i| if i % 7 == 3 { 'ß' } else { 'q' }).take(grow.min(48)).collect();
        let mut input = format!("P{name};1.0\n").into_bytes();
        input.extend_from_slice(&base);
        assert_like_oracle(aggregate, &input, &format!("a first row of {} bytes, then 40 000 rows", name.len() + 6));
    }
}

/// Rows drawn from a few short names — multi-byte and sharing prefixes —
/// with any temperature, joined with or without a final newline.
pub fn any_rows() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(vec!["a", "ab", "abc", "b", "é", "éa", "日本", "日", "x y", "Ab"]);
    let row = (name, -999i32..=999).prop_map(|(name, t)| {
        let sign = if t < 0 { "-" } else { "" };
        format!("{name};{sign}{}.{}", t.abs() / 10, t.abs() % 10)
    });
    (prop::collection::vec(row, 0..400), any::<bool>()).prop_map(|(rows, final_newline)| {
        let mut text = rows.join("\n");
        if final_newline && !text.is_empty() {
            text.push('\n');
        }
        text.into_bytes()
    })
}
