//! Criterion benchmarks and the paired timing harness.
//!
//! Each exercise has one file in `benches/` that names its three contenders —
//! the learner's crate, the reference and a sequential baseline — and calls
//! [`main`]. The same binary serves two masters:
//! - `cargo bench -p benches --features <exercise>`: a criterion group for detail;
//! - `cargo xtask check` and `bench`: with [`harness::REQUEST_ENV`] set, the
//!   timing gate of [`gate`] or the measurements of [`bench_run`], reported
//!   through the file named by [`harness::REPORT_ENV`] (never stdout).
//!
//! [`probe`] measures the machine itself (memory bandwidth, one core's speed).

pub mod bench_run;
pub mod clock;
pub mod gate;
pub mod harness;
pub mod load;
pub mod paired;
pub mod probe;
pub mod procstat;
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
    /// The baseline the learner must beat: usually one core, sometimes the
    /// naive parallel version the exercise improves on (a static split).
    pub sequential: fn(&I) -> O,
    /// What `sequential` is, as the learner reads it: [`SEQUENTIAL_BASELINE`], "static split".
    pub baseline: &'static str,
}

/// The usual [`Contenders::baseline`]: the same work on one core.
pub const SEQUENTIAL_BASELINE: &str = "sequential baseline";

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
    /// Reads the input from the bytes of a `cargo xtask gen` file.
    pub load: fn(Vec<u8>) -> Result<I, String>,
    pub input_bytes: fn(&I) -> u64,
    /// The answer condensed to one line, as the Python baseline prints it too.
    pub digest: fn(&O) -> String,
    pub contenders: Contenders<I, O>,
}

/// Serialises the tests that burn CPU or run gates: a gate's idle window
/// reads this whole process, other tests' threads included.
#[cfg(test)]
pub(crate) fn cpu_test_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Worker threads for contenders that take a thread count: all cores.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The variables in which `cargo xtask bench` names the worker programs it
/// built for an exercise whose API starts programs (`perf.worker`: 07, 09).
pub const LEARNER_WORKER_ENV: &str = "WORKBENCH_LEARNER_WORKER";
pub const REFERENCE_WORKER_ENV: &str = "WORKBENCH_REFERENCE_WORKER";

/// The worker program named by `var`; without it (plain `cargo bench`), the
/// program `bin` where cargo puts binaries: the folder above this bench's `deps/`.
pub fn worker_program(var: &str, bin: &str) -> std::path::PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return path.into();
    }
    let beside = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.parent()?.join(bin)));
    match beside {
        Some(path) if path.is_file() => path,
        _ => panic!("no worker program: set {var}, or build it first (`cargo build --release --bin {bin}`)"),
    }
}

/// Reads an exercise's input from a `cargo xtask gen` file.
fn load_file<I, O>(exercise: &Exercise<I, O>, path: &std::path::Path) -> Result<I, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    (exercise.load)(bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Entry point of every bench target: serves a [`harness::Request`] when
/// [`harness::REQUEST_ENV`] is set (exit code 2 on a [`harness::Report::Error`]),
/// else runs the criterion group (built without criterion, as the timing
/// gate builds it, it says so and exits with 2).
pub fn main<I, O: PartialEq + Debug>(exercise: Exercise<I, O>) {
    main_beside(exercise, &[]);
}

/// An earlier stage measured beside the contenders by `cargo xtask bench`
/// (never by the gate): its name in the report, and the function.
pub type Beside<I, O> = (&'static str, fn(&I) -> O);

/// [`main`], with earlier stages that `cargo xtask bench` measures in the
/// same rounds, so one run shows how each step paid off.
pub fn main_beside<I, O: PartialEq + Debug>(exercise: Exercise<I, O>, beside: &[Beside<I, O>]) {
    match std::env::var_os(harness::REQUEST_ENV) {
        Some(request) => std::process::exit(harness::main(&exercise, request, beside)),
        #[cfg(feature = "criterion")]
        None => criterion_group(&exercise),
        #[cfg(not(feature = "criterion"))]
        None => {
            eprintln!(
                "error: this build of {} is the timing gate's, without criterion; for criterion's report run \
                 `cargo bench -p benches --features {}`",
                exercise.id,
                exercise.id.split_once('-').map_or(exercise.id, |(_, name)| name)
            );
            std::process::exit(2);
        }
    }
}

#[cfg(feature = "criterion")]
/// The criterion group: one BenchmarkId per implementation at the bench size.
/// `cargo xtask bench` sets `WORKBENCH_INPUT` to its data file, so criterion
/// measures the same bytes; plain `cargo bench` generates the bench size.
fn criterion_group<I, O: PartialEq + Debug>(exercise: &Exercise<I, O>) {
    let (size, input) = match std::env::var_os("WORKBENCH_INPUT") {
        Some(path) => {
            let input = load_file(exercise, path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
            ((exercise.input_bytes)(&input) as usize, input)
        }
        None => {
            let size = manifest_bench_size(exercise.id);
            (size, (exercise.generate)(size, 1))
        }
    };
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10)
        .configure_from_args();
    let mut group = criterion.benchmark_group(exercise.id);
    group.throughput(Throughput::Bytes((exercise.input_bytes)(&input)));
    let c = &exercise.contenders;
    // `cargo xtask bench` has already checked the learner's answer; plain
    // `cargo bench` at least skips a stub that panics.
    let skip = std::env::var_os("WORKBENCH_SKIP_LEARNER").is_some()
        || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (c.learner)(&input))).is_err();
    for (name, f) in [("learner", c.learner), ("reference", c.reference), ("sequential", c.sequential)] {
        if name == "learner" && skip {
            eprintln!("{}: learner: not solved, not measured", exercise.id);
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
