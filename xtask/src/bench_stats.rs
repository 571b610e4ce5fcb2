//! The statistics of `cargo xtask bench`: medians, quantiles, and a distribution-free
//! 95% interval of the median (from order statistics), and the verdict a target gets
//! from an interval: met, missed, or undecided.
//!
//! The interval of the median of `n` values is `[x(k), x(n+1-k)]` (the k-th smallest
//! and the k-th largest), with the largest `k` for which a value drawn from the same
//! distribution falls below the true median with probability 1/2 makes
//! `1 - 2 P(B <= k-1)` at least 95%, `B` binomial (n, 1/2). It assumes nothing about
//! the shape of the distribution (only that the values are independent draws of it),
//! which suits benchmark figures: skewed, with outliers from a noisy machine.

use serde::Serialize;

/// The confidence every interval aims at.
pub const CONFIDENCE: f64 = 0.95;

/// The `q` quantile of sorted values, interpolated linearly between ranks.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let rank = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let low = rank.floor() as usize;
            let high = rank.ceil() as usize;
            sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
        }
    }
}

/// `P(B <= k)` for `B` binomial (n, 1/2).
pub fn binomial_half_cdf(n: usize, k: usize) -> f64 {
    if k >= n {
        return 1.0;
    }
    // ln C(n, i) - n ln 2, summed in ordinary space (each term is at most 1).
    let ln2n = n as f64 * std::f64::consts::LN_2;
    let mut ln_choose = 0.0_f64;
    let mut total = 0.0;
    for i in 0..=k {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        total += (ln_choose - ln2n).exp();
    }
    total.min(1.0)
}

/// The order-statistic interval of the median of `n` sorted values: the 0-based
/// ranks `(low, high)` of its ends and its coverage. With fewer than 6 values no
/// interval reaches 95%: the whole range is given, with its lower coverage.
pub fn median_ranks(n: usize) -> Option<(usize, usize, f64)> {
    if n == 0 {
        return None;
    }
    let tail = (1.0 - CONFIDENCE) / 2.0;
    // The largest k (1-based) with P(B <= k-1) <= tail.
    let mut k = 0;
    while k < n / 2 && binomial_half_cdf(n, k) <= tail {
        k += 1;
    }
    let k = k.max(1);
    let coverage = 1.0 - 2.0 * binomial_half_cdf(n, k - 1);
    Some((k - 1, n - k, coverage))
}

/// A median with its spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The first quartile.
    pub p25: f64,
    /// The third quartile.
    pub p75: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub n: usize,
    /// The distribution-free 95% interval of the median (see the module): where the
    /// median of many more rounds would fall.
    pub ci95: (f64, f64),
    /// The interval's coverage: at least 0.95, except with fewer than 6 values.
    pub coverage: f64,
}

impl Spread {
    /// The spread of `values` (`None` when there are none); values that are not
    /// finite are left out.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let (low, high, coverage) = median_ranks(sorted.len())?;
        Some(Self {
            median: percentile(&sorted, 0.5),
            p25: percentile(&sorted, 0.25),
            p75: percentile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            n: sorted.len(),
            ci95: (sorted[low], sorted[high]),
            coverage,
        })
    }

    /// How far the interval reaches from the median, on its wider side: the `x` of
    /// "median ± x".
    pub fn half_width(&self) -> f64 {
        (self.median - self.ci95.0).max(self.ci95.1 - self.median)
    }

    /// [`half_width`](Self::half_width) as a fraction of the median: the same for a
    /// ratio near 1, and a fair measure for a ratio of 6 (±0.04 of a ratio of 1 is
    /// 4%; of a ratio of 6 it would be 0.7%).
    pub fn relative_half_width(&self) -> f64 {
        self.half_width() / self.median.abs()
    }
}

/// What a target asks of a median ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Goal {
    /// At least this.
    AtLeast(f64),
    /// At most this.
    AtMost(f64),
}

/// What an interval says of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The whole interval lies on the target's side of the bound.
    Met,
    /// The whole interval lies on the wrong side.
    Missed,
    /// The interval holds the bound (or reaches less than 95%): these rounds cannot
    /// tell.
    Undecided,
}

impl Verdict {
    /// The verdict of `spread`'s interval on `goal`.
    pub fn of(spread: &Spread, goal: Goal) -> Self {
        if spread.coverage < CONFIDENCE {
            return Self::Undecided;
        }
        let (low, high) = spread.ci95;
        match goal {
            Goal::AtLeast(bound) if low >= bound => Self::Met,
            Goal::AtLeast(bound) if high < bound => Self::Missed,
            Goal::AtMost(bound) if high <= bound => Self::Met,
            Goal::AtMost(bound) if low > bound => Self::Missed,
            _ => Self::Undecided,
        }
    }

    /// A verdict on a yes/no fact (no interval).
    pub fn from_bool(met: bool) -> Self {
        if met {
            Self::Met
        } else {
            Self::Missed
        }
    }

    /// As the report shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "MISSED",
            Self::Undecided => "undecided",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&sorted, 0.5), 2.5);
        assert_eq!(percentile(&sorted, 0.0), 1.0);
        assert_eq!(percentile(&sorted, 1.0), 4.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert!(percentile(&[], 0.5).is_nan());
    }

    #[test]
    fn the_binomial_tail_is_exact() {
        // P(B <= 1) for n = 10: (1 + 10) / 1024.
        assert!((binomial_half_cdf(10, 1) - 11.0 / 1024.0).abs() < 1e-12);
        assert!((binomial_half_cdf(9, 2) - 46.0 / 512.0).abs() < 1e-12);
        assert!((binomial_half_cdf(2000, 1000) - 0.508_919).abs() < 1e-5);
        assert_eq!(binomial_half_cdf(5, 5), 1.0);
    }

    #[test]
    fn the_median_interval_has_the_textbook_ranks() {
        // n = 9: the 2nd to the 8th value, 96.1%.
        let (low, high, coverage) = median_ranks(9).expect("ranks");
        assert_eq!((low + 1, high + 1), (2, 8));
        assert!((coverage - (1.0 - 20.0 / 512.0)).abs() < 1e-12);
        // n = 100: the 40th to the 61st value (the usual table), at least 95%.
        let (low, high, coverage) = median_ranks(100).expect("ranks");
        assert_eq!((low + 1, high + 1), (40, 61));
        assert!((0.95..0.97).contains(&coverage), "{coverage}");
        // n = 5: no interval reaches 95%; the range, with its coverage (15/16).
        let (low, high, coverage) = median_ranks(5).expect("ranks");
        assert_eq!((low, high), (0, 4));
        assert!((coverage - 0.9375).abs() < 1e-12);
        assert!(median_ranks(0).is_none());
    }

    #[test]
    fn the_interval_covers_the_true_median_about_95_percent_of_the_time() {
        // A skewed distribution (exponential, median ln 2), 30 values a trial.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let trials = 4000;
        let mut covered = 0;
        for _ in 0..trials {
            let values: Vec<f64> = (0..30).map(|_| -(uniform()).ln()).collect();
            let spread = Spread::of(&values).expect("values");
            if spread.ci95.0 <= std::f64::consts::LN_2 && std::f64::consts::LN_2 <= spread.ci95.1 {
                covered += 1;
            }
        }
        let rate = f64::from(covered) / f64::from(trials);
        assert!((0.94..0.99).contains(&rate), "covered {rate}");
    }

    #[test]
    fn the_spread_holds_the_median_and_narrows_with_more_values() {
        let few: Vec<f64> = (0..10).map(|i| 1.0 + f64::from(i % 5) * 0.02).collect();
        let many: Vec<f64> = (0..200).map(|i| 1.0 + f64::from(i % 5) * 0.02).collect();
        let (few, many) = (
            Spread::of(&few).expect("values"),
            Spread::of(&many).expect("values"),
        );
        for spread in [few, many] {
            assert!(spread.ci95.0 <= spread.median && spread.median <= spread.ci95.1);
            assert!(spread.min <= spread.ci95.0 && spread.ci95.1 <= spread.max);
        }
        assert!(many.half_width() < few.half_width(), "{many:?} {few:?}");
        let six = Spread::of(&[5.7, 6.0, 6.3, 6.0, 5.7, 6.3, 6.0]).expect("values");
        assert!((six.relative_half_width() - 0.05).abs() < 1e-9, "{six:?}");
        let spread = Spread::of(&[5.0, 1.0, 3.0, f64::NAN]).expect("values");
        assert_eq!(
            (spread.median, spread.min, spread.max, spread.n),
            (3.0, 1.0, 5.0, 3)
        );
        assert!(Spread::of(&[f64::NAN]).is_none());
        assert_eq!(Spread::of(&[2.0; 9]).expect("values").ci95, (2.0, 2.0));
    }

    #[test]
    fn verdicts_follow_where_the_interval_lies() {
        let spread = |low: f64, high: f64| Spread {
            median: (low + high) / 2.0,
            p25: low,
            p75: high,
            min: low,
            max: high,
            n: 30,
            ci95: (low, high),
            coverage: 0.957,
        };
        assert_eq!(
            Verdict::of(&spread(0.98, 1.02), Goal::AtLeast(0.97)),
            Verdict::Met
        );
        assert_eq!(
            Verdict::of(&spread(0.90, 0.96), Goal::AtLeast(0.97)),
            Verdict::Missed
        );
        assert_eq!(
            Verdict::of(&spread(0.95, 0.99), Goal::AtLeast(0.97)),
            Verdict::Undecided
        );
        assert_eq!(
            Verdict::of(&spread(0.98, 1.02), Goal::AtMost(1.03)),
            Verdict::Met
        );
        assert_eq!(
            Verdict::of(&spread(1.05, 1.10), Goal::AtMost(1.03)),
            Verdict::Missed
        );
        assert_eq!(
            Verdict::of(&spread(1.01, 1.05), Goal::AtMost(1.03)),
            Verdict::Undecided
        );
        // An interval that reaches less than 95% decides nothing.
        let mut short = spread(1.5, 1.6);
        short.coverage = 0.9375;
        assert_eq!(Verdict::of(&short, Goal::AtLeast(1.0)), Verdict::Undecided);
        assert_eq!(Verdict::from_bool(false), Verdict::Missed);
    }
}
