//! Backpressure: waiting while the browser's send buffer (`bufferedAmount`) is above a
//! high-water mark, until it drains below a low-water mark.
//!
//! The browser fires no event when its buffer drains, so the wait polls
//! `bufferedAmount` with a timer whose interval adapts: it starts at 1 ms, then aims at
//! the moment the observed drain rate should reach the low-water mark (between
//! [`MIN_POLL_MS`] and [`MAX_POLL_MS`]), and doubles up to the maximum while nothing
//! drains (a stalled connection costs one timer every 50 ms). Timers work in windows
//! and workers alike (`requestAnimationFrame` does not exist in workers and stops in
//! background tabs). A close wakes the wait at once.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::rc::Rc;

use crate::inbox::Waiter;
use crate::socket::Core;
use crate::timer::Timeout;
use crate::{Error, ReadyState, Result};

/// The default high-water mark: sends wait while more than 1 MiB is buffered.
pub const DEFAULT_HIGH_WATER_MARK: u32 = 1 << 20;

/// The default low-water mark: once waiting, sends resume when at most 512 KiB is
/// buffered.
pub const DEFAULT_LOW_WATER_MARK: u32 = 1 << 19;

/// The shortest interval between two looks at `bufferedAmount`, in milliseconds
/// (browsers clamp nested timers to 4 ms anyway).
pub const MIN_POLL_MS: u32 = 1;

/// The longest interval between two looks at `bufferedAmount`, in milliseconds.
pub const MAX_POLL_MS: u32 = 50;

/// The two marks of a socket, set with
/// [`WebSocketBuilder::backpressure`](crate::WebSocketBuilder::backpressure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaterMarks {
    pub(crate) high: u32,
    pub(crate) low: u32,
}

impl WaterMarks {
    /// The marks, with `low` lowered to `high` if it was above it.
    pub(crate) fn new(high: u32, low: u32) -> Self {
        Self {
            high,
            low: low.min(high),
        }
    }

    /// The marks of a socket whose sends are refused from `limit` bytes buffered on
    /// ([`WebSocketBuilder::max_buffered_amount`](crate::WebSocketBuilder::max_buffered_amount)):
    /// the high one lowered to `limit - 1` if it was at or above the limit, so that a
    /// send the Sink allowed is never refused for the buffer.
    pub(crate) fn under_limit(self, limit: Option<u32>) -> Self {
        match limit {
            Some(limit) if self.high >= limit => Self::new(limit.saturating_sub(1), self.low),
            _ => self,
        }
    }
}

impl Default for WaterMarks {
    fn default() -> Self {
        Self::new(DEFAULT_HIGH_WATER_MARK, DEFAULT_LOW_WATER_MARK)
    }
}

/// The waiting state of one sender (or one [`Ready`] future): its timer and what it
/// saw last. Whether the socket is above its marks is kept by the socket, so that all
/// its senders agree.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    timer: Option<Timeout>,
    /// The interval of the current timer, in ms.
    interval: u32,
    /// `bufferedAmount` and the time (ms) at the last look, to estimate the drain rate.
    last: Option<(u32, f64)>,
    /// Its place among the inbox's waiters, so that a close wakes it at once.
    pub(crate) waiter: Waiter,
}

impl Pacer {
    /// Ready with `Ok` when a message may be sent now: the socket is open and its
    /// buffer is at most the high-water mark (or, after it went above, back to at most
    /// the low-water mark). Ready with [`Error::NotOpen`] once it is not open.
    pub(crate) fn poll_ready(&mut self, socket: &Core, cx: &mut Context<'_>) -> Poll<Result<()>> {
        loop {
            let state = socket.ready_state();
            if state != ReadyState::Open {
                self.reset();
                return Poll::Ready(Err(Error::NotOpen { state }));
            }
            let buffered = socket.raw.buffered_amount();
            let marks = socket.water_marks;
            let limit = if socket.throttled.get() {
                marks.low
            } else {
                marks.high
            };
            if buffered <= limit {
                socket.throttled.set(false);
                self.reset();
                return Poll::Ready(Ok(()));
            }
            socket.throttled.set(true);
            if let Some(timer) = &mut self.timer {
                if Pin::new(timer).poll(cx).is_pending() {
                    // A close wakes this task at once rather than at the next look.
                    if socket
                        .inbox
                        .borrow_mut()
                        .poll_closed(cx, &mut self.waiter)
                        .is_ready()
                    {
                        continue;
                    }
                    return Poll::Pending;
                }
                self.timer = None;
            }
            let now = crate::timer::now_ms();
            self.interval = self.next_interval(buffered, marks.low, now);
            self.last = Some((buffered, now));
            self.timer = Some(Timeout::new(self.interval));
        }
    }

    /// How long to wait before the next look.
    fn next_interval(&self, buffered: u32, low: u32, now: f64) -> u32 {
        let Some((before, then)) = self.last else {
            return MIN_POLL_MS;
        };
        let drained = f64::from(before.saturating_sub(buffered));
        let elapsed = (now - then).max(1.0);
        if drained <= 0.0 {
            return self
                .interval
                .saturating_mul(2)
                .clamp(MIN_POLL_MS, MAX_POLL_MS);
        }
        let to_drain = f64::from(buffered.saturating_sub(low));
        let estimate = to_drain * elapsed / drained;
        // Clamped to 1..=50 first, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let estimate = estimate.clamp(f64::from(MIN_POLL_MS), f64::from(MAX_POLL_MS)) as u32;
        estimate
    }

    fn reset(&mut self) {
        self.timer = None;
        self.interval = 0;
        self.last = None;
    }
}

/// Resolves once a message may be sent without going over the high-water mark; see
/// [`WebSocketSender::ready`](crate::WebSocketSender::ready).
///
/// It does not keep the socket open: once every handle is dropped the socket closes
/// (code 1000), and this resolves with [`Error::NotOpen`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Ready {
    socket: Rc<Core>,
    pacer: Pacer,
}

impl Ready {
    pub(crate) fn new(socket: Rc<Core>) -> Self {
        Self {
            socket,
            pacer: Pacer::default(),
        }
    }
}

impl Future for Ready {
    type Output = Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = &mut *self;
        this.pacer.poll_ready(&this.socket, cx)
    }
}
