//! `sendWhenReady` in call order.
//!
//! A JavaScript producer does not always await each call: `ws.sendWhenReady(a);
//! ws.sendWhenReady(b)` must send `a` before `b`, as two `send()` calls on the
//! browser's socket would. Each call's wait for room is its own future, and futures
//! woken together run in no promised order, so the calls are chained: a call waits
//! for the one before it to settle, then for room, then sends. A call made while
//! none waits and the buffer has room sends at once, before it returns, so that it
//! also keeps its place among the plain sends (`sendWhenReady(a); sendText(b)` sends
//! `a` first).

use core::cell::{Cell, RefCell};
use core::future::Future;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The chain of one socket's `sendWhenReady` calls.
#[derive(Debug, Default)]
pub(crate) struct InOrder {
    /// Calls not yet settled.
    pending: Rc<Cell<usize>>,
    /// The promise of the last call that had to wait (settled or not).
    tail: RefCell<Option<Promise>>,
}

impl InOrder {
    /// Sends with `send` once `ready` has resolved and every earlier call has
    /// settled; the promise settles with the outcome (`undefined`, or the error of
    /// `ready` or `send`). An earlier call's failure does not stop this one.
    pub(crate) fn send(
        &self,
        ready: impl Future<Output = Result<(), JsValue>> + 'static,
        send: impl FnOnce() -> Result<(), JsValue> + 'static,
    ) -> Promise {
        let mut ready = Box::pin(ready);
        if self.pending.get() == 0 {
            // Nothing waits: if there is room now, send before returning.
            let mut cx = Context::from_waker(Waker::noop());
            if let Poll::Ready(outcome) = ready.as_mut().poll(&mut cx) {
                return settled(outcome.and_then(|()| send()));
            }
        }
        let earlier = self.tail.borrow_mut().take();
        let pending = Rc::clone(&self.pending);
        pending.set(pending.get() + 1);
        let promise = future_to_promise(async move {
            if let Some(earlier) = earlier {
                // Its outcome is its caller's; this call only waits for it.
                let _ = JsFuture::from(earlier).await;
            }
            let outcome = ready.await.and_then(|()| send());
            pending.set(pending.get().saturating_sub(1));
            outcome.map(|()| JsValue::UNDEFINED)
        });
        *self.tail.borrow_mut() = Some(promise.clone());
        promise
    }
}

/// A promise already settled with `outcome`.
fn settled(outcome: Result<(), JsValue>) -> Promise {
    match outcome {
        Ok(()) => Promise::resolve(&JsValue::UNDEFINED),
        Err(error) => Promise::reject(&error),
    }
}
