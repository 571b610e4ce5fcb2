//! The callback layer: `on_message`, `on_open`, `on_close` and `on_error`, each
//! returning an owned [`Subscription`].

use std::rc::Rc;

use wasm_bindgen::JsCast;

use crate::limits::{Limits, Size};
use crate::listener::Listener;
use crate::message::DataKind;
use crate::{CloseEvent, Message, WebSocketSender};

/// A registered callback. Dropping it removes the listener from the socket and frees
/// the closure; it is never called after that.
///
/// It holds its listener on the browser socket, not the socket's handles: while it
/// lives after the socket is dropped, it still sees what the socket does on the way
/// out (an `on_close` callback gets the close that the drop started) and it counts in
/// [`live_listeners`](crate::live_listeners) until it is dropped too.
#[derive(Debug)]
#[must_use = "the callback is removed as soon as the subscription is dropped"]
pub struct Subscription {
    _listener: Listener,
}

impl WebSocketSender {
    /// Calls `callback` with every message the socket receives from now on, in
    /// arrival order, alongside the stream (which still receives them too, unless its
    /// receiver was dropped).
    ///
    /// Reading by callbacks alone? [`split`](crate::WebSocket::split) the socket and
    /// drop the [`WebSocketReceiver`](crate::WebSocketReceiver): while a receiver
    /// lives, the stream keeps every message for it too, and once more than
    /// [`max_backlog`](crate::WebSocketBuilder::max_backlog) wait unread (65,536 by
    /// default) the socket is closed with
    /// [`CLOSE_BACKLOG_FULL`](crate::CLOSE_BACKLOG_FULL).
    ///
    /// ```no_run
    /// use wasm_websocket::WebSocket;
    ///
    /// # async fn run() -> Result<(), wasm_websocket::Error> {
    /// let (sender, receiver) = WebSocket::connect("wss://example.com/feed").await?.split();
    /// drop(receiver); // messages now go to callbacks only
    /// // Messages reach the callback while the subscription is kept.
    /// let subscription = sender.on_message(|message| {
    ///     // ...
    /// #   let _ = message;
    /// });
    /// # drop(subscription);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A message over the size limit
    /// ([`max_message_size`](crate::WebSocketBuilder::max_message_size)) is not handed
    /// over (nor copied into wasm memory): the socket is closed with
    /// [`CLOSE_MESSAGE_TOO_LARGE`](crate::CLOSE_MESSAGE_TOO_LARGE) instead.
    pub fn on_message(&self, mut callback: impl FnMut(Message) + 'static) -> Subscription {
        let limits = self.socket.limits;
        self.subscribe(&["message"], move |event| {
            // The standard only delivers strings, ArrayBuffers and Blobs.
            let message = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|event| within_limit(&limits, event))
                .map(|(data, kind)| Message::from_event_data_of(data, kind));
            if let Some(Ok(message)) = message {
                callback(message);
            }
        })
    }

    /// Calls `callback` with the `data` of every message event, as the browser made it
    /// (a string, an `ArrayBuffer`, or a `Blob` in [`BinaryType::Blob`](crate::BinaryType)
    /// mode), unconverted: for code that hands messages on to JavaScript without a round
    /// trip through wasm memory (the npm package's `onMessage` does). A message over the
    /// size limit is not handed over, as for [`on_message`](Self::on_message).
    ///
    /// ```no_run
    /// # fn run(ws: &wasm_websocket::WebSocket, forward: js_sys::Function) {
    /// let subscription = ws.on_message_data(move |data| {
    ///     let _ = forward.call1(&wasm_bindgen::JsValue::NULL, &data);
    /// });
    /// # drop(subscription); }
    /// ```
    pub fn on_message_data(
        &self,
        mut callback: impl FnMut(wasm_bindgen::JsValue) + 'static,
    ) -> Subscription {
        let limits = self.socket.limits;
        self.subscribe(&["message"], move |event| {
            if let Some((data, _)) = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|event| within_limit(&limits, event))
            {
                callback(data);
            }
        })
    }

    /// Calls `callback` when the socket opens. A socket from
    /// [`WebSocket::connect`](crate::WebSocket::connect) is already open; register
    /// on one from [`WebSocketBuilder::build`](crate::WebSocketBuilder::build).
    ///
    /// A connection this crate fails itself (subprotocols offered and none selected,
    /// which Firefox opens anyway) does not count as open: `callback` is not called.
    pub fn on_open(&self, mut callback: impl FnMut() + 'static) -> Subscription {
        // The socket's own listener was registered first, so it has seen this event.
        let inbox = Rc::clone(&self.socket.inbox);
        self.subscribe(&["open"], move |_| {
            let failed = inbox
                .try_borrow()
                .is_ok_and(|inbox| inbox.close_event().is_some());
            if !failed {
                callback();
            }
        })
    }

    /// Calls `callback` with the close event when the socket closes: the same event
    /// [`closed`](WebSocketSender::closed) resolves with (for a connection this crate
    /// failed itself, code 1006, whatever the browser reports for the close that
    /// follows).
    pub fn on_close(&self, mut callback: impl FnMut(CloseEvent) + 'static) -> Subscription {
        // The socket's own listener was registered first, so it has recorded this
        // close, or an earlier failure, by now (unless every handle is gone).
        let inbox = Rc::clone(&self.socket.inbox);
        self.subscribe(&["close"], move |event| {
            if let Some(event) = event.dyn_ref::<web_sys::CloseEvent>() {
                let recorded = inbox
                    .try_borrow()
                    .ok()
                    .and_then(|inbox| inbox.close_event().cloned());
                callback(recorded.unwrap_or_else(|| CloseEvent::from(event)));
            }
        })
    }

    /// Calls `callback` when the browser fires `error` on the socket. The event says
    /// nothing of the cause (by design, for privacy); a `close` with code 1006
    /// always follows.
    pub fn on_error(&self, mut callback: impl FnMut() + 'static) -> Subscription {
        self.subscribe(&["error"], move |_| callback())
    }

    /// How many futures' wakers the socket holds (waiting for open, close or a
    /// drained buffer); for leak tests.
    #[doc(hidden)]
    #[must_use]
    pub fn waiting_wakers(&self) -> usize {
        self.socket.inbox.borrow().waiters()
    }

    fn subscribe(
        &self,
        kinds: &'static [&'static str],
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Subscription {
        Subscription {
            _listener: Listener::new(&self.socket.raw, kinds, callback),
        }
    }
}

/// The event's `data` and its kind if it is within the size limit; else closes the
/// socket (a callback may be the only reader) and hands nothing over.
fn within_limit(
    limits: &Limits,
    event: &web_sys::MessageEvent,
) -> Option<(wasm_bindgen::JsValue, DataKind)> {
    let data = event.data();
    match limits.size_of(&data) {
        (Size::Within(_), kind) => Some((data, kind)),
        (Size::Over(_), _) => {
            crate::socket::close_for_limit(event, crate::CLOSE_MESSAGE_TOO_LARGE);
            None
        }
    }
}
