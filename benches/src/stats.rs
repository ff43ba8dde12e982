//! Medians and percentile-bootstrap confidence intervals of paired ratios.

use datagen::SplitMix64;
use serde::{Deserialize, Serialize};

/// A median with its bootstrap 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub median: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    /// Half the width relative to the median, e.g. 0.01 for ±1%.
    pub fn relative_half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0 / self.median
    }
}

pub fn median(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "median of no values");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

/// The value three quarters of the way up `values` (linear interpolation
/// between the nearest ranks).
pub fn upper_quartile(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "quartile of no values");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = 0.75 * (sorted.len() - 1) as f64;
    let (below, frac) = (rank.floor() as usize, rank.fract());
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + frac * (sorted[above] - sorted[below])
}

const RESAMPLES: usize = 2000;

/// Median of `values` with a percentile-bootstrap 95% CI. Deterministic:
/// the resampling stream has a fixed seed, so one run's numbers reproduce.
pub fn bootstrap_median(values: &[f64]) -> Interval {
    let of = |picks: &[usize]| median(&picks.iter().map(|&i| values[i]).collect::<Vec<_>>());
    bootstrap(values.len(), of)
}

/// `statistic` of `n` rounds (given the indices of the rounds it counts) with
/// a percentile-bootstrap 95% CI: resampling round indices keeps each round's
/// readings of every contender together. Deterministic, like [`bootstrap_median`].
pub fn bootstrap(n: usize, statistic: impl Fn(&[usize]) -> f64) -> Interval {
    assert!(n > 0, "a bootstrap of no rounds");
    let mut rng = SplitMix64::new(0xB007_57A9);
    let mut picks = vec![0; n];
    let mut values: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            picks.iter_mut().for_each(|p| *p = rng.below(n as u64) as usize);
            statistic(&picks)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let all: Vec<usize> = (0..n).collect();
    Interval { median: statistic(&all), lo: values[RESAMPLES * 25 / 1000], hi: values[RESAMPLES * 975 / 1000 - 1] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn upper_quartile_of_small_sets() {
        assert_eq!(upper_quartile(&[7.0]), 7.0);
        assert_eq!(upper_quartile(&[5.0, 1.0, 3.0, 2.0, 4.0]), 4.0);
        assert_eq!(upper_quartile(&[1.0, 2.0, 3.0, 4.0]), 3.25);
    }

    #[test]
    fn constant_samples_give_a_zero_width_interval() {
        let ci = bootstrap_median(&[1.25; 9]);
        assert_eq!((ci.lo, ci.median, ci.hi), (1.25, 1.25, 1.25));
    }

    #[test]
    fn interval_contains_the_median_and_narrows_with_more_rounds() {
        let noisy = |n: usize| -> Vec<f64> {
            let mut rng = SplitMix64::new(9);
            (0..n).map(|_| 1.0 + rng.below(1000) as f64 / 10_000.0).collect()
        };
        let small = bootstrap_median(&noisy(9));
        let large = bootstrap_median(&noisy(200));
        assert!(small.lo <= small.median && small.median <= small.hi);
        assert!(large.hi - large.lo < small.hi - small.lo, "{large:?} vs {small:?}");
    }
}
