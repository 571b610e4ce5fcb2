//! The shared core every handle points to: the browser socket, its owned listener
//! (for open, message and close) and the inbox it fills. Dropping the last handle
//! closes the socket (if it is still connecting or open) and removes the listener.
//!
//! Two layers: [`Socket`] is what the handles (sender and receiver) share, and its
//! drop is the last handle's; [`Core`] is what futures that wait on the socket
//! (`closed()`, `ready()`) share, so that they never keep a dropped socket open.

use core::ops::Deref;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};

use crate::backpressure::WaterMarks;
use crate::inbox::{Inbox, Verdict};
use crate::limits::Limits;
use crate::listener::Listener;
use crate::{BinaryType, CloseEvent, Error, ReadyState, Result};

/// The options a socket is opened with (set through the builder).
#[derive(Debug, Clone, Default)]
pub(crate) struct SocketOptions {
    pub(crate) protocols: Vec<String>,
    pub(crate) binary_type: BinaryType,
    pub(crate) max_buffered_amount: Option<u32>,
    pub(crate) water_marks: WaterMarks,
    pub(crate) limits: Limits,
}

/// What the handles and the futures waiting on the socket share.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) raw: web_sys::WebSocket,
    pub(crate) inbox: Rc<RefCell<Inbox>>,
    pub(crate) max_buffered_amount: Option<u32>,
    /// The backpressure marks, the high one lowered under `max_buffered_amount` (see
    /// [`WaterMarks::under_limit`]).
    pub(crate) water_marks: WaterMarks,
    pub(crate) limits: Limits,
    /// Whether `bufferedAmount` went above the high-water mark and has not yet come
    /// back to the low-water mark: sends through the Sink wait meanwhile.
    pub(crate) throttled: Cell<bool>,
    /// How many [`Closed`](crate::Closed) futures are alive.
    closed_futures: Cell<usize>,
    /// Once every handle is gone while a `Closed` future lives and the close event is
    /// yet to come: the socket's listener, registered for that close event alone,
    /// which it records in the inbox for them; it goes with the last of them.
    close_listener: RefCell<Option<Listener>>,
}

impl Core {
    pub(crate) fn ready_state(&self) -> ReadyState {
        ReadyState::from_raw(self.raw.ready_state())
    }

    /// Counts a new `Closed` future.
    pub(crate) fn add_closed_future(&self) {
        self.closed_futures.set(self.closed_futures.get() + 1);
    }

    /// A `Closed` future is gone; with the last one goes the close listener.
    pub(crate) fn remove_closed_future(&self) {
        let left = self.closed_futures.get().saturating_sub(1);
        self.closed_futures.set(left);
        if left == 0 {
            if let Ok(mut listener) = self.close_listener.try_borrow_mut() {
                drop(listener.take());
            }
        }
    }
}

/// The socket the handles share: the core, and the listener that feeds its inbox.
#[derive(Debug)]
pub(crate) struct Socket {
    core: Rc<Core>,
    // For `open`, `message` and `close`. An `error` event carries no information and
    // is always followed by `close`, which is what the inbox reports; callbacks can
    // still see it through `on_error`. Handed to the core on drop if a `Closed`
    // future still waits for the close event.
    listener: Option<Listener>,
}

impl Deref for Socket {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl Socket {
    /// Creates the browser socket for a URL as given and an already validated
    /// protocol list, and registers the listener before any event can fire.
    ///
    /// The browser parses and resolves the URL (refusing what it cannot use with a
    /// `SyntaxError`); a URL it accepted but the standard does not (see
    /// [`crate::url`]) closes the new socket at once, before the listener is added.
    pub(crate) fn open(url: &str, options: &SocketOptions) -> Result<Self> {
        let protocols: js_sys::Array = options
            .protocols
            .iter()
            .map(|p| JsValue::from_str(p))
            .collect();
        let raw = web_sys::WebSocket::new_with_str_sequence(url, &protocols).map_err(|e| {
            let error = crate::JsError::from_js(&e);
            if error.name == "SyntaxError" {
                Error::InvalidUrl {
                    url: url.to_owned(),
                    reason: error.message,
                }
            } else {
                Error::Js(error)
            }
        })?;
        if let Some(reason) = crate::url::refusal(&raw.url()) {
            // Still connecting: closing aborts the attempt, and no event reaches us.
            let _ = raw.close_with_code_and_reason(1000, "");
            return Err(Error::InvalidUrl {
                url: url.to_owned(),
                reason,
            });
        }
        raw.set_binary_type(options.binary_type.to_web_sys());

        let inbox = Rc::new(RefCell::new(Inbox::new(options.limits)));
        let offered_protocols = !options.protocols.is_empty();
        let recorder = Rc::clone(&inbox);
        // One closure for the three events (one JS function, registered three times):
        // a message is told apart first, with one `instanceof`.
        let listener = Listener::new(&raw, &["open", "message", "close"], move |event| {
            let mut inbox = recorder.borrow_mut();
            if let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() {
                if let Verdict::Close(code) = inbox.on_message(event.data()) {
                    drop(inbox);
                    close_for_limit(event, code);
                }
            } else if let Some(event) = event.dyn_ref::<web_sys::CloseEvent>() {
                inbox.on_close(CloseEvent::from(event));
            } else {
                match event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::WebSocket>().ok())
                {
                    Some(raw) if offered_protocols && raw.protocol().is_empty() => {
                        // The WHATWG standard fails the connection when protocols were
                        // offered and the server selected none. Chromium does; Firefox
                        // opens anyway. Fail it here too, with what Chromium reports.
                        let _ = raw.close_with_code_and_reason(1000, "");
                        inbox.on_close(CloseEvent {
                            code: 1006,
                            reason: String::new(),
                            was_clean: false,
                        });
                    }
                    _ => inbox.on_open(),
                }
            }
        });
        Ok(Self {
            core: Rc::new(Core {
                raw,
                inbox,
                max_buffered_amount: options.max_buffered_amount,
                water_marks: options.water_marks.under_limit(options.max_buffered_amount),
                limits: options.limits,
                throttled: Cell::new(false),
                closed_futures: Cell::new(0),
                close_listener: RefCell::new(None),
            }),
            listener: Some(listener),
        })
    }

    /// The core, for a future that must not keep the socket open.
    pub(crate) fn core(&self) -> Rc<Core> {
        Rc::clone(&self.core)
    }

    /// Stops listening for messages for the stream: those kept stay readable. The
    /// callbacks of [`on_message`](crate::WebSocketSender::on_message) have listeners
    /// of their own, so they still get every message.
    pub(crate) fn stop_listening(&self) {
        if let Some(listener) = &self.listener {
            listener.remove("message");
        }
    }

    /// The receiving half is gone: stop listening for messages and free those kept.
    pub(crate) fn stop_receiving(&self) {
        self.stop_listening();
        if let Ok(mut inbox) = self.inbox.try_borrow_mut() {
            inbox.discard_messages();
        }
    }
}

/// Closes the socket a message event came from, after it broke a receive limit (the
/// browser fires no more message events once it is closing).
pub(crate) fn close_for_limit(event: &web_sys::MessageEvent, code: u16) {
    if let Some(raw) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::WebSocket>().ok())
    {
        let reason = if code == crate::CLOSE_MESSAGE_TOO_LARGE {
            "message too large"
        } else {
            "too many unread messages"
        };
        // A code in 4000..=4999 and a short reason: close() does not throw for them.
        let _ = raw.close_with_code_and_reason(code, reason);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let state = self.ready_state();
        if matches!(state, ReadyState::Connecting | ReadyState::Open) {
            // 1000 is always a valid code; close() cannot throw for it.
            let _ = self.raw.close_with_code_and_reason(1000, "");
        }
        // Not by the ready state: it is already `Closed` at the `error` event that
        // comes before `close`, and a handle dropped there must not leave a `closed()`
        // future waiting for an event no one records. A borrowed inbox counts as not
        // recorded (keeping the listener is harmless).
        let recorded = self
            .core
            .inbox
            .try_borrow()
            .is_ok_and(|inbox| inbox.close_event().is_some());
        if !recorded && self.core.closed_futures.get() > 0 {
            // A `closed()` future still waits: keep listening for the close event alone,
            // which the listener records in the inbox for it. (A `ready()` future needs
            // none: it sees the state at its next look.)
            if let Some(listener) = self.listener.take() {
                listener.remove("open");
                listener.remove("message");
                *self.core.close_listener.borrow_mut() = Some(listener);
            }
        }
        // The listener is dropped after this, removing itself from the socket.
    }
}
