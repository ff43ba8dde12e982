//! Paired rounds: every contender runs once per round, in a shuffled order,
//! followed by the busy-machine probe. Both the `check` gate and `bench`
//! measure this way, so their numbers mean the same thing.

use datagen::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::clock::{Sample, measure, spin_probe};
use crate::stats::median;

/// Probe CPU/wall below this means other programs hold the cores.
pub const BUSY_PROBE_THRESHOLD: f64 = 1.5;
const PROBE_SPIN: std::time::Duration = std::time::Duration::from_millis(5);
/// A probe is the best of this many spins in a row. On a virtual machine the
/// host takes a core away for a few milliseconds now and then, in step with
/// the rounds' own rhythm: a single 5 ms spin read such a dip as "busy" in most
/// rounds of some exercises (measured: 26 of 30 probes after 400 ms of
/// 2-thread work, 0 of 30 with the best of three), while another program that
/// holds a core stays in all three (28 of 30 still read busy).
const PROBE_SPINS: usize = 3;

fn probe() -> f64 {
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
/// [`Rounds::run_one`]) and the probe reading of each round.
#[derive(Clone, Debug, Default)]
pub struct Rounds {
    pub samples: Vec<Vec<Sample>>,
    pub probe: Vec<f64>,
}

impl Rounds {
    pub fn new(contenders: usize) -> Self {
        Rounds { samples: vec![Vec::new(); contenders], probe: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.probe.len()
    }

    pub fn is_empty(&self) -> bool {
        self.probe.is_empty()
    }

    /// One round: each function once on `input`, in an order shuffled by `rng`
    /// so no contender always runs on a cache warmed (or a CPU heated) by the
    /// same predecessor, between two 2-thread spin probes. The round's reading
    /// is the lower one: a burst of other work that starts or ends during the
    /// round shows in one of them, so the round is not counted as quiet.
    pub fn run_one<I, O>(&mut self, functions: &[fn(&I) -> O], input: &I, rng: &mut SplitMix64) {
        assert_eq!(functions.len(), self.samples.len(), "one function per contender");
        let mut order: Vec<usize> = (0..functions.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let before = probe();
        for who in order {
            let (out, sample) = measure(|| functions[who](input));
            std::hint::black_box(out);
            self.samples[who].push(sample);
        }
        self.probe.push(before.min(probe()));
    }

    /// The rounds whose probe says the machine was ours.
    pub fn quiet(&self) -> Rounds {
        let mut out = Rounds::new(self.samples.len());
        for (i, &probe) in self.probe.iter().enumerate().filter(|(_, p)| **p >= BUSY_PROBE_THRESHOLD) {
            for (who, samples) in self.samples.iter().enumerate() {
                out.samples[who].push(samples[i]);
            }
            out.probe.push(probe);
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

    /// Per-round CPU/wall of `a` divided by that of `b`.
    pub fn cpu_shares(&self, a: usize, b: usize) -> Vec<f64> {
        self.samples[a].iter().zip(&self.samples[b]).map(|(a, b)| a.cpu_per_wall() / b.cpu_per_wall()).collect()
    }

    pub fn stats(&self, who: usize) -> ImplStats {
        ImplStats::of(&self.samples[who])
    }

    pub fn probe_median(&self) -> f64 {
        if self.probe.is_empty() { 0.0 } else { median(&self.probe) }
    }
}
