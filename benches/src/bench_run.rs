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

/// How long to measure. Missing fields take their [`Default`] values.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchConfig {
    pub min_rounds: usize,
    /// Stop adding rounds after this long, whatever the interval's width.
    pub budget: Duration,
    /// Stop early once the main interval is this narrow (relative half-width).
    pub target_half_width: f64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig { min_rounds: 10, budget: Duration::from_secs(20), target_half_width: 0.02 }
    }
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

/// What one bench run measured (a [`crate::harness::Report::BenchRun`]).
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
    /// Cores left to us in the median round (see [`crate::gate::GateReport`]).
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

/// Measures `exercise` (and the stages `beside` it) on `input` until the main interval is narrow enough or
/// the budget is spent. A learner that panics or answers wrongly is not timed;
/// the reference and sequential baseline still are. Every timed call's output
/// is checked: a learner that goes wrong later is dropped from the numbers.
///
/// # Panics
/// If the reference or the sequential baseline gives another answer (a bug in
/// this repository).
pub fn run<I, O: PartialEq + Debug>(
    exercise: &Exercise<I, O>,
    input: &I,
    config: &BenchConfig,
    beside: &[crate::Beside<I, O>],
) -> BenchRun {
    let started = Instant::now();
    let c = &exercise.contenders;
    let expected = c.reference_output(input);
    let (mut learner_status, mut learner_message) = match call(c.learner, input) {
        Ok(got) if got == expected => (LearnerStatus::Solved, None),
        Ok(got) => (
            LearnerStatus::Wrong,
            Some(format!("wrong result: got {}, expected {}", truncate_debug(&got), truncate_debug(&expected))),
        ),
        Err(msg) if msg.contains("not yet implemented") => (LearnerStatus::NotSolved, Some(msg)),
        Err(msg) => (LearnerStatus::Wrong, Some(format!("panicked: {msg}"))),
    };
    let mut contenders = vec![("reference", c.reference), ("sequential", c.sequential)];
    // Earlier stages, in the same rounds: their answers are checked like the reference's.
    contenders.extend(beside.iter().copied());
    if learner_status == LearnerStatus::Solved {
        contenders.insert(0, ("learner", c.learner));
    }
    let (rounds, counted, names) = loop {
        match measure(&contenders, input, &expected, config, started) {
            Ok((rounds, counted)) => break (rounds, counted, contenders.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
            Err(message) => {
                // Only the learner can fail a round: measure again without it.
                (learner_status, learner_message) = (LearnerStatus::Wrong, Some(message));
                contenders.retain(|(name, _)| *name != "learner");
            }
        }
    };
    let index = |name: &str| names.iter().position(|n| *n == name);
    let (reference, sequential) = (index("reference").expect("always measured"), index("sequential").expect("too"));
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

/// A contender with its name in the report.
type Named<I, O> = (&'static str, fn(&I) -> O);

/// Rounds of `contenders` until the main interval is narrow or the budget is
/// spent: all rounds and the counted ones (the quiet ones when there are
/// enough). Err: the learner's answer changed in a timed round.
fn measure<I, O: PartialEq + Debug>(
    contenders: &[Named<I, O>],
    input: &I,
    expected: &O,
    config: &BenchConfig,
    started: Instant,
) -> Result<(Rounds, Rounds), String> {
    let index = |name: &str| contenders.iter().position(|(n, _)| *n == name);
    let (reference, sequential) = (index("reference").expect("always measured"), index("sequential").expect("too"));
    // The interval that decides when to stop: the learner against the reference when solved.
    let (top, bottom) = match index("learner") {
        Some(learner) => (reference, learner),
        None => (sequential, reference),
    };
    let functions: Vec<fn(&I) -> O> = contenders.iter().map(|(_, f)| *f).collect();
    let mut rounds = Rounds::new(functions.len());
    let mut rng = SplitMix64::new(0xBE7C_4000);
    loop {
        let round = rounds.len() + 1;
        rounds.run_one(&functions, input, &mut rng, |who, out| {
            let name = contenders[who].0;
            match out {
                Ok(got) if got == *expected => Ok(()),
                Err(msg) if name != "learner" => {
                    panic!("{name} panicked in timed round {round}: {msg} (a bug in this repository)")
                }
                Ok(got) if name != "learner" => {
                    panic!("{name} answered {} in timed round {round}: a bug in this repository", truncate_debug(&got))
                }
                Err(msg) => Err(format!("panicked in timed round {round}: {msg}")),
                Ok(got) => Err(format!(
                    "a different answer in timed round {round} than on the first call: got {} — results must not \
                     be cached across calls, and no race may change them",
                    truncate_debug(&got)
                )),
            }
        })?;
        if rounds.len() < config.min_rounds {
            continue;
        }
        let quiet = rounds.quiet();
        let counted = if quiet.len() >= config.min_rounds { quiet } else { rounds.clone() };
        let narrow = bootstrap_median(&counted.ratios(top, bottom)).relative_half_width() <= config.target_half_width;
        if narrow || started.elapsed() >= config.budget {
            return Ok((rounds, counted));
        }
    }
}
