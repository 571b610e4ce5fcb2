//! What the browser tells a reconnecting socket's driver between its polls: the
//! signals the page's listeners ([`network`](super::network), [`page`](super::page))
//! raise, queued in order, and the driver's waker, which raising calls.
//!
//! The listeners hold this queue, never the driver; the driver owns the listeners, so
//! dropping it removes them.

use core::cell::RefCell;
use core::task::{Context, Waker};
use std::collections::VecDeque;

/// One thing the browser said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// `online` on the global scope: the browser thinks the network is back.
    Online,
    /// `visibilitychange` on the document, which is now visible.
    Visible,
    /// `pagehide` with `persisted`: the page is going into the back/forward cache.
    PageHidden,
    /// `pageshow` with `persisted`: the page came back from the back/forward cache.
    PageShown,
}

/// The most signals kept between two polls of the driver (it polls after each, so
/// more only wait when events come in a burst; the oldest are dropped then).
const MAX_QUEUED: usize = 16;

/// The signals not yet seen by the driver, and its waker.
#[derive(Debug, Default)]
pub(crate) struct Signals {
    queue: RefCell<VecDeque<Signal>>,
    waker: RefCell<Option<Waker>>,
}

impl Signals {
    /// Queues `signal` and wakes the driver. A signal equal to the last one queued is
    /// not queued twice.
    pub(crate) fn raise(&self, signal: Signal) {
        {
            let Ok(mut queue) = self.queue.try_borrow_mut() else {
                return;
            };
            if queue.back() != Some(&signal) {
                if queue.len() == MAX_QUEUED {
                    queue.pop_front();
                }
                queue.push_back(signal);
            }
        }
        let waker = self.waker.try_borrow_mut().ok().and_then(|mut w| w.take());
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The oldest signal not yet seen; keeps the driver's waker for the next.
    pub(crate) fn next(&self, cx: &mut Context<'_>) -> Option<Signal> {
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        self.queue.borrow_mut().pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::{Signal, Signals, MAX_QUEUED};
    use core::task::{Context, Waker};

    #[test]
    fn signals_come_out_in_order_without_repeats_and_bounded() {
        let signals = Signals::default();
        let mut cx = Context::from_waker(Waker::noop());
        signals.raise(Signal::PageHidden);
        signals.raise(Signal::PageHidden);
        signals.raise(Signal::PageShown);
        signals.raise(Signal::Online);
        assert_eq!(signals.next(&mut cx), Some(Signal::PageHidden));
        assert_eq!(signals.next(&mut cx), Some(Signal::PageShown));
        assert_eq!(signals.next(&mut cx), Some(Signal::Online));
        assert_eq!(signals.next(&mut cx), None);
        for i in 0..100 {
            signals.raise(if i % 2 == 0 {
                Signal::Online
            } else {
                Signal::Visible
            });
        }
        let mut seen = 0;
        while signals.next(&mut cx).is_some() {
            seen += 1;
        }
        assert_eq!(seen, MAX_QUEUED);
    }
}
