//! The delay before each reconnect attempt: exponential backoff with jitter.

use core::time::Duration;

/// Exponential backoff with jitter: the delay before attempt `n` (from 1) is
/// `min(initial × factorⁿ⁻¹, max)`, less a random part of up to `jitter` of it.
///
/// With the defaults (500 ms, × 2, at most 30 s, jitter 0.5) the delays are about
/// 0.25–0.5 s, 0.5–1 s, 1–2 s, ... up to 15–30 s. Jitter spreads the reconnects of
/// many clients that lost the same server at the same moment. With `factor >= 2` and
/// `jitter <= 0.5`, a delay is never shorter than the one before it (until the cap).
///
/// ```
/// use std::time::Duration;
/// use wasm_websocket::reconnect::Backoff;
///
/// let backoff = Backoff::default().initial(Duration::from_millis(100)).jitter(0.0);
/// assert_eq!(backoff.delay(1, 0.7), Duration::from_millis(100));
/// assert_eq!(backoff.delay(3, 0.7), Duration::from_millis(400));
/// let jittered = backoff.jitter(0.5);
/// assert_eq!(jittered.delay(3, 1.0), Duration::from_millis(200));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    initial: Duration,
    factor: f64,
    max: Duration,
    jitter: f64,
}

/// The delay before the first reconnect attempt unless set: 500 ms.
pub const DEFAULT_INITIAL_DELAY: Duration = Duration::from_millis(500);

/// The longest delay between attempts unless set: 30 s.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: DEFAULT_INITIAL_DELAY,
            factor: 2.0,
            max: DEFAULT_MAX_DELAY,
            jitter: 0.5,
        }
    }
}

impl Backoff {
    /// The delay before the first attempt (before jitter). Default 500 ms.
    #[must_use]
    pub fn initial(mut self, delay: Duration) -> Self {
        self.initial = delay;
        self
    }

    /// How much each delay grows over the one before. Default 2; values below 1 (and
    /// NaN) count as 1, a constant delay.
    #[must_use]
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// The longest delay (before jitter). Default 30 s. At most
    /// [`MAX_TIMER_DELAY`](crate::MAX_TIMER_DELAY), about 24.8 days, the longest the
    /// browser's timers wait (a longer one fires at once): a longer `delay` is lowered
    /// to it, so no delay, whatever the initial one and the factor, exceeds it.
    #[must_use]
    pub fn max(mut self, delay: Duration) -> Self {
        self.max = delay.min(crate::MAX_TIMER_DELAY);
        self
    }

    /// The largest part of each delay taken off at random, from 0 (none: the delays
    /// are exact) to 1 ("full jitter": anywhere between 0 and the delay). Default 0.5;
    /// values outside 0..=1 (and NaN) are brought to the nearest bound (NaN to 0).
    #[must_use]
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }

    /// The delay before attempt `attempt` (counted from 1; 0 counts as 1), for a
    /// random number `random` in `0.0..=1.0` (the socket uses `Math.random()`): 0
    /// takes nothing off, 1 takes off the whole jitter.
    #[must_use]
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let max = self.max.as_secs_f64();
        let base = (self.initial.as_secs_f64() * self.factor.powi(exponent)).min(max);
        let random = if random.is_nan() {
            0.0
        } else {
            random.clamp(0.0, 1.0)
        };
        let delay = base * (1.0 - self.jitter * random);
        Duration::try_from_secs_f64(delay).unwrap_or(self.max)
    }
}
