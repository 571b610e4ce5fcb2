//! `nextMessage()`: the socket's message stream, read one promise at a time.
//!
//! Calls are served in the order they were made: each waits for the one before it to
//! settle, so only one of them polls the stream at a time and concurrent calls get
//! consecutive messages.
//!
//! Messages are queued for `nextMessage()` until the first message callback is
//! registered (`onMessage`). From then on the callbacks read them and the queue stops
//! growing, so a page that reads only through callbacks keeps no message in memory;
//! `nextMessage()` still hands out what was queued before (kept as the browser made
//! them, converted one at a time as they are read), then `null` once the socket has
//! closed, after rejecting once if it closed abnormally.

use core::cell::RefCell;
use core::future::poll_fn;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::rc::Rc;

use futures_core::Stream;
use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::convert::message_to_js;
use crate::error::to_js;
use wasm_websocket::{Message, Result, WebSocketReceiver};

/// The reading side of a [`WasmSocket`](crate::WasmSocket), shared with the promises
/// of pending `nextMessage()` calls (which keep it, and so the socket, alive until
/// they settle).
#[derive(Debug)]
pub(crate) struct Reader {
    receiver: RefCell<WebSocketReceiver>,
    /// The promise of the latest call, which the next call waits for.
    last: RefCell<Option<Promise>>,
}

impl Reader {
    pub(crate) fn new(receiver: WebSocketReceiver) -> Rc<Self> {
        Rc::new(Self {
            receiver: RefCell::new(receiver),
            last: RefCell::new(None),
        })
    }

    /// A promise of the next message (`string | Uint8Array | Blob`), or of `null`
    /// once the socket has closed and every message was read. It rejects with an
    /// `AbnormalClose` error once, when the connection was lost without a closing
    /// handshake.
    pub(crate) fn next(self: &Rc<Self>) -> Promise {
        let previous = self.last.borrow_mut().take();
        let reader = Rc::clone(self);
        let promise = future_to_promise(async move {
            if let Some(previous) = previous {
                // Only its settling matters here; its caller has its outcome.
                let _ = JsFuture::from(previous).await;
            }
            match poll_fn(|cx| reader.poll_next(cx)).await {
                Some(Ok(message)) => Ok(message_to_js(message)),
                Some(Err(error)) => Err(to_js(&error)),
                None => Ok(JsValue::NULL),
            }
        });
        *self.last.borrow_mut() = Some(promise.clone());
        promise
    }

    /// Stops queueing messages (callbacks read them now): what the stream has already
    /// received stays, unconverted, for `nextMessage()`; a call waiting meanwhile
    /// gets the close.
    pub(crate) fn stop_queue(&self) {
        if let Ok(receiver) = self.receiver.try_borrow() {
            receiver.stop_queueing();
        }
    }

    fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Message>>> {
        let Ok(mut receiver) = self.receiver.try_borrow_mut() else {
            // Not reached (calls poll one at a time, never from inside a poll); were
            // it, the call would look again.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        Pin::new(&mut *receiver).poll_next(cx)
    }
}
