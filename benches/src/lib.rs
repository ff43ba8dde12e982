//! Criterion benchmarks and the paired timing harness.
//!
//! Each exercise has one file in `benches/` that names its three contenders —
//! the learner's crate, the reference and a sequential baseline — and calls
//! [`main`]. The same binary serves two masters:
//! - `cargo bench -p benches --features <exercise>`: a criterion group for detail;
//! - `… --paired [options]` (run by `cargo xtask check`): the timing gate of
//!   [`gate`], printing one JSON [`gate::GateReport`] on stdout.

pub mod clock;
pub mod gate;
pub mod stats;

use std::fmt::Debug;
#[cfg(feature = "criterion")]
use std::time::Duration;

#[cfg(feature = "criterion")]
use criterion::{BenchmarkId, Criterion, Throughput};

/// The implementations measured side by side.
pub struct Contenders<I, O> {
    pub learner: fn(&I) -> O,
    pub reference: fn(&I) -> O,
    pub sequential: fn(&I) -> O,
}

impl<I, O: PartialEq + Debug> Contenders<I, O> {
    /// The reference's answer, cross-checked against the sequential baseline
    /// so a broken reference can never certify a learner.
    fn reference_output(&self, input: &I) -> O {
        let expected = (self.reference)(input);
        let sequential = (self.sequential)(input);
        assert!(expected == sequential, "reference and sequential baseline disagree: a bug in this repository");
        expected
    }
}

/// One exercise's benchmark description.
pub struct Exercise<I, O> {
    /// The id in `exercises.toml`, e.g. `01-parallel-sum`.
    pub id: &'static str,
    /// Builds the input from `(size, seed)`; it is written, so it is pre-faulted.
    pub generate: fn(usize, u64) -> I,
    pub input_bytes: fn(&I) -> u64,
    pub contenders: Contenders<I, O>,
}

/// Worker threads for contenders that take a thread count: all cores.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(feature = "criterion")]
/// Options of the `--paired` mode, as `cargo xtask check` passes them.
struct PairedArgs {
    size: usize,
    seed: u64,
    config: gate::GateConfig,
}

#[cfg(feature = "criterion")]
fn parse_paired(args: &[String]) -> Result<PairedArgs, String> {
    let mut parsed = PairedArgs {
        size: 0,
        seed: 1,
        config: gate::GateConfig { max_ratio: 1.3, parallel: true, budget: Duration::from_secs(10), min_rounds: 7 },
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let bad = |e: &dyn std::fmt::Display| format!("bad value for {flag}: {e}");
        match flag.as_str() {
            "--paired" => {}
            "--size" => parsed.size = value()?.parse().map_err(|e| bad(&e))?,
            "--seed" => parsed.seed = value()?.parse().map_err(|e| bad(&e))?,
            "--max-ratio" => parsed.config.max_ratio = value()?.parse().map_err(|e| bad(&e))?,
            "--parallel" => parsed.config.parallel = value()?.parse().map_err(|e| bad(&e))?,
            "--budget-secs" => parsed.config.budget = Duration::from_secs_f64(value()?.parse().map_err(|e| bad(&e))?),
            "--min-rounds" => parsed.config.min_rounds = value()?.parse().map_err(|e| bad(&e))?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if parsed.size == 0 {
        return Err("--size is required and must be positive".into());
    }
    Ok(parsed)
}

/// Entry point of every bench target.
#[cfg(feature = "criterion")]
pub fn main<I, O: PartialEq + Debug>(exercise: Exercise<I, O>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--paired") {
        let paired = parse_paired(&args).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2)
        });
        let input = (exercise.generate)(paired.size, paired.seed);
        let bytes = (exercise.input_bytes)(&input);
        let report = gate::run(exercise.id, &input, bytes, &exercise.contenders, &paired.config);
        println!("{}", serde_json::to_string(&report).expect("a report serialises"));
    } else {
        criterion_group(&exercise);
    }
}

#[cfg(feature = "criterion")]
/// The criterion group: one BenchmarkId per implementation at the bench size.
fn criterion_group<I, O: PartialEq + Debug>(exercise: &Exercise<I, O>) {
    let size = std::env::var("WORKBENCH_BENCH_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| manifest_bench_size(exercise.id));
    let input = (exercise.generate)(size, 1);
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args();
    let mut group = criterion.benchmark_group(exercise.id);
    group.throughput(Throughput::Bytes((exercise.input_bytes)(&input)));
    let c = &exercise.contenders;
    let solved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (c.learner)(&input))).is_ok();
    for (name, f) in [("learner", c.learner), ("reference", c.reference), ("sequential", c.sequential)] {
        if name == "learner" && !solved {
            eprintln!("{}: learner: not solved (the stub still panics)", exercise.id);
            continue;
        }
        group.bench_with_input(BenchmarkId::new(name, size), &input, |b, input| b.iter(|| f(input)));
    }
    group.finish();
    criterion.final_summary();
}

#[cfg(feature = "criterion")]
/// `[exercise.perf] bench_size` from `exercises.toml`.
fn manifest_bench_size(id: &str) -> usize {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../exercises.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let manifest: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    manifest["exercise"]
        .as_array()
        .and_then(|list| list.iter().find(|e| e["id"].as_str() == Some(id)))
        .and_then(|e| e.get("perf")?.get("bench_size")?.as_integer())
        .unwrap_or_else(|| panic!("{path}: exercise {id} has no perf.bench_size")) as usize
}
