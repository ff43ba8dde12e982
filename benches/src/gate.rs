//! The timing gate: learner, reference and sequential baseline measured side
//! by side in one process, in interleaved, shuffled rounds; the verdict rests
//! on paired per-round ratios, never on absolute times from separate runs.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use datagen::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::Contenders;
use crate::paired::Rounds;
use crate::paired::idle_group_cores;
pub use crate::paired::{BUSY_PROBE_THRESHOLD, ImplStats, OTHER_CORES_THRESHOLD};
use crate::stats::{Interval, bootstrap, bootstrap_median, upper_quartile};

/// What the gate requires; `cargo xtask check` fills it from `exercises.toml`.
/// Missing fields take their [`Default`] values.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct GateConfig {
    /// Largest accepted learner/reference time ratio.
    pub max_ratio: f64,
    /// Whether "really parallel" applies (CPU/wall and beating sequential).
    pub parallel: bool,
    /// Stop adding rounds after this long → "inconclusive".
    pub budget: Duration,
    pub min_rounds: usize,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig { max_ratio: 1.3, parallel: true, budget: Duration::from_secs(10), min_rounds: 7 }
    }
}

/// The learner's CPU/wall must reach this share of the reference's.
pub const MIN_CPU_SHARE_OF_REFERENCE: f64 = 0.75;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    Inconclusive,
}

/// Why a gate failed or could not decide; the codes are what `verify` matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    WrongResult,
    Panicked,
    TooSlow,
    NotParallel,
    NotFasterThanSequential,
    MachineBusy,
    SingleCore,
    Undecided,
    /// A later call gave another answer than the first call on the same
    /// input, or an earlier input's answer: results cached across calls.
    ChangedBetweenCalls,
    /// CPU kept busy after the learner's function returned.
    LeftThreadsRunning,
}

impl Reason {
    /// The kebab-case code shown to scripts and matched by `verify`.
    pub fn code(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finding {
    pub reason: Reason,
    pub message: String,
}

/// Everything the gate measured, as JSON for `xtask`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GateReport {
    pub exercise: String,
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    pub config: GateConfig,
    pub cores: usize,
    pub input_bytes: u64,
    pub rounds: usize,
    /// Rounds the verdict rests on (for parallel exercises: the quiet ones).
    pub quiet_rounds: usize,
    pub elapsed_seconds: f64,
    pub learner: ImplStats,
    pub reference: ImplStats,
    pub sequential: ImplStats,
    /// learner time / reference time, per round.
    pub ratio_to_reference: Option<Interval>,
    /// learner time / sequential time, per round.
    pub ratio_to_sequential: Option<Interval>,
    /// Cores left to us in the median round: cores minus what processes
    /// outside this process group used (2.0 on an idle 2-core machine).
    pub probe_cpu_per_wall: f64,
    /// What the third contender (`sequential`) is: see [`Contenders::baseline`].
    #[serde(default = "sequential_baseline")]
    pub baseline: String,
    /// The most cores this process group used in the idle window after each
    /// contender's calls (see [`LEFTOVER_MAX_CORES`]).
    #[serde(default)]
    pub idle_cores_after: IdleCores,
}

/// Per contender, the highest idle-window reading over the rounds.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct IdleCores {
    pub learner: f64,
    pub reference: f64,
    pub sequential: f64,
}

/// The pause after a call before its idle window starts: rayon's idle workers
/// spin and yield for well under this before they sleep.
pub const LEFTOVER_GRACE: Duration = Duration::from_millis(2);
/// The idle window after every call (every contender's, so that each call
/// starts on an equally settled machine); only the learner's can fail.
pub const LEFTOVER_WINDOW: Duration = Duration::from_millis(15);
/// More than this many cores busy in the idle window after the learner's
/// call: a thread of theirs is still running. Half a core, as a spinning
/// thread reads about 1.0 and a settled process about 0.
pub const LEFTOVER_MAX_CORES: f64 = 0.5;

/// How many distinct inputs the learner's code is checked on before any
/// timing (seeds `seed`, `seed + 1`): a result cached from the first call is
/// then wrong. Two are enough for that; every timed round then has a fresh
/// input of its own, checked too (each more costs the gate a round's work).
pub const INPUT_POOL: usize = 2;

/// How many of the learner's recent answers a round's answer is compared
/// with, to tell a kept answer from a merely wrong one.
const RECENT_ANSWERS: usize = 6;

pub(crate) fn sequential_baseline() -> String {
    crate::SEQUENTIAL_BASELINE.into()
}

const LEARNER: usize = 0;
const REFERENCE: usize = 1;
const SEQUENTIAL: usize = 2;

/// The evidence from the rounds a verdict rests on (`rounds`), with the
/// probe and the all-rounds ratio taken from every round (`all`).
///
/// CPU/wall is compared at each contender's upper quartile over those rounds,
/// not as a median of per-round shares. Its noise is one-sided: a pool thread
/// the scheduler wakes late (measured here: up to 7 ms late on a 2-core VM,
/// in about a third of 10 ms calls) lowers one call's reading and nothing
/// raises it, so a median of shares failed the reference against itself now
/// and then; the upper quartile shows what the code does when it is let run,
/// and sequential code never reads above 1.0 there either. Even so, seven
/// rounds can hold more late wake-ups on one side than the other, so the
/// share carries a bootstrap interval over rounds, like the time ratios.
fn evidence(rounds: &Rounds, all: &Rounds, cores: usize) -> Evidence {
    let (learner, reference) = (rounds.cpu_per_walls(LEARNER), rounds.cpu_per_walls(REFERENCE));
    let uq_of = |values: &[f64], picks: &[usize]| upper_quartile(&picks.iter().map(|&i| values[i]).collect::<Vec<_>>());
    let share = bootstrap(rounds.len(), |picks| uq_of(&learner, picks) / uq_of(&reference, picks));
    let learner_cpu_per_wall = upper_quartile(&learner);
    let reference_cpu_per_wall = upper_quartile(&reference);
    Evidence {
        cores,
        quiet_rounds: rounds.len(),
        probe_cpu_per_wall: all.probe_median(),
        cpu_share_of_reference: learner_cpu_per_wall / reference_cpu_per_wall,
        cpu_share_upper: share.hi,
        learner_cpu_per_wall,
        reference_cpu_per_wall,
        ratio_to_reference: bootstrap_median(&rounds.ratios(LEARNER, REFERENCE)),
        ratio_to_reference_all_rounds: bootstrap_median(&all.ratios(LEARNER, REFERENCE)),
        ratio_to_sequential: bootstrap_median(&rounds.ratios(LEARNER, SEQUENTIAL)),
    }
}

/// The facts a verdict is computed from (pure data, so verdicts are unit-tested).
#[derive(Clone, Debug)]
pub struct Evidence {
    pub cores: usize,
    /// Rounds in which other programs used under [`OTHER_CORES_THRESHOLD`];
    /// only these count for parallel exercises, so a burst of other work
    /// cannot fail anyone.
    pub quiet_rounds: usize,
    /// Cores left to us in the median round (cores − other programs' use).
    pub probe_cpu_per_wall: f64,
    /// The learner's CPU/wall divided by the reference's, each the upper
    /// quartile over the same rounds.
    pub cpu_share_of_reference: f64,
    /// The upper end of the share's bootstrap 95% CI: "not parallel" needs
    /// it below the minimum too, as "too slow" needs the whole interval above.
    pub cpu_share_upper: f64,
    pub learner_cpu_per_wall: f64,
    pub reference_cpu_per_wall: f64,
    pub ratio_to_reference: Interval,
    pub ratio_to_sequential: Interval,
    /// learner / reference over every round, quiet or not: paired in each
    /// round, so load slows both sides of a ratio alike.
    pub ratio_to_reference_all_rounds: Interval,
}

impl Evidence {
    /// The share reads below the minimum, but not for certain: more rounds
    /// may still show the code parallel, or prove it is not.
    pub fn share_is_open(&self) -> bool {
        self.cpu_share_of_reference < MIN_CPU_SHARE_OF_REFERENCE && self.cpu_share_upper >= MIN_CPU_SHARE_OF_REFERENCE
    }
}

/// On a busy machine, a learner this many times beyond `max_ratio` is too
/// slow whatever the load: other programs slow the learner and the reference
/// of one round alike, and no burst explains a task per item costing 100×.
pub const BUSY_TOO_SLOW_FACTOR: f64 = 2.0;

/// A learner this far beyond `max_ratio` in every round of the first
/// [`EARLY_ROUNDS`] (the whole interval beyond [`BUSY_TOO_SLOW_FACTOR`] times
/// the limit) fails then: four more rounds of a call 50× the reference's only
/// make the learner wait for the same verdict.
pub const EARLY_ROUNDS: usize = 3;

/// The verdict after only [`EARLY_ROUNDS`] rounds, when it is a failure far
/// beyond what noise explains and every finding is decided (none open).
fn early_failure(config: &GateConfig, e: &Evidence, baseline: &str) -> Option<(Outcome, Vec<Finding>)> {
    let hopeless = e.ratio_to_reference.lo > BUSY_TOO_SLOW_FACTOR * config.max_ratio;
    if !hopeless || (config.parallel && e.share_is_open()) {
        return None;
    }
    let early = GateConfig { min_rounds: EARLY_ROUNDS, ..config.clone() };
    let (outcome, findings) = verdict(&early, e, baseline);
    (outcome == Outcome::Fail && findings.iter().any(|f| f.reason == Reason::TooSlow)).then_some((outcome, findings))
}

/// Decides pass / fail / inconclusive. A fail needs the whole confidence
/// interval on the wrong side; a busy or single-core machine never fails a
/// parallel exercise, it makes the verdict inconclusive.
pub fn verdict(config: &GateConfig, e: &Evidence, baseline: &str) -> (Outcome, Vec<Finding>) {
    let mut findings = Vec::new();
    if config.parallel && e.cores < 2 {
        let message = "this machine offers 1 core, so parallelism cannot be measured".to_string();
        return (Outcome::Inconclusive, vec![Finding { reason: Reason::SingleCore, message }]);
    }
    if config.parallel && e.quiet_rounds < config.min_rounds {
        let all = e.ratio_to_reference_all_rounds;
        if all.lo > BUSY_TOO_SLOW_FACTOR * config.max_ratio {
            let message = format!(
                "too slow: {:.2}× the reference's time (95% CI {:.2}–{:.2}), the limit is {:.2}× — measured on a busy \
                 machine, but far beyond what load explains",
                all.median, all.lo, all.hi, config.max_ratio
            );
            return (Outcome::Fail, vec![Finding { reason: Reason::TooSlow, message }]);
        }
        let other = (e.cores as f64 - e.probe_cpu_per_wall).max(0.0);
        let message = format!(
            "the machine is busy: other programs kept {other:.2} of its {} cores busy in most rounds (a round \
             counts when they use under {OTHER_CORES_THRESHOLD}); close other programs and check again",
            e.cores
        );
        return (Outcome::Inconclusive, vec![Finding { reason: Reason::MachineBusy, message }]);
    }
    let r = e.ratio_to_reference;
    // "Not parallel" first: it names the cause; "too slow" is its symptom.
    if config.parallel {
        if e.cpu_share_of_reference < MIN_CPU_SHARE_OF_REFERENCE && !e.share_is_open() {
            findings.push(Finding {
                reason: Reason::NotParallel,
                message: format!(
                    "not parallel: your code kept {:.2} cores busy, the reference {:.2} ({}% of it, needs {:.0}%); \
                     are the threads running at the same time, and is the work shared out evenly?",
                    e.learner_cpu_per_wall,
                    e.reference_cpu_per_wall,
                    distinct(e.cpu_share_of_reference * 100.0, MIN_CPU_SHARE_OF_REFERENCE * 100.0),
                    MIN_CPU_SHARE_OF_REFERENCE * 100.0
                ),
            });
        }
        let s = e.ratio_to_sequential;
        if s.lo >= 1.0 {
            findings.push(Finding {
                reason: Reason::NotFasterThanSequential,
                message: format!(
                    "no faster than the {baseline}: {:.2}× its time (95% CI {:.2}–{:.2})",
                    s.median, s.lo, s.hi
                ),
            });
        }
    }
    if r.lo > config.max_ratio {
        findings.push(Finding {
            reason: Reason::TooSlow,
            message: format!(
                "too slow: {:.2}× the reference's time (95% CI {}–{:.2}), the limit is {:.2}×",
                r.median,
                distinct(r.lo, config.max_ratio),
                r.hi,
                config.max_ratio
            ),
        });
    }
    if !findings.is_empty() {
        return (Outcome::Fail, findings);
    }
    if config.parallel && e.share_is_open() {
        let message = format!(
            "undecided: your code kept {:.2} cores busy, the reference {:.2} ({:.0}% of it, needs {:.0}%), but the \
             rounds disagree (95% CI up to {:.0}%), as when a thread starts late; check again on a quieter machine",
            e.learner_cpu_per_wall,
            e.reference_cpu_per_wall,
            e.cpu_share_of_reference * 100.0,
            MIN_CPU_SHARE_OF_REFERENCE * 100.0,
            e.cpu_share_upper * 100.0
        );
        return (Outcome::Inconclusive, vec![Finding { reason: Reason::Undecided, message }]);
    }
    let decided = r.hi <= config.max_ratio && (!config.parallel || e.ratio_to_sequential.hi < 1.0);
    if decided {
        (Outcome::Pass, findings)
    } else {
        // Name the interval that is still open: the ratio to the reference
        // against its limit, or the comparison with the baseline against 1.0.
        let message = if r.hi > config.max_ratio {
            format!(
                "undecided: your time is {:.2}× the reference's (95% CI {:.2}–{}), which straddles the limit {:.2}× \
                 within the time budget; check again on a quieter machine",
                r.median,
                r.lo,
                distinct(r.hi, config.max_ratio),
                config.max_ratio
            )
        } else {
            let s = e.ratio_to_sequential;
            format!(
                "undecided: your time is within the limit ({:.2}× the reference's, 95% CI up to {:.2}×), but {:.2}× \
                 the {baseline}'s (95% CI {:.2}–{}) does not yet show it faster; check again on a quieter machine",
                r.median,
                r.hi,
                s.median,
                s.lo,
                distinct(s.hi, 1.0)
            )
        };
        (Outcome::Inconclusive, vec![Finding { reason: Reason::Undecided, message }])
    }
}

/// `value` with two decimals, or more where two would show it equal to
/// `limit` it was compared with: "74.96% … needs 75%", never "75%, needs 75%".
fn distinct(value: f64, limit: f64) -> String {
    (2..=4)
        .map(|decimals| (format!("{value:.decimals$}"), format!("{limit:.decimals$}")))
        .find(|(v, l)| v != l)
        .map_or_else(|| format!("{value}"), |(v, _)| v)
}

/// Calls `f`, turning a panic into its message.
pub(crate) fn call<I, O>(f: fn(&I) -> O, input: &I) -> Result<O, String> {
    catch_unwind(AssertUnwindSafe(|| f(input))).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// Runs the gate: correctness first on a pool of distinct inputs (see
/// [`INPUT_POOL`]; a wrong answer is never timed), then rounds until the
/// verdict is decided or the budget runs out. Each round runs on a fresh
/// input, `fresh(round)`, generated before the round: new contents in a new
/// allocation, so no answer kept from an earlier call — keyed by anything —
/// can be right. Every timed call's output is checked against the
/// reference's in the same round, outside the timed span.
///
/// # Panics
/// If `inputs` is empty, or the reference and the sequential baseline
/// disagree (a bug in this repository, never the learner's).
pub fn run<I, O: PartialEq + Debug>(
    exercise: &str,
    inputs: &[I],
    fresh: &dyn Fn(u64) -> I,
    input_bytes: u64,
    contenders: &Contenders<I, O>,
    config: &GateConfig,
) -> GateReport {
    assert!(!inputs.is_empty(), "the gate needs at least one input");
    let started = Instant::now();
    let cores = crate::threads();
    let mut report = GateReport {
        exercise: exercise.to_string(),
        outcome: Outcome::Fail,
        findings: Vec::new(),
        config: config.clone(),
        cores,
        input_bytes,
        rounds: 0,
        quiet_rounds: 0,
        elapsed_seconds: 0.0,
        learner: ImplStats::default(),
        reference: ImplStats::default(),
        sequential: ImplStats::default(),
        ratio_to_reference: None,
        ratio_to_sequential: None,
        probe_cpu_per_wall: 0.0,
        baseline: contenders.baseline.to_string(),
        idle_cores_after: IdleCores::default(),
    };
    // The sequential baseline is checked against the reference on the first
    // input here, and on every round's input below: not again on the pool's others.
    let expected: Vec<O> = inputs
        .iter()
        .enumerate()
        .map(|(k, input)| if k == 0 { contenders.reference_output(input) } else { (contenders.reference)(input) })
        .collect();
    if let Some(finding) = check_learner(contenders.learner, inputs, &expected) {
        report.findings.push(finding);
        return report;
    }

    let mut rounds = Rounds::new(3);
    let mut rng = SplitMix64::new(0x0DE7_E7ED);
    let functions = [contenders.learner, contenders.reference, contenders.sequential];
    let mut idle = [0.0f64; 3];
    // The learner's earlier answers: a wrong answer that repeats one was kept from an earlier call.
    let mut answers: Vec<O> = expected;
    loop {
        let round = rounds.len() + 1;
        let input = fresh(round as u64);
        let mut outputs: [Option<Result<O, String>>; 3] = [None, None, None];
        let checked = rounds.run_one(&functions, &input, &mut rng, |who, out| {
            outputs[who] = Some(out);
            let cores_busy = idle_group_cores(LEFTOVER_GRACE, LEFTOVER_WINDOW);
            idle[who] = idle[who].max(cores_busy);
            if who == LEARNER && cores_busy > LEFTOVER_MAX_CORES {
                return Err(Finding {
                    reason: Reason::LeftThreadsRunning,
                    message: format!(
                        "your code left threads running after it returned: {cores_busy:.2} cores busy while nothing \
                         of yours should run (round {round}); join every thread you start before returning"
                    ),
                });
            }
            Ok(())
        });
        report.idle_cores_after =
            IdleCores { learner: idle[LEARNER], reference: idle[REFERENCE], sequential: idle[SEQUENTIAL] };
        let checked = checked.and_then(|()| check_round(outputs, &mut answers, round));
        drop(input);
        if let Err(finding) = checked {
            report.findings.push(finding);
            report.rounds = rounds.len();
            report.elapsed_seconds = started.elapsed().as_secs_f64();
            return report;
        }
        if rounds.len() < config.min_rounds.min(EARLY_ROUNDS) {
            continue;
        }
        let quiet = rounds.quiet();
        let quiet_rounds = quiet.len();
        // With no quiet round at all the verdict is "busy"; all rounds are shown.
        let counted = if config.parallel && !quiet.is_empty() { quiet } else { rounds.clone() };
        let mut evidence = evidence(&counted, &rounds, cores);
        if config.parallel {
            evidence.quiet_rounds = quiet_rounds;
        }
        let (outcome, findings) = if rounds.len() < config.min_rounds {
            match early_failure(config, &evidence, contenders.baseline) {
                Some(failed) => failed,
                None => continue,
            }
        } else {
            verdict(config, &evidence, contenders.baseline)
        };
        // More rounds cannot add a core; a busy spell or a wide interval can
        // still resolve, so those keep measuring while the budget lasts — a
        // failure too while its share of cores is open, so that the verdict
        // names "not parallel" when that is the cause, and never wrongly.
        let hopeless = cores < 2 && config.parallel;
        let open = config.parallel && evidence.share_is_open();
        if (outcome != Outcome::Inconclusive && !open) || hopeless || started.elapsed() >= config.budget {
            report.outcome = outcome;
            report.findings = findings;
            report.rounds = rounds.len();
            report.quiet_rounds = evidence.quiet_rounds;
            report.learner = counted.stats(LEARNER);
            report.reference = counted.stats(REFERENCE);
            report.sequential = counted.stats(SEQUENTIAL);
            report.ratio_to_reference = Some(evidence.ratio_to_reference);
            report.ratio_to_sequential = Some(evidence.ratio_to_sequential);
            report.probe_cpu_per_wall = evidence.probe_cpu_per_wall;
            report.elapsed_seconds = started.elapsed().as_secs_f64();
            return report;
        }
    }
}

/// The learner's answer on every input of the pool, before any timing. A
/// wrong answer that repeats one given for an earlier input is a cache.
fn check_learner<I, O: PartialEq + Debug>(learner: fn(&I) -> O, inputs: &[I], expected: &[O]) -> Option<Finding> {
    let mut answers: Vec<O> = Vec::new();
    for (k, (input, expected)) in inputs.iter().zip(expected).enumerate() {
        let got = match call(learner, input) {
            Ok(got) => got,
            Err(msg) => {
                return Some(Finding { reason: Reason::Panicked, message: format!("your code panicked: {msg}") });
            }
        };
        if got == *expected {
            answers.push(got);
            continue;
        }
        let which =
            if k == 0 { "the timing input".to_string() } else { format!("timing input {} of {}", k + 1, inputs.len()) };
        if answers.contains(&got) {
            let message = format!(
                "your code gave the same answer for {which} as for an earlier, different input: {} — results must \
                 not be cached across calls",
                truncate_debug(&got)
            );
            return Some(Finding { reason: Reason::ChangedBetweenCalls, message });
        }
        let message =
            format!("wrong result on {which}: got {}, expected {}", truncate_debug(&got), truncate_debug(expected));
        return Some(Finding { reason: Reason::WrongResult, message });
    }
    None
}

/// Checks the outputs of one round: the reference's against the sequential
/// baseline's (a mismatch is a bug here), then the learner's against the
/// reference's. A wrong answer that repeats one of the learner's earlier
/// answers was kept from an earlier call.
fn check_round<O: PartialEq + Debug>(
    outputs: [Option<Result<O, String>>; 3],
    answers: &mut Vec<O>,
    round: usize,
) -> Result<(), Finding> {
    let [learner, reference, sequential] = outputs.map(|o| o.expect("every contender ran"));
    let expected = match (reference, sequential) {
        (Ok(r), Ok(s)) if r == s => r,
        (Err(msg), _) | (_, Err(msg)) => {
            panic!(
                "the reference or the sequential baseline panicked in timed round {round}: {msg} (a bug in this repository)"
            )
        }
        (Ok(r), Ok(s)) => panic!(
            "the reference answered {} and the sequential baseline {} in timed round {round}: a bug in this repository",
            truncate_debug(&r),
            truncate_debug(&s)
        ),
    };
    match learner {
        Ok(got) if got == expected => {
            // A few recent answers are enough to recognise a kept one.
            if answers.len() >= RECENT_ANSWERS {
                answers.remove(0);
            }
            answers.push(got);
            Ok(())
        }
        Err(msg) => Err(Finding {
            reason: Reason::Panicked,
            message: format!("your code panicked in timed round {round}: {msg}"),
        }),
        Ok(got) if answers.contains(&got) => Err(Finding {
            reason: Reason::ChangedBetweenCalls,
            message: format!(
                "your code gave the answer of an earlier call on the new input of timed round {round}: got {}, \
                 expected {} — results must not be kept across calls",
                truncate_debug(&got),
                truncate_debug(&expected)
            ),
        }),
        Ok(got) => Err(Finding {
            reason: Reason::WrongResult,
            message: format!(
                "wrong result on the input of timed round {round}: got {}, expected {} (right on the earlier \
                 inputs: a race, or a case those did not have)",
                truncate_debug(&got),
                truncate_debug(&expected)
            ),
        }),
    }
}

pub(crate) fn truncate_debug(value: &impl Debug) -> String {
    let text = format!("{value:?}");
    if text.len() <= 120 {
        return text;
    }
    let cut = (0..=120).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}… ({} characters)", &text[..cut], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQ: &str = crate::SEQUENTIAL_BASELINE;

    fn config() -> GateConfig {
        GateConfig::default()
    }

    fn ci(median: f64, half: f64) -> Interval {
        Interval { median, lo: median - half, hi: median + half }
    }

    /// A correct parallel solution on an idle 2-core machine.
    fn good() -> Evidence {
        Evidence {
            cores: 2,
            quiet_rounds: 9,
            probe_cpu_per_wall: 1.97,
            cpu_share_of_reference: 0.99,
            cpu_share_upper: 1.0,
            learner_cpu_per_wall: 1.9,
            reference_cpu_per_wall: 1.92,
            ratio_to_reference: ci(1.01, 0.02),
            ratio_to_sequential: ci(0.52, 0.02),
            ratio_to_reference_all_rounds: ci(1.01, 0.03),
        }
    }

    fn reasons(findings: &[Finding]) -> Vec<Reason> {
        findings.iter().map(|f| f.reason).collect()
    }

    #[test]
    fn a_correct_parallel_solution_passes() {
        assert_eq!(verdict(&config(), &good(), SEQ).0, Outcome::Pass);
    }

    #[test]
    fn a_busy_machine_is_inconclusive_not_a_failure() {
        // Every core kept busy by another program: even a sequential-looking
        // result must not fail.
        let e = Evidence { quiet_rounds: 2, probe_cpu_per_wall: 1.02, cpu_share_of_reference: 0.5, ..good() };
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!(outcome, Outcome::Inconclusive);
        assert_eq!(reasons(&findings), [Reason::MachineBusy]);
    }

    #[test]
    fn far_too_slow_code_fails_even_on_a_busy_machine() {
        let busy = Evidence { quiet_rounds: 2, probe_cpu_per_wall: 1.3, ..good() };
        let slow = Evidence { ratio_to_reference_all_rounds: ci(200.0, 50.0), ..busy.clone() };
        let (outcome, findings) = verdict(&config(), &slow, SEQ);
        assert_eq!((outcome, reasons(&findings)), (Outcome::Fail, vec![Reason::TooSlow]));
        // Within what load can explain: still only inconclusive.
        let borderline = Evidence { ratio_to_reference_all_rounds: ci(2.0, 0.3), ..busy };
        assert_eq!(verdict(&config(), &borderline, SEQ).0, Outcome::Inconclusive);
    }

    #[test]
    fn sequential_code_is_not_parallel() {
        let e = Evidence {
            cpu_share_of_reference: 0.52,
            cpu_share_upper: 0.58,
            ratio_to_reference: ci(1.9, 0.05),
            ratio_to_sequential: ci(1.02, 0.01),
            ..good()
        };
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!(outcome, Outcome::Fail);
        assert_eq!(reasons(&findings), [Reason::NotParallel, Reason::NotFasterThanSequential, Reason::TooSlow]);
    }

    /// Rounds of 10 ms calls on 2 cores with the given CPU/wall per round
    /// (learner, reference; the sequential baseline at 20 ms, 1.0).
    fn rounds(readings: &[(f64, f64)]) -> Rounds {
        let call = |cpu_per_wall: f64, wall_ms: u64| crate::clock::Sample {
            wall: Duration::from_millis(wall_ms),
            cpu: Duration::from_secs_f64(cpu_per_wall * wall_ms as f64 / 1000.0),
        };
        let mut r = Rounds::new(3);
        r.cores = 2;
        for &(learner, reference) in readings {
            r.samples[LEARNER].push(call(learner, 10));
            r.samples[REFERENCE].push(call(reference, 10));
            r.samples[SEQUENTIAL].push(call(1.0, 20));
            r.other_cores.push(0.0);
        }
        r
    }

    #[test]
    fn a_thread_woken_late_in_many_rounds_does_not_make_the_reference_sequential() {
        // The reference against itself, as recorded on a 2-core VM: each side
        // loses its second core for part of a call in about half the rounds,
        // in different rounds. The median of per-round shares reads 0.70 here.
        let r =
            rounds(&[(1.24, 1.92), (1.31, 1.91), (1.37, 1.87), (1.33, 1.89), (1.92, 1.22), (1.19, 1.92), (1.9, 1.9)]);
        let e = evidence(&r, &r, 2);
        assert!(e.cpu_share_of_reference >= MIN_CPU_SHARE_OF_REFERENCE, "{e:?}");
        assert!(!reasons(&verdict(&config(), &e, SEQ).1).contains(&Reason::NotParallel));
    }

    #[test]
    fn sequential_code_stays_not_parallel_when_the_reference_starts_late() {
        // One thread reads 1.0 in every round; the reference loses a core in
        // three rounds of seven. Seven such rounds leave the share open (a
        // resample of mostly late rounds reads it above the minimum); twice
        // as many settle it.
        let seven = [(1.0, 1.0), (1.0, 1.95), (1.0, 1.1), (1.0, 1.9), (1.0, 1.92), (1.0, 1.2), (1.0, 1.97)];
        let e = evidence(&rounds(&seven), &rounds(&seven), 2);
        assert!(e.cpu_share_of_reference < 0.6 && e.share_is_open(), "{e:?}");
        let fourteen = rounds(&[seven, seven].concat());
        let e = evidence(&fourteen, &fourteen, 2);
        assert!(!e.share_is_open(), "{e:?}");
        assert!(reasons(&verdict(&config(), &e, SEQ).1).contains(&Reason::NotParallel));
    }

    #[test]
    fn parallel_code_woken_late_in_most_rounds_is_undecided_not_rejected() {
        // Like a run seen on a 2-core VM (upper quartiles 1.40 and 1.90): a
        // good variant of 10 ms calls whose second thread started late in six
        // rounds of seven reads 74% of the reference's cores.
        let r = rounds(&[(1.35, 1.9), (1.38, 1.7), (1.4, 1.92), (1.32, 1.88), (1.9, 1.86), (1.37, 1.9), (1.41, 1.6)]);
        let e = evidence(&r, &r, 2);
        assert!(e.cpu_share_of_reference < MIN_CPU_SHARE_OF_REFERENCE && e.share_is_open(), "{e:?}");
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!((outcome, reasons(&findings)), (Outcome::Inconclusive, vec![Reason::Undecided]));
        assert!(findings[0].message.contains("rounds disagree"), "{}", findings[0].message);
        // A firm finding still fails it, without the unproven one.
        let slow = Evidence { ratio_to_reference: ci(2.0, 0.1), ..e };
        let (outcome, findings) = verdict(&config(), &slow, SEQ);
        assert_eq!((outcome, reasons(&findings)), (Outcome::Fail, vec![Reason::TooSlow]));
    }

    #[test]
    fn busy_but_slow_parallel_code_is_too_slow() {
        // A lock per item keeps both cores busy and is still ten times slower.
        let e = Evidence {
            cpu_share_of_reference: 1.0,
            ratio_to_reference: ci(10.0, 0.5),
            ratio_to_sequential: ci(6.0, 0.3),
            ..good()
        };
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!(outcome, Outcome::Fail);
        assert_eq!(reasons(&findings), [Reason::NotFasterThanSequential, Reason::TooSlow]);
    }

    #[test]
    fn shown_numbers_never_contradict_the_decision() {
        assert_eq!(distinct(74.96, 75.0), "74.96");
        assert_eq!(distinct(1.3004, 1.3), "1.3004");
        assert_eq!(distinct(0.52, 0.75), "0.52");
        let e = Evidence { cpu_share_of_reference: 0.7496, cpu_share_upper: 0.7499, ..good() };
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!(outcome, Outcome::Fail);
        assert!(findings[0].message.contains("(74.96% of it, needs 75%)"), "{}", findings[0].message);
        let slow = Evidence { ratio_to_reference: Interval { median: 1.35, lo: 1.3001, hi: 1.4 }, ..good() };
        let (_, findings) = verdict(&config(), &slow, SEQ);
        assert!(findings[0].message.contains("95% CI 1.3001–1.40"), "{}", findings[0].message);
    }

    #[test]
    fn the_undecided_message_names_the_open_interval() {
        let baseline_open = Evidence { ratio_to_sequential: ci(0.98, 0.04), ..good() };
        let (outcome, findings) = verdict(&config(), &baseline_open, SEQ);
        assert_eq!(outcome, Outcome::Inconclusive);
        assert!(
            findings[0].message.contains("within the limit") && findings[0].message.contains("sequential baseline"),
            "{}",
            findings[0].message
        );
        let ratio_open = Evidence { ratio_to_reference: ci(1.3, 0.1), ..good() };
        let (_, findings) = verdict(&config(), &ratio_open, SEQ);
        assert!(findings[0].message.contains("straddles the limit 1.30×"), "{}", findings[0].message);
    }

    #[test]
    fn an_interval_straddling_the_limit_is_undecided() {
        let e = Evidence { ratio_to_reference: ci(1.3, 0.1), ..good() };
        let (outcome, findings) = verdict(&config(), &e, SEQ);
        assert_eq!(outcome, Outcome::Inconclusive);
        assert_eq!(reasons(&findings), [Reason::Undecided]);
    }

    #[test]
    fn one_core_is_inconclusive_for_parallel_exercises_only() {
        let e = Evidence { cores: 1, ..good() };
        assert_eq!(verdict(&config(), &e, SEQ).0, Outcome::Inconclusive);
        let sequential_ok = GateConfig { parallel: false, ..config() };
        assert_eq!(verdict(&sequential_ok, &e, SEQ).0, Outcome::Pass);
    }

    type Toy = [u64; 10_000];

    fn sum(data: &Toy) -> u64 {
        data.iter().sum()
    }

    fn toy(learner: fn(&Toy) -> u64) -> Contenders<Toy, u64> {
        Contenders { learner, reference: sum, sequential: sum, baseline: SEQ }
    }

    fn toy_input(seed: u64) -> Toy {
        std::array::from_fn(|i| i as u64 * (seed + 1))
    }

    fn pool() -> Vec<Toy> {
        (0..INPUT_POOL as u64).map(toy_input).collect()
    }

    /// The toy gate: the pool, then a fresh input per round.
    fn run_toy(learner: fn(&Toy) -> u64) -> GateReport {
        let fresh = |round: u64| toy_input(INPUT_POOL as u64 + round);
        run("toy", &pool(), &fresh, 80_000, &toy(learner), &quick())
    }

    /// Small and quick; what the tests assert does not depend on timing.
    fn quick() -> GateConfig {
        GateConfig { parallel: false, budget: Duration::from_millis(300), min_rounds: 3, ..config() }
    }

    #[test]
    fn a_learner_caching_its_first_answer_fails_as_changed_between_calls() {
        fn cached(data: &Toy) -> u64 {
            static FIRST: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
            *FIRST.get_or_init(|| sum(data))
        }
        let _serial = crate::cpu_test_lock();
        let report = run_toy(cached);
        assert_eq!(report.outcome, Outcome::Fail);
        assert_eq!(reasons(&report.findings), [Reason::ChangedBetweenCalls]);
    }

    #[test]
    fn a_learner_going_wrong_in_a_timed_round_fails_as_a_wrong_result() {
        fn flaky(data: &Toy) -> u64 {
            // Right on every input at first (the untimed check), wrong later.
            static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let calls = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            sum(data) + u64::from(calls >= INPUT_POOL + 2)
        }
        let _serial = crate::cpu_test_lock();
        let report = run_toy(flaky);
        assert_eq!((report.outcome, reasons(&report.findings)), (Outcome::Fail, vec![Reason::WrongResult]));
        assert!(report.findings[0].message.contains("round 3"), "{}", report.findings[0].message);
    }

    #[test]
    fn a_learner_caching_by_address_fails_as_changed_between_calls() {
        // Right on every distinct input of the pool, and on any input it has
        // not seen at an address: only a fresh input per round catches it.
        fn by_address(data: &Toy) -> u64 {
            static SEEN: std::sync::Mutex<Vec<(usize, u64)>> = std::sync::Mutex::new(Vec::new());
            let key = data.as_ptr() as usize;
            let mut seen = SEEN.lock().unwrap();
            if let Some(&(_, answer)) = seen.iter().find(|(k, _)| *k == key) {
                return answer;
            }
            let answer = sum(data);
            seen.push((key, answer));
            answer
        }
        let _serial = crate::cpu_test_lock();
        let report = run_toy(by_address);
        assert_eq!((report.outcome, reasons(&report.findings)), (Outcome::Fail, vec![Reason::ChangedBetweenCalls]));
    }

    #[test]
    fn a_correct_learner_never_fails_the_toy_gate() {
        let _serial = crate::cpu_test_lock();
        let report = run_toy(sum);
        assert_ne!(report.outcome, Outcome::Fail, "{:?}", report.findings);
        assert!(report.rounds >= 3);
    }

    #[test]
    fn a_hopelessly_slow_learner_fails_after_the_early_rounds() {
        fn slow(data: &Toy) -> u64 {
            std::thread::sleep(Duration::from_millis(5));
            sum(data)
        }
        let _serial = crate::cpu_test_lock();
        let fresh = |round: u64| toy_input(INPUT_POOL as u64 + round);
        let config = GateConfig { min_rounds: 7, budget: Duration::from_secs(5), ..quick() };
        let report = run("toy", &pool(), &fresh, 80_000, &toy(slow), &config);
        assert_eq!((report.outcome, reasons(&report.findings)), (Outcome::Fail, vec![Reason::TooSlow]));
        assert_eq!(report.rounds, EARLY_ROUNDS);
    }

    #[test]
    fn only_a_decided_failure_far_beyond_the_limit_ends_the_gate_early() {
        let far = Evidence { ratio_to_reference: ci(50.0, 2.0), ..good() };
        assert!(early_failure(&config(), &far, SEQ).is_some());
        // Beyond the limit, but within twice it: the seven rounds decide.
        let near = Evidence { ratio_to_reference: ci(2.0, 0.1), ..good() };
        assert!(early_failure(&config(), &near, SEQ).is_none());
        // Far too slow, but whether it is parallel is still open.
        let open = Evidence { cpu_share_of_reference: 0.7, cpu_share_upper: 0.9, ..far };
        assert!(early_failure(&config(), &open, SEQ).is_none());
    }

    #[test]
    fn a_wrong_learner_is_a_wrong_result() {
        let _serial = crate::cpu_test_lock();
        let report = run_toy(|data| sum(data) + 1);
        assert_eq!(reasons(&report.findings), [Reason::WrongResult]);
    }

    #[test]
    fn a_learner_leaving_a_spinning_thread_fails() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::thread::JoinHandle;
        static STOP: AtomicBool = AtomicBool::new(false);
        static SPINNER: std::sync::Mutex<Option<JoinHandle<()>>> = std::sync::Mutex::new(None);
        fn leaves_a_thread(data: &Toy) -> u64 {
            // One detached spinner, started on the first call.
            SPINNER.lock().unwrap().get_or_insert_with(|| {
                std::thread::spawn(|| {
                    while !STOP.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            });
            sum(data)
        }
        let _serial = crate::cpu_test_lock();
        let report = run_toy(leaves_a_thread);
        STOP.store(true, Ordering::Relaxed);
        SPINNER.lock().unwrap().take().unwrap().join().unwrap();
        assert_eq!((report.outcome, reasons(&report.findings)), (Outcome::Fail, vec![Reason::LeftThreadsRunning]));
    }

    #[test]
    fn new_reasons_have_kebab_case_codes() {
        assert_eq!(Reason::ChangedBetweenCalls.code(), "changed-between-calls");
        assert_eq!(Reason::LeftThreadsRunning.code(), "left-threads-running");
    }
}
