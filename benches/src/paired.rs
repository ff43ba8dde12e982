//! Paired rounds: every contender runs once per round, in a shuffled order,
//! and each round records how much of the machine other programs took. Both
//! the `check` gate and `bench` measure this way, so their numbers mean the
//! same thing.

use std::time::{Duration, Instant};

use datagen::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::clock::{Sample, measure, spin_probe};
use crate::procstat::{self, Snapshot};
use crate::stats::median;

/// A round is busy when programs outside this process group used this many
/// cores' worth of CPU during it. Half a core: on a 2-core machine the
/// contenders then lose a quarter of their CPU in some stretch of the round,
/// enough to bend a CPU/wall comparison; a background tab or an editor's
/// short bursts stay below it once averaged over the window.
pub const OTHER_CORES_THRESHOLD: f64 = 0.5;

/// The reported `probe_cpu_per_wall` is the cores left to us (cores − other
/// programs' cores); on a 2-core machine a quiet round reaches this.
pub const BUSY_PROBE_THRESHOLD: f64 = 2.0 - OTHER_CORES_THRESHOLD;

/// The shortest span the CPU accounting reads over. `/proc` counts in 10 ms
/// ticks, so a 50 ms round would be ±20% of a core from rounding alone;
/// a round shorter than this is read together with the rounds before it
/// (from the latest round boundary at least this far back), so a burst of
/// other work also marks the few short rounds after it busy, never fewer.
pub const MIN_PROBE_WINDOW: Duration = Duration::from_millis(200);

const PROBE_SPIN: Duration = Duration::from_millis(5);
/// Off Linux the probe is the best of this many 2-thread spins in a row. On a
/// virtual machine the host takes a core away for a few milliseconds now and
/// then, in step with the rounds' own rhythm: a single 5 ms spin read such a
/// dip as "busy" in most rounds of some exercises (measured: 26 of 30 probes
/// after 400 ms of 2-thread work, 0 of 30 with the best of three), while
/// another program that holds a core stays in all three (28 of 30 still read busy).
const PROBE_SPINS: usize = 3;

fn spin_probe_best() -> f64 {
    (0..PROBE_SPINS).map(|_| spin_probe(2, PROBE_SPIN)).fold(0.0, f64::max)
}

/// Summary of one contender's samples.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ImplStats {
    pub median_seconds: f64,
    #[serde(default)]
    pub min_seconds: f64,
    #[serde(default)]
    pub max_seconds: f64,
    pub cpu_per_wall: f64,
}

impl ImplStats {
    pub fn of(samples: &[Sample]) -> Self {
        let walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        ImplStats {
            median_seconds: median(&walls),
            min_seconds: walls.iter().copied().fold(f64::INFINITY, f64::min),
            max_seconds: walls.iter().copied().fold(0.0, f64::max),
            cpu_per_wall: median(&samples.iter().map(Sample::cpu_per_wall).collect::<Vec<_>>()),
        }
    }
}

/// Samples per contender (same index as the functions passed to
/// [`Rounds::run_one`]) and the other programs' load in each round.
#[derive(Clone, Debug, Default)]
pub struct Rounds {
    pub samples: Vec<Vec<Sample>>,
    /// Cores' worth of CPU used by processes outside this process group
    /// during each round (over at least [`MIN_PROBE_WINDOW`] on Linux).
    pub other_cores: Vec<f64>,
    /// Cores this process may use.
    pub cores: usize,
    /// `/proc` snapshots at recent round boundaries, oldest first.
    marks: Vec<Snapshot>,
}

impl Rounds {
    pub fn new(contenders: usize) -> Self {
        Rounds { samples: vec![Vec::new(); contenders], cores: crate::threads(), ..Rounds::default() }
    }

    pub fn len(&self) -> usize {
        self.other_cores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.other_cores.is_empty()
    }

    /// One round: each function once on `input`, in an order shuffled by `rng`
    /// so no contender always runs on a cache warmed (or a CPU heated) by the
    /// same predecessor. `after(who, output)` sees every call's output (or its
    /// panic message) outside the timed span; its first error abandons the
    /// round, which then records nothing.
    pub fn run_one<I, O, E>(
        &mut self,
        functions: &[fn(&I) -> O],
        input: &I,
        rng: &mut SplitMix64,
        mut after: impl FnMut(usize, Result<O, String>) -> Result<(), E>,
    ) -> Result<(), E> {
        assert_eq!(functions.len(), self.samples.len(), "one function per contender");
        let mut order: Vec<usize> = (0..functions.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        if self.marks.is_empty() {
            self.marks.extend(Snapshot::take());
        }
        // The spin probe runs everywhere: /proc accounting sees other
        // programs, but not a virtual machine's host taking a core away
        // without reporting it as steal time. It cannot be gamed by the
        // learner's own threads: a thread left running after their call
        // returns fails the gate (`idle_group_cores`).
        let spin_before = spin_probe_best();
        let mut samples = vec![None; functions.len()];
        for who in order {
            let (out, sample) = measure(|| crate::gate::call(functions[who], input));
            after(who, out)?;
            samples[who] = Some(sample);
        }
        // Two spin probes around the round, the lower reading counts (a
        // burst that starts or ends during the round shows in one).
        let spin_other = (self.cores.min(2) as f64 - spin_before.min(spin_probe_best())).max(0.0);
        let other = match Snapshot::take() {
            Some(now) if !self.marks.is_empty() => self.other_since_window_start(now).max(spin_other),
            _ => spin_other,
        };
        for (who, sample) in samples.into_iter().enumerate() {
            self.samples[who].push(sample.expect("every contender ran"));
        }
        self.other_cores.push(other);
        Ok(())
    }

    /// Other programs' cores from the latest mark at least
    /// [`MIN_PROBE_WINDOW`] before `now` (or the oldest mark) up to `now`.
    fn other_since_window_start(&mut self, now: Snapshot) -> f64 {
        let start = self.marks.iter().rposition(|m| now.wall.duration_since(m.wall) >= MIN_PROBE_WINDOW).unwrap_or(0);
        let other = procstat::other_cores(&self.marks[start], &now, procstat::ticks_per_second());
        self.marks.drain(..start);
        self.marks.push(now);
        other
    }

    /// The rounds in which the machine was ours: at least 2 cores and other
    /// programs below [`OTHER_CORES_THRESHOLD`].
    pub fn quiet(&self) -> Rounds {
        let mut out = Rounds { cores: self.cores, ..Rounds::new(self.samples.len()) };
        if self.cores < 2 {
            return out;
        }
        for (i, &other) in self.other_cores.iter().enumerate().filter(|(_, o)| **o < OTHER_CORES_THRESHOLD) {
            for (who, samples) in self.samples.iter().enumerate() {
                out.samples[who].push(samples[i]);
            }
            out.other_cores.push(other);
        }
        out
    }

    /// Per-round wall-time ratios `a / b` of two contenders.
    pub fn ratios(&self, a: usize, b: usize) -> Vec<f64> {
        self.samples[a]
            .iter()
            .zip(&self.samples[b])
            .map(|(a, b)| a.wall.as_secs_f64() / b.wall.as_secs_f64().max(1e-9))
            .collect()
    }

    /// CPU/wall of contender `who`, per round.
    pub fn cpu_per_walls(&self, who: usize) -> Vec<f64> {
        self.samples[who].iter().map(Sample::cpu_per_wall).collect()
    }

    pub fn stats(&self, who: usize) -> ImplStats {
        ImplStats::of(&self.samples[who])
    }

    /// The median round's cores left to us: cores minus other programs' use
    /// (the report's `probe_cpu_per_wall`; 2.0 on an idle 2-core machine).
    pub fn probe_median(&self) -> f64 {
        if self.other_cores.is_empty() { 0.0 } else { self.cores as f64 - median(&self.other_cores) }
    }
}

/// Cores' worth of CPU this process group used while it should have been
/// idle: after `grace`, over `window` of sleep. Leftover threads (or worker
/// processes) of the call just made show here; rayon's idle workers spin for
/// well under the grace before they sleep.
pub fn idle_group_cores(grace: Duration, window: Duration) -> f64 {
    std::thread::sleep(grace);
    let members = procstat::other_group_members();
    // Others read first and last, so our own /proc reading stays outside the window.
    let others0 = procstat::others_cpu_time(&members);
    let (own0, wall0) = (crate::clock::process_cpu_time(), Instant::now());
    std::thread::sleep(window);
    let (own1, wall) = (crate::clock::process_cpu_time(), wall0.elapsed());
    let others1 = procstat::others_cpu_time(&members);
    let others: Duration = others0.iter().zip(&others1).map(|(a, b)| b.saturating_sub(*a)).sum();
    ((own1 - own0) + others).as_secs_f64() / wall.as_secs_f64().max(1e-9)
}
