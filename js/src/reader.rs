//! `nextMessage()`: the socket's message stream, read one promise at a time.
//!
//! Calls are served in the order they were made: each waits for the one before it to
//! settle, so only one of them polls the stream at a time and concurrent calls get
//! consecutive messages.
//!
//! Messages are queued for `nextMessage()` until the first message callback is
//! registered (`onMessage`). From then on the callbacks read them and the queue stops
//! growing, so a page that reads only through callbacks keeps no message in memory;
//! `nextMessage()` still hands out what was queued before, then `null` once the
//! socket has closed.

use core::cell::RefCell;
use core::future::{poll_fn, Future};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::rc::Rc;

use futures_core::Stream;
use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::convert::message_to_js;
use crate::error::to_js;
use wasm_websocket::{Closed, Message, Result, WebSocketReceiver};

/// The reading side of a [`WasmSocket`](crate::WasmSocket), shared with the promises
/// of pending `nextMessage()` calls (which keep it, and so the socket, alive until
/// they settle).
#[derive(Debug)]
pub(crate) struct Reader {
    source: RefCell<Source>,
    /// The waker of the call polling now, woken when the source changes under it.
    waker: RefCell<Option<Waker>>,
    /// The promise of the latest call, which the next call waits for.
    last: RefCell<Option<Promise>>,
}

#[derive(Debug)]
enum Source {
    /// Every message, from the socket's stream.
    Stream(WebSocketReceiver),
    /// Callbacks read the messages: what was queued before they did, then the close.
    Callbacks {
        queued: VecDeque<Result<Message>>,
        closed: Closed,
    },
}

impl Reader {
    pub(crate) fn new(receiver: WebSocketReceiver) -> Rc<Self> {
        Rc::new(Self {
            source: RefCell::new(Source::Stream(receiver)),
            waker: RefCell::new(None),
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

    /// Stops queueing messages (callbacks read them now): takes what the stream has
    /// already received, then drops it so that the socket keeps no more.
    pub(crate) fn stop_queue(&self, closed: Closed) {
        let mut source = self.source.borrow_mut();
        let Source::Stream(receiver) = &mut *source else {
            return;
        };
        let mut queued = VecDeque::new();
        let mut cx = Context::from_waker(Waker::noop());
        while let Poll::Ready(Some(item)) = Pin::new(&mut *receiver).poll_next(&mut cx) {
            queued.push_back(item);
        }
        *source = Source::Callbacks { queued, closed };
        drop(source);
        // A call waiting on the stream now waits on the new source.
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Message>>> {
        let poll = match &mut *self.source.borrow_mut() {
            Source::Stream(receiver) => Pin::new(receiver).poll_next(cx),
            Source::Callbacks { queued, closed } => match queued.pop_front() {
                Some(item) => Poll::Ready(Some(item)),
                None => Pin::new(closed).poll(cx).map(|_| None),
            },
        };
        *self.waker.borrow_mut() = poll.is_pending().then(|| cx.waker().clone());
        poll
    }
}
