//! What comes after a loss or a failed attempt: a [`RetryPolicy`], a function of the
//! attempt number, the time since the connection was lost and what failed, that gives
//! the delay before the next attempt or gives up. [`Backoff`] is the built-in one.

use core::cell::RefCell;
use core::fmt;
use core::time::Duration;
use std::rc::Rc;

use super::{Backoff, DisconnectReason, ProviderError};
use crate::Error;

/// What a [`RetryPolicy`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Attempt again after this delay (at most
    /// [`MAX_TIMER_DELAY`](crate::MAX_TIMER_DELAY); a longer one is lowered to it).
    After(Duration),
    /// Stop trying: the socket ends with [`Event::GaveUp`](super::Event::GaveUp) (until
    /// [`reconnect`](super::ReconnectingSender::reconnect) starts over).
    GiveUp,
}

/// What ended the connection, or the attempt, before the one a [`RetryPolicy`] is
/// asked about.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RetryCause {
    /// The connection was lost ([`Event::Disconnected`](super::Event::Disconnected)):
    /// its close event, a heartbeat timeout, a receive limit.
    Disconnected(DisconnectReason),
    /// An attempt failed ([`Event::AttemptFailed`](super::Event::AttemptFailed)).
    AttemptFailed(Error),
    /// The [`Provider`](super::Provider) gave no endpoint
    /// ([`Event::ProviderFailed`](super::Event::ProviderFailed)).
    ProviderFailed(ProviderError),
}

/// What a [`RetryPolicy`] decides from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryInfo {
    /// The attempt to be made, from 1, counted since the last stable connection (see
    /// [`ReconnectConfig::stable_after`](super::ReconnectConfig::stable_after)).
    pub attempt: u32,
    /// The time since the connection was lost (since the socket started, or since
    /// [`reconnect`](super::ReconnectingSender::reconnect) started it over, while no
    /// connection has opened).
    pub since_lost: Duration,
    /// What ended the connection or the attempt just before.
    pub cause: RetryCause,
}

impl RetryInfo {
    /// The facts of one decision (for testing a policy).
    #[must_use]
    pub fn new(attempt: u32, since_lost: Duration, cause: RetryCause) -> Self {
        Self {
            attempt,
            since_lost,
            cause,
        }
    }
}

/// The user's policy function.
type PolicyFn = dyn FnMut(&RetryInfo) -> Retry;

/// Decides, after each loss or failed attempt, the delay before the next attempt, or
/// to give up: a function of a [`RetryInfo`] (the attempt number, the time since the
/// connection was lost, and the close event or error before), or the built-in
/// exponential [`Backoff`] with jitter (the default, and what a `Backoff` converts
/// into).
///
/// The config's [`max_attempts`](super::ReconnectConfig::max_attempts) still bounds
/// any policy: the policy is asked only while the limit is not reached. A
/// [`reconnect`](super::ReconnectingSender::reconnect) asks no policy (it attempts at
/// once).
///
/// Cheap to clone (clones share a custom function); two policies are equal when they
/// are equal backoffs or share a function.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use wasm_websocket::reconnect::{
///     DisconnectReason, ReconnectConfig, Retry, RetryCause, RetryInfo, RetryPolicy,
/// };
///
/// // Give up after two minutes offline, or at once when the server said 4001
/// // ("unauthorized"); else 1 s, 2 s, 3 s, ... up to 10 s.
/// let policy = RetryPolicy::new(|info: &RetryInfo| {
///     if let RetryCause::Disconnected(DisconnectReason::Closed(event)) = &info.cause {
///         if event.code == 4001 {
///             return Retry::GiveUp;
///         }
///     }
///     if info.since_lost > Duration::from_secs(120) {
///         return Retry::GiveUp;
///     }
///     Retry::After(Duration::from_secs(info.attempt.min(10).into()))
/// });
/// let timeout = RetryCause::AttemptFailed(wasm_websocket::Error::Timeout {
///     after: Duration::from_secs(5),
/// });
/// let info = RetryInfo::new(3, Duration::from_secs(20), timeout.clone());
/// assert_eq!(policy.decide(&info, 0.5), Retry::After(Duration::from_secs(3)));
/// let info = RetryInfo::new(30, Duration::from_secs(200), timeout);
/// assert_eq!(policy.decide(&info, 0.5), Retry::GiveUp);
/// let config = ReconnectConfig::default().retry_policy(policy);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct RetryPolicy(Kind);

#[derive(Clone)]
enum Kind {
    Backoff(Backoff),
    Custom(Rc<RefCell<PolicyFn>>),
}

impl RetryPolicy {
    /// A policy from a function: [`Retry::After`] a delay, or [`Retry::GiveUp`].
    pub fn new(policy: impl FnMut(&RetryInfo) -> Retry + 'static) -> Self {
        Self(Kind::Custom(Rc::new(RefCell::new(policy))))
    }

    /// The built-in policy: `backoff`'s delay for each attempt, never giving up (but
    /// for [`max_attempts`](super::ReconnectConfig::max_attempts)).
    #[must_use]
    pub fn backoff(backoff: Backoff) -> Self {
        Self(Kind::Backoff(backoff))
    }

    /// The backoff, if this is the built-in policy.
    #[must_use]
    pub fn as_backoff(&self) -> Option<&Backoff> {
        match &self.0 {
            Kind::Backoff(backoff) => Some(backoff),
            Kind::Custom(_) => None,
        }
    }

    /// The decision for `info`; `random` (in `0.0..=1.0`) is the jitter's random
    /// number for the built-in policy ([`Backoff::delay`]), unused by a function. The
    /// socket passes `Math.random()`. A function that calls its own policy gets
    /// [`Retry::GiveUp`] for that inner call.
    #[must_use]
    pub fn decide(&self, info: &RetryInfo, random: f64) -> Retry {
        match &self.0 {
            Kind::Backoff(backoff) => Retry::After(backoff.delay(info.attempt, random)),
            Kind::Custom(policy) => match policy.try_borrow_mut() {
                Ok(mut policy) => match (*policy)(info) {
                    Retry::After(delay) => Retry::After(delay.min(crate::MAX_TIMER_DELAY)),
                    Retry::GiveUp => Retry::GiveUp,
                },
                Err(_) => Retry::GiveUp,
            },
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::backoff(Backoff::default())
    }
}

impl From<Backoff> for RetryPolicy {
    fn from(backoff: Backoff) -> Self {
        Self::backoff(backoff)
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Backoff(backoff) => f.debug_tuple("RetryPolicy").field(backoff).finish(),
            Kind::Custom(_) => f.write_str("RetryPolicy(<function>)"),
        }
    }
}

impl PartialEq for RetryPolicy {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Kind::Backoff(a), Kind::Backoff(b)) => a == b,
            (Kind::Custom(a), Kind::Custom(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}
