//! An owned event listener: registered on creation, removed on drop.

use core::cell::Cell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// How many event listeners this crate has registered and not yet removed, in this
/// thread. Every socket holds three while it lives and every
/// [`Subscription`](crate::Subscription) one; after they are all dropped it is back
/// where it started. Meant for leak tests and diagnostics.
#[must_use]
pub fn live_listeners() -> usize {
    LIVE.with(Cell::get)
}

/// A JS closure registered as an event listener, owned: dropping it removes the
/// listener from the target, then frees the closure, so nothing can fire into it.
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub(crate) fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Self {
        let closure = Closure::<dyn FnMut(Event)>::new(callback);
        // addEventListener only throws for a callback that is not callable, which a
        // Closure always is; a failure would leave the listener unregistered, and the
        // count below is kept right either way by Drop.
        let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        LIVE.with(|live| live.set(live.get() + 1));
        Self {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // removeEventListener does not throw; a Drop must not panic in any case.
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
        LIVE.with(|live| live.set(live.get().saturating_sub(1)));
    }
}

impl core::fmt::Debug for Listener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Listener")
            .field("kind", &self.kind)
            .finish()
    }
}
