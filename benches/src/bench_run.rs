//! The measurements behind `cargo xtask bench`: the same paired, shuffled
//! rounds as the gate, on the bench-size input read from a file (so Python
//! reads the very same bytes), with no verdict — numbers to export and compare.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use datagen::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::Exercise;
use crate::gate::{call, truncate_debug};
use crate::paired::{ImplStats, Rounds};
use crate::stats::{Interval, bootstrap_median};

/// How long to measure.
#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub min_rounds: usize,
    /// Stop adding rounds after this long, whatever the interval's width.
    pub budget: Duration,
    /// Stop early once the main interval is this narrow (relative half-width).
    pub target_half_width: f64,
}

/// Whether the learner's crate could be timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LearnerStatus {
    Solved,
    /// The stub still reaches `todo!()`.
    NotSolved,
    /// Panicked or gave another answer than the reference: never timed.
    Wrong,
    /// Reported by `xtask` when the crate does not build.
    DoesNotCompile,
}

/// One implementation's numbers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measured {
    /// `learner`, `reference` or `sequential`.
    pub name: String,
    #[serde(flatten)]
    pub stats: ImplStats,
}

/// What one `--bench-run` measured, printed as one JSON line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRun {
    pub exercise: String,
    pub learner_status: LearnerStatus,
    /// Why the learner's crate was not timed.
    pub learner_message: Option<String>,
    pub input_bytes: u64,
    pub cores: usize,
    pub rounds: usize,
    /// Rounds whose busy-probe said the machine was ours; the statistics use
    /// only these when there are at least `min_rounds` of them.
    pub quiet_rounds: usize,
    pub probe_cpu_per_wall: f64,
    pub elapsed_seconds: f64,
    pub implementations: Vec<Measured>,
    /// Reference time / learner time, per round (above 1: faster than the reference).
    pub speed_vs_reference: Option<Interval>,
    /// Sequential time / learner time, per round.
    pub speedup_vs_sequential: Option<Interval>,
    /// Sequential time / reference time, per round.
    pub reference_speedup_vs_sequential: Interval,
    /// The reference's answer, condensed; Python baselines must print the same.
    pub reference_digest: String,
    /// What the `sequential` implementation is: see [`crate::Contenders::baseline`].
    #[serde(default = "crate::gate::sequential_baseline")]
    pub baseline: String,
}

/// Measures `exercise` on `input` until the main interval is narrow enough or
/// the budget is spent. A learner that panics or answers wrongly is not timed;
/// the reference and sequential baseline still are.
pub fn run<I, O: PartialEq + Debug>(exercise: &Exercise<I, O>, input: &I, config: &BenchConfig) -> BenchRun {
    let started = Instant::now();
    let c = &exercise.contenders;
    let expected = c.reference_output(input);
    let (learner_status, learner_message) = match call(c.learner, input) {
        Ok(got) if got == expected => (LearnerStatus::Solved, None),
        Ok(got) => (
            LearnerStatus::Wrong,
            Some(format!("wrong result: got {}, expected {}", truncate_debug(&got), truncate_debug(&expected))),
        ),
        Err(msg) if msg.contains("not yet implemented") => (LearnerStatus::NotSolved, Some(msg)),
        Err(msg) => (LearnerStatus::Wrong, Some(format!("panicked: {msg}"))),
    };
    let solved = learner_status == LearnerStatus::Solved;
    let mut contenders = vec![("reference", c.reference), ("sequential", c.sequential)];
    if solved {
        contenders.insert(0, ("learner", c.learner));
    }
    let (names, functions): (Vec<&str>, Vec<_>) = contenders.into_iter().unzip();
    let index = |name: &str| names.iter().position(|n| *n == name);
    let (reference, sequential) = (index("reference").expect("always measured"), index("sequential").expect("too"));
    // The interval that decides when to stop: the learner against the reference when solved.
    let (top, bottom) = match index("learner") {
        Some(learner) => (reference, learner),
        None => (sequential, reference),
    };

    let mut rounds = Rounds::new(functions.len());
    let mut rng = SplitMix64::new(0xBE7C_4000);
    let counted = loop {
        rounds.run_one(&functions, input, &mut rng);
        if rounds.len() < config.min_rounds {
            continue;
        }
        let quiet = rounds.quiet();
        let counted = if quiet.len() >= config.min_rounds { quiet } else { rounds.clone() };
        let narrow = bootstrap_median(&counted.ratios(top, bottom)).relative_half_width() <= config.target_half_width;
        if narrow || started.elapsed() >= config.budget {
            break counted;
        }
    };
    let per_round = |a: usize, b: usize| bootstrap_median(&counted.ratios(a, b));
    BenchRun {
        exercise: exercise.id.to_string(),
        learner_status,
        learner_message,
        input_bytes: (exercise.input_bytes)(input),
        cores: crate::threads(),
        rounds: rounds.len(),
        quiet_rounds: rounds.quiet().len(),
        probe_cpu_per_wall: rounds.probe_median(),
        elapsed_seconds: started.elapsed().as_secs_f64(),
        implementations: names
            .iter()
            .enumerate()
            .map(|(i, name)| Measured { name: name.to_string(), stats: counted.stats(i) })
            .collect(),
        speed_vs_reference: index("learner").map(|l| per_round(reference, l)),
        speedup_vs_sequential: index("learner").map(|l| per_round(sequential, l)),
        reference_speedup_vs_sequential: per_round(sequential, reference),
        reference_digest: (exercise.digest)(&expected),
        baseline: c.baseline.to_string(),
    }
}
