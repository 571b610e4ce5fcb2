//! A one-shot timer future on the global `setTimeout`, owned: dropping it clears the
//! timeout and frees its callback, so nothing fires into freed memory and nothing is
//! left behind (the same in windows and workers).

use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout`; its handle is a number in browsers (an object in Node).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, millis: u32) -> JsValue;

    /// The global `clearTimeout`.
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    /// `performance.now()`: milliseconds on a monotonic clock (in windows and workers
    /// alike), which a change of the system's wall clock does not move.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The longest delay the browser's timers take: 2^31 - 1 ms, about 24.8 days.
/// `setTimeout` treats a longer delay as 0 and fires at once, so this crate lowers
/// every delay (connect timeouts, backoff delays, heartbeat intervals) to it.
pub const MAX_TIMER_DELAY: core::time::Duration =
    core::time::Duration::from_millis(MAX_DELAY_MS as u64);

/// [`MAX_TIMER_DELAY`] in milliseconds.
pub(crate) const MAX_DELAY_MS: u32 = i32::MAX as u32;

/// Milliseconds on the monotonic clock (`performance.now()`), for measuring time
/// spans: unlike `Date.now()`, a jump of the wall clock does not move it.
pub(crate) fn now_ms() -> f64 {
    performance_now()
}

/// What the timeout's callback and the future share.
#[derive(Default)]
struct Shared {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

/// Resolves once `millis` milliseconds have passed (as the browser's timers count
/// them: at least that long, later in a background tab), or [`MAX_TIMER_DELAY`] if
/// `millis` is longer.
#[must_use = "futures do nothing unless polled"]
pub(crate) struct Timeout {
    shared: Rc<Shared>,
    handle: JsValue,
    // Kept alive while the timeout is pending; freed on drop, after clearTimeout.
    // `FnMut(JsValue)` (called with no argument: `undefined`), the signature of the
    // futures executor's closures and the socket's listener, to share their glue.
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl Timeout {
    pub(crate) fn new(millis: u32) -> Self {
        let shared = Rc::new(Shared::default());
        let fired = Rc::clone(&shared);
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            fired.fired.set(true);
            // Taken out first: waking may poll the future, which stores a new waker.
            let waker = fired.waker.borrow_mut().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        let handle = set_timeout(callback.as_ref().unchecked_ref(), millis.min(MAX_DELAY_MS));
        Self {
            shared,
            handle,
            _callback: callback,
        }
    }
}

impl Future for Timeout {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.fired.get() {
            return Poll::Ready(());
        }
        let mut waker = self.shared.waker.borrow_mut();
        match &mut *waker {
            Some(stored) if stored.will_wake(cx.waker()) => {}
            stored => *stored = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if !self.shared.fired.get() {
            clear_timeout(&self.handle);
        }
    }
}

impl core::fmt::Debug for Timeout {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Timeout")
            .field("fired", &self.shared.fired.get())
            .finish_non_exhaustive()
    }
}

/// Milliseconds of a duration for `setTimeout`, rounded down and at most
/// [`MAX_TIMER_DELAY`] (in 32 bits: 64-bit overflow checks would add 128-bit
/// multiplication routines to every app).
pub(crate) fn millis(duration: core::time::Duration) -> u32 {
    u32::try_from(duration.as_secs())
        .ok()
        .and_then(|secs| secs.checked_mul(1000))
        .and_then(|ms| ms.checked_add(duration.subsec_millis()))
        .map_or(MAX_DELAY_MS, |ms| ms.min(MAX_DELAY_MS))
}

#[cfg(test)]
mod tests {
    use super::{millis, MAX_DELAY_MS, MAX_TIMER_DELAY};
    use core::time::Duration;

    #[test]
    fn millis_rounds_down_and_clamps_to_what_set_timeout_takes() {
        assert_eq!(millis(Duration::from_micros(1_999)), 1);
        assert_eq!(millis(Duration::from_secs(10)), 10_000);
        assert_eq!(MAX_DELAY_MS, 2_147_483_647);
        assert_eq!(millis(MAX_TIMER_DELAY), MAX_DELAY_MS);
        // 24.8 days and 1 ms, 3e9 ms (JS `connectTimeoutMs: 3e9`), `u32::MAX` ms and
        // `Duration::MAX`: all clamped, none wraps to a short delay.
        assert_eq!(
            millis(MAX_TIMER_DELAY + Duration::from_millis(1)),
            MAX_DELAY_MS
        );
        assert_eq!(millis(Duration::from_millis(3_000_000_000)), MAX_DELAY_MS);
        assert_eq!(millis(Duration::from_millis(u32::MAX.into())), MAX_DELAY_MS);
        assert_eq!(millis(Duration::from_secs(u64::MAX)), MAX_DELAY_MS);
        assert_eq!(millis(Duration::MAX), MAX_DELAY_MS);
    }
}
