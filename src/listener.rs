//! An owned event listener: registered on creation, removed on drop.

use core::cell::Cell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// How many event listeners this crate has registered and not yet removed, in this
/// thread. Every socket holds three while it lives (two once its receiver is dropped,
/// as it then stops listening for messages; one after a drop while a
/// [`Closed`](crate::Closed) future still waits for the close) and every
/// [`Subscription`](crate::Subscription) one; a reconnecting socket, besides its
/// connection's, up to four for the network and the page (`online`,
/// `visibilitychange`, `pagehide`, `pageshow`; see `reconnect::Network`); after they are all dropped it is back
/// where it started. Meant for leak tests and diagnostics.
#[must_use]
pub fn live_listeners() -> usize {
    LIVE.with(Cell::get)
}

/// A JS closure registered as an event listener for one or more event types (at most
/// eight), owned: dropping it removes it from the target for each type still
/// registered, then frees the closure, so nothing can fire into it. Each type counts
/// as one listener in [`live_listeners`].
pub(crate) struct Listener {
    target: EventTarget,
    kinds: &'static [&'static str],
    /// Bit `i` is set while `kinds[i]` is registered.
    registered: Cell<u8>,
    // Typed `FnMut(JsValue)`, the signature of the futures executor's own closures
    // (and the timer's), so that all of them share one piece of closure glue.
    closure: Closure<dyn FnMut(JsValue)>,
}

impl Listener {
    pub(crate) fn new(
        target: &EventTarget,
        kinds: &'static [&'static str],
        callback: impl FnMut(Event) + 'static,
    ) -> Self {
        let mut callback = callback;
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            // Only the browser calls it, with the event it dispatches.
            callback(event.unchecked_into());
        });
        let kinds = kinds.get(..8).unwrap_or(kinds);
        for kind in kinds {
            // addEventListener only throws for a callback that is not callable, which a
            // Closure always is; a failure would leave the listener unregistered, and
            // the count below is kept right either way by Drop.
            let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        }
        LIVE.with(|live| live.set(live.get() + kinds.len()));
        Self {
            target: target.clone(),
            kinds,
            registered: Cell::new(u8::MAX >> (8 - kinds.len())),
            closure,
        }
    }

    /// Stops listening for `kind` (if it is one of this listener's and still
    /// registered), keeping the other types.
    pub(crate) fn remove(&self, kind: &str) {
        if let Some(i) = self.kinds.iter().position(|k| *k == kind) {
            self.unregister(i);
        }
    }

    fn unregister(&self, i: usize) {
        let bit = 1 << i;
        if self.registered.get() & bit == 0 {
            return;
        }
        self.registered.set(self.registered.get() & !bit);
        if let Some(kind) = self.kinds.get(i) {
            // removeEventListener does not throw; a Drop must not panic in any case.
            let _ = self
                .target
                .remove_event_listener_with_callback(kind, self.closure.as_ref().unchecked_ref());
        }
        LIVE.with(|live| live.set(live.get().saturating_sub(1)));
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for i in 0..self.kinds.len() {
            self.unregister(i);
        }
    }
}

impl core::fmt::Debug for Listener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Listener")
            .field("kinds", &self.kinds)
            .finish()
    }
}
