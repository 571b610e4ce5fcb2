//! The sending half: typed sends, close, and the socket's state.

use std::rc::Rc;

use wasm_bindgen::JsCast;

use crate::backpressure::{Pacer, Ready};
use crate::socket::Socket;
use crate::view::{self, BufferView};
use crate::wait::Closed;
use crate::{validate_close, Error, Message, ReadyState, Result};

/// The sending half of a socket. Cheap to clone; every clone sends on, and can close,
/// the same socket. [`WebSocket`](crate::WebSocket) derefs to it, so all of these
/// methods are available on a socket before it is split too.
///
/// The socket closes (code 1000) when the last handle to it, sender or receiver, is
/// dropped.
#[derive(Debug)]
pub struct WebSocketSender {
    pub(crate) socket: Rc<Socket>,
    /// The Sink's wait for the buffer to drain.
    pub(crate) pacer: Pacer,
}

impl Clone for WebSocketSender {
    fn clone(&self) -> Self {
        Self::new(Rc::clone(&self.socket))
    }
}

impl WebSocketSender {
    pub(crate) fn new(socket: Rc<Socket>) -> Self {
        Self {
            socket,
            pacer: Pacer::default(),
        }
    }

    /// Sends a text message.
    ///
    /// # Errors
    /// [`Error::NotOpen`] unless the socket is open (browsers silently discard data
    /// sent after close, so this is checked first); [`Error::BufferFull`] when a
    /// buffered-amount limit is set and reached.
    pub fn send_text(&self, text: &str) -> Result<()> {
        self.check_can_send()?;
        Ok(self.socket.raw.send_with_str(text)?)
    }

    /// Sends a JavaScript string as a text message, as it is: no round trip through
    /// UTF-8 in wasm memory (for text that came from JavaScript and goes back out).
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_js_string(&self, text: &js_sys::JsString) -> Result<()> {
        self.check_can_send()?;
        Ok(self
            .socket
            .raw
            .unchecked_ref::<RawSocket>()
            .send_string(text)?)
    }

    /// Sends a binary message from wasm memory, with no intermediate copy: the browser
    /// reads the bytes straight from a view on wasm memory. (Where wasm memory is
    /// shared between threads, browsers refuse such views, so one copy is made.)
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<()> {
        self.check_can_send()?;
        #[cfg(not(target_feature = "atomics"))]
        let sent = self.socket.raw.send_with_u8_array(bytes);
        #[cfg(target_feature = "atomics")]
        let sent = self
            .socket
            .raw
            .send_with_js_u8_array(&js_sys::Uint8Array::from(bytes));
        Ok(sent?)
    }

    /// Sends the whole of an `ArrayBuffer` as a binary message.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_array_buffer(&self, buffer: &js_sys::ArrayBuffer) -> Result<()> {
        self.check_can_send()?;
        Ok(self.socket.raw.send_with_array_buffer(buffer)?)
    }

    /// Sends the bytes a typed array or `DataView` covers as a binary message (only
    /// those bytes, not the rest of its buffer).
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_view(&self, view: &impl BufferView) -> Result<()> {
        self.check_can_send()?;
        Ok(self
            .socket
            .raw
            .send_with_array_buffer_view(view::as_object(view))?)
    }

    /// Sends a Blob's contents as a binary message. The browser reads the Blob itself
    /// and keeps the message in order with those sent before and after it.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_blob(&self, blob: &web_sys::Blob) -> Result<()> {
        self.check_can_send()?;
        Ok(self.socket.raw.send_with_blob(blob)?)
    }

    /// Sends a [`Message`] of any kind. (Named so that it does not clash with
    /// `SinkExt::send`, which sends through the [`Sink`](futures_sink::Sink).)
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_message(&self, message: &Message) -> Result<()> {
        match message {
            Message::Text(text) => self.send_text(text),
            Message::Binary(bytes) => self.send_bytes(bytes),
            Message::Blob(blob) => self.send_blob(blob),
        }
    }

    /// A future that resolves once a message may be sent without filling the
    /// browser's buffer beyond the high-water mark (see
    /// [`WebSocketBuilder::backpressure`](crate::WebSocketBuilder::backpressure)):
    /// at once while at most the high-water mark is buffered; else once the buffer
    /// has drained to the low-water mark.
    ///
    /// Futures waiting at the same time are woken together and run in no promised
    /// order, so several `send_*_when_ready` futures polled at once (by `join`, or in
    /// separate tasks) may send in any order: await them one after the other, or send
    /// through the [`Sink`](futures_sink::Sink), to keep messages in order.
    ///
    /// The future does not keep the socket open: once every handle (senders and
    /// receiver) is dropped, the socket closes as usual and the future resolves with
    /// [`Error::NotOpen`] (state `Closing` or `Closed`), at its next look at the
    /// buffer or when the close completes, whichever comes first.
    ///
    /// # Errors
    /// [`Error::NotOpen`] once the socket is not open (also when it closes during the
    /// wait, and when every handle is dropped).
    pub fn ready(&self) -> Ready {
        Ready::new(self.socket.core())
    }

    /// Waits until the buffer has room ([`ready`](Self::ready)), then sends a text
    /// message.
    ///
    /// # Errors
    /// As [`ready`](Self::ready), then as [`send_text`](Self::send_text).
    pub async fn send_text_when_ready(&self, text: &str) -> Result<()> {
        self.ready().await?;
        self.send_text(text)
    }

    /// Waits until the buffer has room ([`ready`](Self::ready)), then sends a binary
    /// message from wasm memory (see [`send_bytes`](Self::send_bytes)).
    ///
    /// # Errors
    /// As [`ready`](Self::ready), then as [`send_bytes`](Self::send_bytes).
    pub async fn send_bytes_when_ready(&self, bytes: &[u8]) -> Result<()> {
        self.ready().await?;
        self.send_bytes(bytes)
    }

    /// Waits until the buffer has room ([`ready`](Self::ready)), then sends a
    /// [`Message`].
    ///
    /// # Errors
    /// As [`ready`](Self::ready), then as [`send_message`](Self::send_message).
    pub async fn send_message_when_ready(&self, message: &Message) -> Result<()> {
        self.ready().await?;
        self.send_message(message)
    }

    /// Starts the closing handshake with code 1000 (normal closure). Closing a socket
    /// that is already closing or closed does nothing.
    ///
    /// Unlike the browser's bare `close()`, which makes the server see 1005 ("no
    /// status"), this sends 1000.
    ///
    /// # Errors
    /// [`Error::Js`] only if the browser throws, which it does not for this code.
    pub fn close(&self) -> Result<()> {
        self.close_with(1000, "")
    }

    /// Starts the closing handshake with a code and a reason (a
    /// [`CloseCode`](crate::CloseCode) converts with `.into()`). Closing a socket that
    /// is already closing or closed does nothing (and is not an error).
    ///
    /// A socket that is still connecting has no handshake to start: the browser
    /// aborts the connection and sends no close frame, so neither the code nor the
    /// reason reaches the server; its close event has code 1006 and `was_clean`
    /// false, and the stream yields [`Error::ConnectionFailed`] with it.
    ///
    /// # Errors
    /// [`Error::InvalidCloseCode`] unless `code` is 1000 or in 3000..=4999, and
    /// [`Error::CloseReasonTooLong`] if `reason` is over 123 bytes of UTF-8: both
    /// checked before the browser is called (it would throw `InvalidAccessError` and
    /// `SyntaxError`).
    pub fn close_with(&self, code: u16, reason: &str) -> Result<()> {
        validate_close(code, reason)?;
        if matches!(self.ready_state(), ReadyState::Closing | ReadyState::Closed) {
            return Ok(());
        }
        Ok(self.socket.raw.close_with_code_and_reason(code, reason)?)
    }

    /// A future that resolves with the close event once the socket has closed,
    /// at once if it already has.
    ///
    /// It does not keep the socket open: once every handle (senders and receiver) is
    /// dropped, the socket closes with 1000 and its listeners are removed as usual;
    /// a `Closed` still waiting then listens for that close alone (the socket's
    /// listener, kept for the close event only and removed with the last `Closed`
    /// future) and resolves with its event.
    pub fn closed(&self) -> Closed {
        Closed::new(self.socket.core())
    }

    /// The socket's state (`readyState`).
    #[must_use]
    pub fn ready_state(&self) -> ReadyState {
        self.socket.ready_state()
    }

    /// Bytes queued by sends but not yet transmitted (`bufferedAmount`).
    #[must_use]
    pub fn buffered_amount(&self) -> u32 {
        self.socket.raw.buffered_amount()
    }

    /// The subprotocol the server selected, or `""` (`protocol`).
    #[must_use]
    pub fn protocol(&self) -> String {
        self.socket.raw.protocol()
    }

    /// The extensions the server selected, or `""` (`extensions`).
    #[must_use]
    pub fn extensions(&self) -> String {
        self.socket.raw.extensions()
    }

    /// The URL the socket connected to, after resolution (`url`).
    #[must_use]
    pub fn url(&self) -> String {
        self.socket.raw.url()
    }

    /// The underlying `web_sys::WebSocket`. Listeners added to it are the caller's to
    /// remove; closing it through here is seen by this crate's handles as usual.
    #[must_use]
    pub fn as_raw(&self) -> &web_sys::WebSocket {
        &self.socket.raw
    }

    /// The checks every send makes first.
    fn check_can_send(&self) -> Result<()> {
        let state = self.ready_state();
        if state != ReadyState::Open {
            return Err(Error::NotOpen { state });
        }
        if let Some(limit) = self.socket.max_buffered_amount {
            let buffered = self.buffered_amount();
            if buffered >= limit {
                return Err(Error::BufferFull { buffered, limit });
            }
        }
        Ok(())
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `WebSocket`, for a `send` that takes a JavaScript string as it is
    /// (web-sys's `send_with_str` takes a `&str`, which it copies out of wasm memory).
    #[wasm_bindgen(js_name = WebSocket)]
    type RawSocket;

    /// `WebSocket.send(string)`.
    #[wasm_bindgen(method, catch, js_name = send)]
    fn send_string(this: &RawSocket, text: &js_sys::JsString) -> Result<(), wasm_bindgen::JsValue>;
}
