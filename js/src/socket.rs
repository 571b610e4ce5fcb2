//! `WasmSocket`: opening, sending, closing and the state getters.

use core::cell::RefCell;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{close_info, describe, message_from_js, optional_string};
use crate::error::{invalid_close_code, to_js, type_error};
use crate::in_order::InOrder;
use crate::options;
use crate::reader::Reader;
use wasm_websocket::{Subscription, WebSocket, WebSocketSender};

/// A browser WebSocket with checked sends, ordered receives and owned listeners.
///
/// Open one with `WasmSocket.connect`. Every method that fails throws (or, for a
/// promise, rejects with) an `Error` whose `name` says what went wrong: `InvalidUrl`,
/// `InvalidProtocol`, `ConnectionFailed`, `Timeout`, `NotOpen`, `InvalidCloseCode`,
/// `CloseReasonTooLong`, `AbnormalClose`... (see `WsErrorName`), and `TypeError` for an
/// argument of the wrong type.
///
/// Call `free()` when done with it: it closes the socket (code 1000) if it is still
/// open and removes every listener and callback. Promises already handed out
/// (`closed`, `nextMessage()`) still settle once the socket has closed. Keep a
/// reference to the socket while you use it: one that is garbage-collected is freed
/// the same way.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmSocket {
    pub(super) sender: WebSocketSender,
    pub(super) reader: Rc<Reader>,
    /// The callbacks registered with `onMessage`, `onClose` and `onError`.
    pub(super) callbacks: RefCell<Vec<Subscription>>,
    /// The `closed` promise, made on first use.
    closed: RefCell<Option<Promise>>,
    /// The `sendWhenReady` calls, in call order.
    when_ready: InOrder,
}

#[wasm_bindgen]
impl WasmSocket {
    /// Opens a WebSocket to `url` and resolves with it once it is open.
    ///
    /// `url` may be `ws:`, `wss:`, `http:` or `https:` (the latter two become `ws:` and
    /// `wss:`), or relative to the page. `options` sets the subprotocols to offer, how
    /// binary messages arrive (`Uint8Array` by default, or `Blob`), the connect
    /// timeout (10 s by default), `maxBufferedAmount`, from which on sends throw
    /// `BufferFull` instead of growing the browser's buffer (no limit by default), and
    /// the receive limits `maxMessageSize` (16 MiB), `maxBacklogMessages` (65536) and
    /// `maxBacklogBytes` (64 MiB).
    ///
    /// With a `reconnect` field in `options` (an object, `{}` for the defaults), it
    /// resolves at once with a `ReconnectingSocket` instead, as
    /// `new ReconnectingSocket(url, options)` makes it (`url` may then be a
    /// `UrlProvider` function): one entry point for both kinds. Its connection
    /// failures come as its events, not as a rejection.
    ///
    /// Rejects with `InvalidUrl` (a URL that does not parse, another scheme, a
    /// fragment, a bad host), `InvalidProtocol`, `ConnectionFailed` (nothing listening,
    /// upgrade refused, no offered subprotocol selected; its `closeInfo` is the close
    /// event), `Timeout` (not open in time; the socket is closed), or `TypeError` /
    /// `RangeError` for malformed options.
    ///
    /// (Typed by overloads in the TypeScript declarations: see `WasmSocketConnect`.)
    #[wasm_bindgen(skip_typescript)]
    pub async fn connect(url: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        if options.is_object() && !Reflect::get(&options, &"reconnect".into())?.is_undefined() {
            #[cfg(feature = "reconnect")]
            return crate::WasmReconnectingSocket::new(url, options).map(JsValue::from);
            #[cfg(not(feature = "reconnect"))]
            return Err(type_error(
                "connect: the reconnect option needs the package's full entry point \
                 (`wasm-websocket`); `wasm-websocket/socket` has no ReconnectingSocket",
            ));
        }
        let Some(url) = url.as_string() else {
            return Err(type_error(&format!(
                "connect: url must be a string (a URL provider function needs the reconnect \
                 option), got {}",
                describe(&url)
            )));
        };
        let builder = options::apply(WebSocket::builder(url), &options)?;
        let ws = builder.connect().await.map_err(|error| to_js(&error))?;
        let (sender, receiver) = ws.split();
        Ok(Self {
            sender,
            reader: Reader::new(receiver),
            callbacks: RefCell::new(Vec::new()),
            closed: RefCell::new(None),
            when_ready: InOrder::default(),
        }
        .into())
    }

    /// Resolves once a send would not fill the browser's buffer beyond the
    /// high-water mark (1 MiB): at once while at most that much is buffered, else once
    /// the buffer has drained to the low-water mark (512 KiB). The browser fires no
    /// event for this; the wait looks at `bufferedAmount` with an adaptive timer.
    ///
    /// Rejects with `NotOpen` once the socket is not open (also when it closes during
    /// the wait).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn ready(&self) -> Promise {
        let ready = self.sender.ready();
        future_to_promise(async move {
            ready.await.map_err(|error| to_js(&error))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Waits for `ready()`, then sends `data` (a `string`, `Uint8Array`,
    /// `ArrayBuffer` or `Blob`): a producer that awaits each call never buffers more
    /// than the high-water mark in the browser.
    ///
    /// Calls need not be awaited one by one: they send in the order they were made.
    /// One made while no other waits and the buffer has room sends before it
    /// returns (so `sendWhenReady(a); sendText(b)` sends `a` first); the others wait
    /// their turn, and a plain send made meanwhile goes out before them. A call that
    /// fails (`NotOpen`, `BufferFull`) does not stop the ones after it. The data of
    /// a waiting call is copied when it is made (a `Uint8Array`'s bytes).
    ///
    /// Rejects as `ready()` and the sends (`NotOpen`, `BufferFull`), and with
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
        let ready = self.sender.ready();
        let sender = self.sender.clone();
        self.when_ready.send(
            async move { ready.await.map_err(|error| to_js(&error)) },
            move || sender.send_message(&message).map_err(|error| to_js(&error)),
        )
    }

    /// Sends a text message.
    ///
    /// Throws `NotOpen` unless the socket is open (browsers silently drop data sent
    /// after a close, so this is checked first), `BufferFull` while `maxBufferedAmount`
    /// bytes or more are buffered, `TypeError` for another value.
    #[wasm_bindgen(js_name = sendText)]
    pub fn send_text(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<(), JsValue> {
        if !text.is_string() {
            return Err(type_error(&format!(
                "sendText: expected a string, got {}",
                describe(&text)
            )));
        }
        // The string goes to the browser as it is: no round trip through UTF-8 in
        // wasm memory.
        self.sender
            .send_js_string(text.unchecked_ref())
            .map_err(|error| to_js(&error))
    }

    /// Sends the bytes of a `Uint8Array` (only those it covers, not the rest of its
    /// buffer) as a binary message.
    ///
    /// Throws `NotOpen` unless the socket is open, `TypeError` for another value.
    #[wasm_bindgen(js_name = sendBytes)]
    pub fn send_bytes(&self, bytes: &Uint8Array) -> Result<(), JsValue> {
        let bytes = checked::<Uint8Array>(bytes, "sendBytes", "a Uint8Array")?;
        self.sender.send_view(bytes).map_err(|error| to_js(&error))
    }

    /// Sends the whole of an `ArrayBuffer` as a binary message.
    ///
    /// Throws `NotOpen` unless the socket is open, `TypeError` for another value.
    #[wasm_bindgen(js_name = sendArrayBuffer)]
    pub fn send_array_buffer(&self, buffer: &ArrayBuffer) -> Result<(), JsValue> {
        let buffer = checked::<ArrayBuffer>(buffer, "sendArrayBuffer", "an ArrayBuffer")?;
        self.sender
            .send_array_buffer(buffer)
            .map_err(|error| to_js(&error))
    }

    /// Sends a `Blob`'s contents as a binary message, in order with the messages sent
    /// before and after it (the browser reads the Blob itself).
    ///
    /// Throws `NotOpen` unless the socket is open, `TypeError` for another value.
    #[wasm_bindgen(js_name = sendBlob)]
    pub fn send_blob(&self, blob: &web_sys::Blob) -> Result<(), JsValue> {
        let blob = checked::<web_sys::Blob>(blob, "sendBlob", "a Blob")?;
        self.sender.send_blob(blob).map_err(|error| to_js(&error))
    }

    /// The next message: a `string`, a `Uint8Array` (or a `Blob` with
    /// `binaryType: "blob"`), in the order the socket received them; `null` once the
    /// socket has closed and every message was read.
    ///
    /// Calls may overlap: they resolve in the order they were made, with consecutive
    /// messages. Messages wait for this method until the first `onMessage` callback
    /// is registered; from then on the callbacks get them, and this method only hands
    /// out those received before, then `null` after the close.
    ///
    /// Rejects once with `AbnormalClose` (its `closeInfo` is the close event, code
    /// 1006) when the connection was lost without a closing handshake, with
    /// `MessageTooLarge` when a message was over `maxMessageSize` (the socket was closed
    /// with 4009), or with `BacklogFull` when more than `maxBacklogMessages` /
    /// `maxBacklogBytes` waited unread (closed with 4008); each after the messages
    /// received before it, and then `null`.
    #[wasm_bindgen(js_name = nextMessage, unchecked_return_type = "Promise<WsMessage | null>")]
    pub fn next_message(&self) -> Promise {
        self.reader.next()
    }

    /// Starts the closing handshake with `code` (1000 by default, or 3000 to 4999) and
    /// `reason` (empty by default, at most 123 bytes of UTF-8). Closing a socket that
    /// is already closing or closed does nothing.
    ///
    /// Unlike the browser's `close()`, a missing code sends 1000, never 1005.
    ///
    /// Throws `InvalidCloseCode` or `CloseReasonTooLong` before the browser is called,
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

    /// Resolves with `{ code, reason, wasClean }` once the socket has closed (at once
    /// if it already has). The same promise every time.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<CloseInfo>")]
    pub fn closed(&self) -> Promise {
        self.closed
            .borrow_mut()
            .get_or_insert_with(|| {
                let closed = self.sender.closed();
                future_to_promise(async move { Ok(close_info(&closed.await)) })
            })
            .clone()
    }

    /// The socket's state, as the browser's `readyState`: 0 connecting, 1 open,
    /// 2 closing, 3 closed.
    #[wasm_bindgen(getter = readyState, unchecked_return_type = "0 | 1 | 2 | 3")]
    pub fn ready_state(&self) -> u16 {
        self.sender.ready_state().as_raw()
    }

    /// Bytes queued by sends but not yet transmitted (`bufferedAmount`).
    #[wasm_bindgen(getter = bufferedAmount)]
    pub fn buffered_amount(&self) -> u32 {
        self.sender.buffered_amount()
    }

    /// The subprotocol the server selected, or `""`.
    #[wasm_bindgen(getter)]
    pub fn protocol(&self) -> String {
        self.sender.protocol()
    }

    /// The extensions the server selected, or `""`.
    #[wasm_bindgen(getter)]
    pub fn extensions(&self) -> String {
        self.sender.extensions()
    }

    /// The URL the socket connected to, after resolution (`http:` made `ws:`, a
    /// relative URL made absolute).
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.sender.url()
    }
}

impl Drop for WasmSocket {
    /// `free()`: removes the callbacks first, so none sees the close, then closes the
    /// socket (code 1000). The socket's own listeners go with the last handle on it:
    /// at once, or when the pending `nextMessage()` promises settle (a pending
    /// `closed` promise holds no handle: it keeps one listener of its own until the
    /// close event comes).
    fn drop(&mut self) {
        self.callbacks.get_mut().clear();
        // Code 1000 with an empty reason is always valid; a closed socket is a no-op.
        let _ = self.sender.close();
    }
}

/// How many event listeners the library holds in this page: each open `WasmSocket`
/// holds three, and one more per callback. Back to where it was once every socket is
/// freed (and its pending promises settled). For leak tests and diagnostics.
#[wasm_bindgen(js_name = liveListeners)]
#[must_use]
pub fn live_listeners_js() -> usize {
    wasm_websocket::live_listeners()
}

/// `value` if it really is a `T` (TypeScript types are not checked at run time),
/// else a `TypeError` naming the method.
pub(super) fn checked<'a, T: JsCast>(
    value: &'a T,
    method: &str,
    expected: &str,
) -> Result<&'a T, JsValue> {
    let raw: &JsValue = value.unchecked_ref();
    if raw.is_instance_of::<T>() {
        Ok(value)
    } else {
        Err(type_error(&format!(
            "{method}: expected {expected}, got {}",
            describe(raw)
        )))
    }
}

/// A close code from an optional JavaScript number: 1000 when missing (never 1005),
/// else an integer that fits in 16 bits (the checks on its value are the Rust API's).
pub(super) fn close_code(code: Option<f64>) -> Result<u16, JsValue> {
    let Some(code) = code else {
        return Ok(1000);
    };
    if code.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&code) {
        // An integer in 0..=65535, checked just above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(code as u16)
    } else {
        Err(invalid_close_code(code))
    }
}
