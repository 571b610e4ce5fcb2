//! `ReconnectingSocket`: the [`ReconnectingWebSocket`] for JavaScript (cargo features
//! `js` and `reconnect`).
//!
//! Events are pulled with `nextEvent()` until the first `onEvent` callback is
//! registered; from then on a dispatch task hands every event to the callbacks, and
//! `nextEvent()` resolves with `null`. `free()` drops the socket (its driver task stops,
//! its connection closes with 1000, its listeners go), ends the dispatch task and
//! settles pending `nextEvent()` calls with `null`.

use core::cell::{Cell, RefCell};
use core::future::poll_fn;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use futures_core::Stream;
use js_sys::{ArrayBuffer, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use crate::callbacks::{call, function};
use crate::convert::{describe, message_from_js, optional_string};
use crate::error::{to_js, type_error};
use crate::events::event_to_js;
use crate::in_order::InOrder;
use crate::socket::{checked, close_code};
use crate::{options, reconnect_options};
use wasm_websocket::reconnect::{Event, ReconnectingSender};
use wasm_websocket::{Message, ReconnectingWebSocket, WebSocket};

/// A WebSocket that reconnects with backoff when the connection is lost, keeping what
/// is sent meanwhile in a bounded outbox (see `ReconnectOptions`).
///
/// `new ReconnectingSocket(url, options?)` starts connecting at once. Sends never
/// throw while it is trying to connect: they wait in the outbox, and go out in order
/// once a connection opens. Everything else (messages, connection changes, messages
/// handed back) comes as events, pulled with `nextEvent()` or pushed to `onEvent`.
///
/// Call `free()` when done with it: it closes the connection, stops reconnecting and
/// removes every listener and timer.
#[wasm_bindgen(js_name = ReconnectingSocket)]
#[derive(Debug)]
pub struct WasmReconnectingSocket {
    sender: ReconnectingSender,
    events: Rc<Events>,
    /// The `sendWhenReady` calls, in call order.
    when_ready: InOrder,
}

/// Where events are read from: the socket's stream, by `nextEvent()` calls or by the
/// dispatch task.
#[derive(Debug)]
struct Events {
    /// The socket; `None` once freed.
    socket: RefCell<Option<ReconnectingWebSocket>>,
    /// The `onEvent` callbacks.
    callbacks: RefCell<Vec<Function>>,
    /// Whether callbacks read the events.
    dispatching: Cell<bool>,
    /// Whether the dispatch task runs (it ends with the stream, which starts again
    /// when `reconnect()` starts over after `gaveUp`).
    running: Cell<bool>,
    /// The waker of whoever polls the stream now.
    waker: RefCell<Option<Waker>>,
    /// The promise of the latest `nextEvent()` call, which the next call waits for.
    last: RefCell<Option<Promise>>,
}

impl Events {
    /// The next event; `None` once the stream ended or the socket was freed.
    fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let poll = match self.socket.borrow_mut().as_mut() {
            Some(socket) => Pin::new(socket).poll_next(cx),
            None => Poll::Ready(None),
        };
        *self.waker.borrow_mut() = poll.is_pending().then(|| cx.waker().clone());
        poll
    }

    fn wake(&self) {
        let waker = self.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

#[wasm_bindgen(js_class = ReconnectingSocket)]
impl WasmReconnectingSocket {
    /// Starts connecting to `url` and reconnecting by `options.reconnect`.
    ///
    /// `url` is a URL string, or a `UrlProvider`: a function called before every
    /// attempt (the first included) that returns the URL, or `{ url, protocols }`, or
    /// a promise of either, for URLs that carry a token that expires. A provider that
    /// throws, rejects, returns something else, or does not settle within
    /// `reconnect.providerTimeoutMs` (10 s by default) makes a failed attempt (a
    /// `providerFailed` event), and reconnecting goes on as after any failed attempt.
    ///
    /// `options` takes the fields of `WasmSocket.connect`'s (subprotocols, binary type,
    /// `connectTimeoutMs`, which bounds each attempt) and `reconnect`: the backoff
    /// (`initialDelayMs`, `factor`, `maxDelayMs`, `jitter`), `maxAttempts`,
    /// `stableAfterMs`, `finalCloseCodes`, `outbox` (`maxMessages`, `maxBytes`,
    /// `whenFull`), `replay`, `heartbeat` (`intervalMs`, `timeoutMs`, `message`,
    /// `reply`), `retryPolicy` (a function of `{ attempt, sinceLostMs, cause,
    /// closeInfo?, error? }` that returns the delay in ms before the next attempt, or
    /// `null` to give up; it replaces the backoff, whose delays stand in when it throws
    /// or returns another value), `providerTimeoutMs`, `network` (`waitWhileOffline`,
    /// `attemptWhenOnline`, `attemptWhenVisible`, `pingWhenVisible`, or `false`) and
    /// `backForwardCache`.
    ///
    /// Throws `TypeError` / `RangeError` for malformed options, or a `url` that is
    /// neither a string nor a function. A bad URL or subprotocol is reported by the
    /// events (`attemptFailed`, then `gaveUp`; with a provider, reconnecting goes on).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | UrlProvider")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReconnectingOptions")] options: JsValue,
    ) -> Result<WasmReconnectingSocket, JsValue> {
        let (url, provider) = match (url.as_string(), url.dyn_into::<Function>()) {
            (Some(url), _) => (url, None),
            (None, Ok(provider)) => (String::new(), Some(provider)),
            (None, Err(url)) => {
                return Err(type_error(&format!(
                    "ReconnectingSocket: url must be a string or a function that provides \
                     one, got {}",
                    describe(&url)
                )))
            }
        };
        let builder = options::apply(WebSocket::builder(url), &options)?;
        let config = reconnect_options::config(&options, provider)?;
        let socket = ReconnectingWebSocket::new(builder, config);
        Ok(Self {
            sender: socket.sender(),
            events: Rc::new(Events {
                socket: RefCell::new(Some(socket)),
                callbacks: RefCell::new(Vec::new()),
                dispatching: Cell::new(false),
                running: Cell::new(false),
                waker: RefCell::new(None),
                last: RefCell::new(None),
            }),
            when_ready: InOrder::default(),
        })
    }

    /// Sends a text message, or queues it while disconnected.
    ///
    /// Throws `NotOpen` once the socket is closing or finished, `OutboxFull` when it
    /// must wait and the outbox has no room (with `whenFull: "reject"`, or a message
    /// larger than `maxBytes`), `TypeError` for another value.
    #[wasm_bindgen(js_name = sendText)]
    pub fn send_text(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<(), JsValue> {
        let Some(text) = text.as_string() else {
            return Err(type_error(&format!(
                "sendText: expected a string, got {}",
                describe(&text)
            )));
        };
        self.sender.send_text(&text).map_err(|error| to_js(&error))
    }

    /// Sends the bytes a `Uint8Array` covers, or queues a copy while disconnected.
    ///
    /// Throws as `sendText`, and `TypeError` for another value.
    #[wasm_bindgen(js_name = sendBytes)]
    pub fn send_bytes(&self, bytes: &Uint8Array) -> Result<(), JsValue> {
        let bytes = checked::<Uint8Array>(bytes, "sendBytes", "a Uint8Array")?;
        self.sender
            .send_bytes(&bytes.to_vec())
            .map_err(|error| to_js(&error))
    }

    /// Sends the whole of an `ArrayBuffer`, or queues a copy while disconnected.
    ///
    /// Throws as `sendText`, and `TypeError` for another value.
    #[wasm_bindgen(js_name = sendArrayBuffer)]
    pub fn send_array_buffer(&self, buffer: &ArrayBuffer) -> Result<(), JsValue> {
        let buffer = checked::<ArrayBuffer>(buffer, "sendArrayBuffer", "an ArrayBuffer")?;
        self.sender
            .send_bytes(&Uint8Array::new(buffer).to_vec())
            .map_err(|error| to_js(&error))
    }

    /// Sends a `Blob`, or queues it while disconnected (its `size` counts for
    /// `maxBytes`).
    ///
    /// Throws as `sendText`, and `TypeError` for another value.
    #[wasm_bindgen(js_name = sendBlob)]
    pub fn send_blob(&self, blob: &web_sys::Blob) -> Result<(), JsValue> {
        let blob = checked::<web_sys::Blob>(blob, "sendBlob", "a Blob")?;
        self.sender
            .send_message(Message::Blob(blob.clone()))
            .map_err(|error| to_js(&error))
    }

    /// The next event (see `ReconnectEvent`), in order; `null` once the socket closed
    /// for good or gave up and every event was read, after `free()`, and once
    /// `onEvent` callbacks read the events. Calls may overlap: they resolve in the
    /// order they were made, with consecutive events.
    #[wasm_bindgen(js_name = nextEvent, unchecked_return_type = "Promise<ReconnectEvent | null>")]
    pub fn next_event(&self) -> Promise {
        let previous = self.events.last.borrow_mut().take();
        let events = Rc::clone(&self.events);
        let promise = future_to_promise(async move {
            if let Some(previous) = previous {
                // Only its settling matters here; its caller has its outcome.
                let _ = JsFuture::from(previous).await;
            }
            let event = poll_fn(|cx| {
                if events.dispatching.get() {
                    return Poll::Ready(None);
                }
                events.poll_next(cx)
            })
            .await;
            Ok(event.map_or(JsValue::NULL, event_to_js))
        });
        *self.events.last.borrow_mut() = Some(promise.clone());
        promise
    }

    /// Calls `callback` with every event from now on, in order (events not yet read
    /// by `nextEvent()` included). An exception it throws is reported and does not
    /// stop later calls. Removed by `free()`.
    ///
    /// Throws `TypeError` if `callback` is not a function.
    #[wasm_bindgen(js_name = onEvent)]
    pub fn on_event(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: ReconnectEvent) => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let callback = function(callback, "onEvent")?;
        self.events.callbacks.borrow_mut().push(callback);
        if !self.events.dispatching.replace(true) {
            // A pending nextEvent() now resolves with null; the task reads instead.
            self.events.wake();
            self.start_dispatch();
        }
        Ok(())
    }

    /// Starts the task that hands events to the callbacks, unless it runs.
    fn start_dispatch(&self) {
        if !self.events.running.replace(true) {
            spawn_local(dispatch(Rc::clone(&self.events)));
        }
    }

    /// Closes for good with `code` (1000 by default, or 3000 to 4999) and `reason`: no
    /// reconnect follows, messages still waiting are handed back (an `unsent` event),
    /// and the events end with `closed`. Does nothing on a socket already closing or
    /// finished.
    ///
    /// Throws `InvalidCloseCode` or `CloseReasonTooLong` before anything changes,
    /// `TypeError` for a reason that is not a string.
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] code: Option<f64>,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] reason: JsValue,
    ) -> Result<(), JsValue> {
        let code = close_code(code)?;
        let reason = optional_string(&reason, "close: reason")?;
        self.sender
            .close_with(code, reason.as_deref().unwrap_or_default())
            .map_err(|error| to_js(&error))
    }

    /// Reconnects now: an open connection is closed and replaced, a wait before the
    /// next attempt is cut short. After `gaveUp` it starts over: a new first attempt
    /// at once, the attempt count and the policy from the beginning, and events flow
    /// again (`nextEvent()`, which had resolved with `null`, and `onEvent`).
    ///
    /// Throws `NotOpen` once the socket is closing, or closed for good.
    pub fn reconnect(&self) -> Result<(), JsValue> {
        self.sender.reconnect().map_err(|error| to_js(&error))?;
        if self.events.dispatching.get() {
            // The task ended with the stream if it had given up.
            self.start_dispatch();
        }
        Ok(())
    }

    /// Resolves once a send would not fill the open connection's buffer beyond the
    /// high-water mark (1 MiB; it then waits for the buffer to drain to 512 KiB), as
    /// `WasmSocket.ready()` does; at once while disconnected or while messages wait in
    /// the outbox (a send then waits in the outbox, whose limits apply). A connection
    /// lost during the wait ends it.
    ///
    /// Rejects with `NotOpen` once the socket is closing or finished.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn ready(&self) -> Promise {
        let sender = self.sender.clone();
        future_to_promise(async move {
            sender.ready().await.map_err(|error| to_js(&error))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Waits for `ready()`, then sends `data` (a `string`, `Uint8Array`, `ArrayBuffer`
    /// or `Blob`), or queues it while disconnected: a producer that awaits each call
    /// never buffers more than the high-water mark in the browser.
    ///
    /// Calls need not be awaited one by one: they send (or queue) in the order they
    /// were made, as `WasmSocket.sendWhenReady` does.
    ///
    /// Rejects as the sends throw (`NotOpen`, `OutboxFull`, `BufferFull`), and with
    /// `TypeError` for another value.
    #[wasm_bindgen(js_name = sendWhenReady, unchecked_return_type = "Promise<void>")]
    pub fn send_when_ready(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | Blob")]
        data: JsValue,
    ) -> Promise {
        let message = match message_from_js(&data, "sendWhenReady") {
            Ok(message) => message,
            Err(error) => return Promise::reject(&error),
        };
        let waiting = self.sender.clone();
        let sender = self.sender.clone();
        self.when_ready.send(
            async move { waiting.ready().await.map_err(|error| to_js(&error)) },
            move || sender.send_message(message).map_err(|error| to_js(&error)),
        )
    }

    /// Whether a connection is open and takes sends directly.
    #[wasm_bindgen(getter = isOpen)]
    pub fn is_open(&self) -> bool {
        self.sender.is_open()
    }

    /// How many messages wait in the outbox.
    #[wasm_bindgen(getter = queuedMessages)]
    pub fn queued_messages(&self) -> usize {
        self.sender.queued_messages()
    }

    /// How many bytes wait in the outbox.
    #[wasm_bindgen(getter = queuedBytes)]
    pub fn queued_bytes(&self) -> usize {
        self.sender.queued_bytes()
    }

    /// The open connection's `bufferedAmount`; 0 while disconnected.
    #[wasm_bindgen(getter = bufferedAmount)]
    pub fn buffered_amount(&self) -> u32 {
        self.sender.buffered_amount()
    }
}

impl Drop for WasmReconnectingSocket {
    /// `free()`: the callbacks first, so none sees what follows, then the socket (its
    /// driver stops at its next turn); the dispatch task and pending `nextEvent()`
    /// calls are woken to finish.
    fn drop(&mut self) {
        if let Ok(mut callbacks) = self.events.callbacks.try_borrow_mut() {
            callbacks.clear();
        }
        let socket = match self.events.socket.try_borrow_mut() {
            Ok(mut socket) => socket.take(),
            Err(_) => None,
        };
        drop(socket);
        self.events.wake();
    }
}

/// Hands every event to the `onEvent` callbacks until the stream ends or the socket
/// is freed. No borrow is held while a callback runs (it may register another, or
/// free the socket).
async fn dispatch(events: Rc<Events>) {
    while let Some(event) = poll_fn(|cx| events.poll_next(cx)).await {
        let callbacks = events.callbacks.borrow().clone();
        if callbacks.is_empty() {
            // Freed: the callbacks were removed first.
            break;
        }
        let event = event_to_js(event);
        for callback in &callbacks {
            call(callback, &event);
        }
    }
    events.running.set(false);
}
