//! A one-shot browser callback (such as `toBlob`'s) that owns itself until it runs:
//! it hands the value it is called with to a future, then frees itself.
//!
//! A browser callback like `toBlob`'s cannot be unregistered, and the browser always
//! calls it exactly once. So the closure is kept in a slot it shares with the future
//! (a deliberate cycle) until that call, which takes it out and drops it: wasm-bindgen
//! frees a closure dropped during its own call as soon as the call returns. If the
//! future is dropped first, the callback still runs once, finds nobody waiting, and
//! frees itself; nothing leaks and nothing is called after being freed.

use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// How many one-shot callbacks the canvas functions have handed to the browser that
/// have not yet run and been freed, in this thread (the `toBlob` callback of an
/// encode in progress, or of one whose future was dropped before the browser was
/// done). Meant for leak tests, alongside [`live_listeners`](crate::live_listeners).
#[must_use]
pub fn live_callbacks() -> usize {
    LIVE.with(Cell::get)
}

#[derive(Default)]
struct Slot {
    value: Option<JsValue>,
    waker: Option<Waker>,
    closure: Option<Closure<dyn FnMut(JsValue)>>,
}

/// The future side of a one-shot callback: resolves with the value the callback was
/// called with.
pub(crate) struct OneShot {
    slot: Rc<RefCell<Slot>>,
}

impl OneShot {
    /// A callback, not yet handed to the browser (see [`function`](Self::function)).
    pub(crate) fn new() -> Self {
        let slot = Rc::new(RefCell::new(Slot::default()));
        let shared = Rc::clone(&slot);
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
            // The slot is only borrowed for moments, never across a call into the
            // browser, so it is free here; if it were not, the value would be lost
            // rather than panicking.
            let Ok(mut slot) = shared.try_borrow_mut() else {
                return;
            };
            if slot.closure.is_none() {
                return; // Called a second time: the browser never does this.
            }
            slot.value = Some(value);
            let waker = slot.waker.take();
            let closure = slot.closure.take();
            drop(slot);
            LIVE.with(|live| live.set(live.get().saturating_sub(1)));
            if let Some(waker) = waker {
                waker.wake();
            }
            // Freed by wasm-bindgen as soon as this call returns.
            drop(closure);
        });
        slot.borrow_mut().closure = Some(closure);
        LIVE.with(|live| live.set(live.get() + 1));
        Self { slot }
    }

    /// The JavaScript function to hand to the browser (`None` once it has run or been
    /// cancelled).
    pub(crate) fn function(&self) -> Option<js_sys::Function> {
        self.slot
            .borrow()
            .closure
            .as_ref()
            .map(|closure| closure.as_ref().unchecked_ref::<js_sys::Function>().clone())
    }

    /// Frees the callback now, for when the browser refused it (threw) and so will
    /// never call it.
    pub(crate) fn cancel(&self) {
        let closure = self.slot.borrow_mut().closure.take();
        if closure.is_some() {
            LIVE.with(|live| live.set(live.get().saturating_sub(1)));
        }
    }
}

impl Future for OneShot {
    type Output = JsValue;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        let mut slot = self.slot.borrow_mut();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(value);
        }
        if slot.closure.is_none() {
            // Cancelled: there will never be a value.
            return Poll::Ready(JsValue::NULL);
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl fmt::Debug for OneShot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slot = self.slot.try_borrow();
        f.debug_struct("OneShot")
            .field(
                "pending",
                &slot.map(|slot| slot.closure.is_some()).unwrap_or(true),
            )
            .finish()
    }
}
