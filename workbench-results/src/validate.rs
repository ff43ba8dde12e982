//! The one set of rules a results record passes before anything believes
//! it: `compare` reading a file, the workshop server receiving a submission
//! and `bench` naming a participant all call [`parse`] or [`check_name`], so
//! a record refused in one place is refused everywhere, for the same
//! [`Reason`], with the field named.
//!
//! The rules are about what a ranking would otherwise take on trust: the
//! shape (schema, version, types), the numbers (finite, not negative, within
//! what a real machine measures: a `1e300` speed-up would win any ranking),
//! the intervals (`lo ≤ median ≤ hi`), the exercises (known to this
//! workbench and each listed once: an unknown or repeated id would count as
//! solved) and the participant's name (shown on projectors and terminals: no
//! control characters, no terminal escapes, no marks that reorder text).

use std::collections::BTreeSet;
use std::fmt;

use benches::stats::Interval;

use crate::schema::{Results, SCHEMA, SCHEMA_VERSION};
use crate::text::is_unsafe_to_show;

/// The largest record accepted. A results file of every timed exercise is
/// about 100 kB; past this it is not one (and a server would be made to parse it).
pub const MAX_RECORD_BYTES: usize = 256 << 10;
/// A participant's name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// A speed ratio (yours over the reference's, over sequential) outside
/// 1/1000…1000 is a broken measurement or an invented one.
pub const MAX_RATIO: f64 = 1000.0;
/// Python can be far slower than the reference; not a million times.
pub const MAX_PYTHON_RATIO: f64 = 1e6;
/// Seconds for one measured call or probe: a day is already absurd.
const MAX_SECONDS: f64 = 86_400.0;
/// Bytes per second: above 10 TB/s no memory system reads.
const MAX_BYTES_PER_SECOND: f64 = 1e13;
/// One core's dependent integer operations per second.
const MAX_OPS_PER_SECOND: f64 = 1e12;
/// Cores (and so CPU time over wall time).
const MAX_CORES: f64 = 65_536.0;
const MAX_ROUNDS: f64 = 1e6;
/// A share of the memory-bandwidth probe: a cached input can exceed 1, not by this much.
const MAX_BANDWIDTH_SHARE: f64 = 1000.0;

/// Why a record was refused: a stable code for programs (the server's
/// `reason`, tests), words for people in [`Refusal::message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    TooLarge,
    NotJson,
    NotResults,
    UnknownSchemaVersion,
    /// A field is missing or of the wrong type.
    Schema,
    /// NaN, infinite, negative, or beyond what a machine measures.
    BadNumber,
    /// An interval whose bounds are out of order.
    BadInterval,
    BadName,
    UnknownExercise,
    DuplicateExercise,
    BadTime,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::TooLarge => "too-large",
            Reason::NotJson => "not-json",
            Reason::NotResults => "not-results",
            Reason::UnknownSchemaVersion => "unknown-schema-version",
            Reason::Schema => "schema",
            Reason::BadNumber => "bad-number",
            Reason::BadInterval => "bad-interval",
            Reason::BadName => "bad-name",
            Reason::UnknownExercise => "unknown-exercise",
            Reason::DuplicateExercise => "duplicate-exercise",
            Reason::BadTime => "bad-time",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub reason: Reason,
    /// The field, as a path (`exercises[0].speed_vs_reference.hi`), when one is to blame.
    pub field: Option<String>,
    pub message: String,
}

impl Refusal {
    fn new(reason: Reason, field: Option<String>, message: String) -> Self {
        Refusal { reason, field, message }
    }
    fn at(reason: Reason, field: impl Into<String>, message: String) -> Self {
        Refusal::new(reason, Some(field.into()), message)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "field `{field}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Refusal {}

/// Bytes to a record that passed every rule. `known` lists the exercise ids
/// this workbench can measure (its timed exercises, in course order).
pub fn parse(bytes: &[u8], known: &[String]) -> Result<Results, Refusal> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(Refusal::new(
            Reason::TooLarge,
            None,
            format!("{} bytes, more than the {MAX_RECORD_BYTES} a results record can be", bytes.len()),
        ));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Refusal::new(Reason::NotJson, None, format!("not JSON ({e})")))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(Refusal::at(
                Reason::NotResults,
                "schema",
                format!("`{}` is not a workbench results file (expected `{SCHEMA}`)", crate::text::inert(other)),
            ));
        }
        None => {
            return Err(Refusal::new(
                Reason::NotResults,
                None,
                "field `schema` is missing: not a workbench results file".into(),
            ));
        }
    }
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(Refusal::at(
                Reason::UnknownSchemaVersion,
                "schema_version",
                format!(
                    "version {v} is not one this workbench reads (it reads {SCHEMA_VERSION}); use the workbench \
                     version that wrote it"
                ),
            ));
        }
        None => {
            return Err(Refusal::at(Reason::UnknownSchemaVersion, "schema_version", "missing or not a number".into()));
        }
    }
    let results: Results = serde_path_to_error::deserialize(&value).map_err(|e| {
        // A missing top-level field has the path "."; serde's message names it.
        match e.path().to_string().as_str() {
            "." => Refusal::new(Reason::Schema, None, e.into_inner().to_string()),
            field => Refusal::at(Reason::Schema, field.to_string(), e.into_inner().to_string()),
        }
    })?;
    check(&results, known)?;
    Ok(results)
}

/// A participant's name as it may be shown: 1–64 characters once trimmed, no
/// control characters or terminal escapes, no marks that reorder text, and no
/// slashes (it names files).
pub fn check_name(name: &str) -> Result<(), Refusal> {
    let refuse = |why: String| Err(Refusal::at(Reason::BadName, "participant", why));
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return refuse("empty".into());
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return refuse(format!("longer than {MAX_NAME_CHARS} characters"));
    }
    if trimmed != name {
        return refuse("starts or ends with white space".into());
    }
    if let Some(c) = name.chars().find(|c| is_unsafe_to_show(*c)) {
        let what = if c == '\u{1b}' || c == '\u{9b}' {
            "a terminal escape"
        } else if c.is_control() {
            "a control character"
        } else {
            "a mark that reorders text"
        };
        return refuse(format!("contains {what} (U+{:04X}); names are shown on screens as they are", c as u32));
    }
    if name.contains(['/', '\\']) {
        return refuse("contains a slash; names become file names".into());
    }
    Ok(())
}

/// Every rule past the shape: names, times, numbers, intervals, exercises.
pub fn check(r: &Results, known: &[String]) -> Result<(), Refusal> {
    check_name(&r.participant)?;
    if !is_utc_timestamp(&r.created_utc) {
        return Err(Refusal::at(
            Reason::BadTime,
            "created_utc",
            format!("`{}` is not a time like 2026-11-25T09:30:00Z", crate::text::inert(&r.created_utc)),
        ));
    }
    let mut n = Numbers::default();
    let m = &r.machine.described;
    n.within("machine.cores", m.cores as f64, 1.0, MAX_CORES);
    if let Some(bytes) = m.memory_bytes {
        n.within("machine.memory_bytes", bytes as f64, 0.0, 2f64.powi(50));
    }
    let p = &r.probes;
    n.positive("probes.memory_read_bytes_per_second", p.memory_read_bytes_per_second, MAX_BYTES_PER_SECOND);
    n.positive(
        "probes.memory_read_one_thread_bytes_per_second",
        p.memory_read_one_thread_bytes_per_second,
        MAX_BYTES_PER_SECOND,
    );
    n.positive("probes.single_core_ops_per_second", p.single_core_ops_per_second, MAX_OPS_PER_SECOND);
    n.within("probes.seconds", p.seconds, 0.0, MAX_SECONDS);
    let mut seen = BTreeSet::new();
    for (i, e) in r.exercises.iter().enumerate() {
        let at = |field: &str| format!("exercises[{i}].{field}");
        if !known.contains(&e.id) {
            return Err(Refusal::at(
                Reason::UnknownExercise,
                at("id"),
                format!("`{}` is not a timed exercise of this workbench", crate::text::inert(&e.id)),
            ));
        }
        if !seen.insert(e.id.as_str()) {
            return Err(Refusal::at(
                Reason::DuplicateExercise,
                at("id"),
                format!("{} is listed twice; each exercise counts once", e.id),
            ));
        }
        n.within(&at("rounds"), e.rounds as f64, 0.0, MAX_ROUNDS);
        n.within(&at("quiet_rounds"), e.quiet_rounds as f64, 0.0, e.rounds as f64);
        n.within(&at("probe_cpu_per_wall"), e.probe_cpu_per_wall, 0.0, MAX_CORES);
        for (j, imp) in e.implementations.iter().enumerate() {
            let at = |field: &str| at(&format!("implementations[{j}].{field}"));
            n.within(&at("median_seconds"), imp.stats.median_seconds, 0.0, MAX_SECONDS);
            n.within(&at("min_seconds"), imp.stats.min_seconds, 0.0, MAX_SECONDS);
            n.within(&at("max_seconds"), imp.stats.max_seconds, 0.0, MAX_SECONDS);
            n.within(&at("cpu_per_wall"), imp.stats.cpu_per_wall, 0.0, MAX_CORES);
            n.within(&at("throughput_bytes_per_second"), imp.throughput_bytes_per_second, 0.0, MAX_BYTES_PER_SECOND);
        }
        for (j, py) in e.python.iter().enumerate() {
            n.within(&at(&format!("python[{j}].compute_seconds")), py.compute_seconds, 0.0, MAX_SECONDS);
            n.within(&at(&format!("python[{j}].process_seconds")), py.process_seconds, 0.0, MAX_SECONDS);
        }
        for (name, interval) in [
            ("speed_vs_reference", &e.speed_vs_reference),
            ("speedup_vs_sequential", &e.speedup_vs_sequential),
            ("reference_speedup_vs_sequential", &e.reference_speedup_vs_sequential),
        ] {
            if let Some(interval) = interval {
                n.ratio_interval(&at(name), interval);
            }
        }
        if let Some(x) = e.speedup_vs_python {
            n.positive(&at("speedup_vs_python"), x, MAX_PYTHON_RATIO);
        }
        for (name, share) in
            [("bandwidth_share", e.bandwidth_share), ("reference_bandwidth_share", e.reference_bandwidth_share)]
        {
            if let Some(share) = share {
                n.within(&at(name), share, 0.0, MAX_BANDWIDTH_SHARE);
            }
        }
    }
    n.result()
}

/// The first number out of its range, kept while the walk goes on.
#[derive(Default)]
struct Numbers {
    first: Option<Refusal>,
}

impl Numbers {
    fn within(&mut self, field: &str, x: f64, lo: f64, hi: f64) {
        if self.first.is_some() {
            return;
        }
        let why = if x.is_nan() {
            "is NaN".to_string()
        } else if x.is_infinite() {
            "is infinite".to_string()
        } else if x < 0.0 && lo >= 0.0 {
            format!("{} is negative", shown(x))
        } else if x < lo || x > hi {
            format!("{} is absurd (a real measurement lies between {} and {})", shown(x), shown(lo), shown(hi))
        } else {
            return;
        };
        self.first = Some(Refusal::at(Reason::BadNumber, field, why));
    }

    /// Above zero (it is divided by or its logarithm taken) and at most `hi`.
    fn positive(&mut self, field: &str, x: f64, hi: f64) {
        if self.first.is_none() && x == 0.0 {
            self.first = Some(Refusal::at(Reason::BadNumber, field, "is 0; a measured rate is above 0".into()));
        }
        self.within(field, x, 0.0, hi);
    }

    /// A ratio's interval: each bound within 1/[`MAX_RATIO`]…[`MAX_RATIO`], in order.
    fn ratio_interval(&mut self, field: &str, i: &Interval) {
        for (bound, x) in [("lo", i.lo), ("median", i.median), ("hi", i.hi)] {
            self.within(&format!("{field}.{bound}"), x, 1.0 / MAX_RATIO, MAX_RATIO);
        }
        if self.first.is_none() && !(i.lo <= i.median && i.median <= i.hi) {
            let why = format!("lo {} ≤ median {} ≤ hi {} does not hold", i.lo, i.median, i.hi);
            self.first = Some(Refusal::at(Reason::BadInterval, field, why));
        }
    }

    fn result(self) -> Result<(), Refusal> {
        self.first.map_or(Ok(()), Err)
    }
}

/// A number as short as it reads: `1e300`, not three hundred digits.
fn shown(x: f64) -> String {
    if x != 0.0 && !(1e-3..1e6).contains(&x.abs()) { format!("{x:e}") } else { format!("{x}") }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, as `bench` writes it (compared as text to find the newer of two).
fn is_utc_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests;
