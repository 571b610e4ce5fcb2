//! The shared core every handle points to: the browser socket, its owned listener
//! (for open, message and close) and the inbox it fills. Dropping the last handle
//! closes the socket (if it is still connecting or open) and removes the listener.

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

#[derive(Debug)]
pub(crate) struct Socket {
    pub(crate) raw: web_sys::WebSocket,
    pub(crate) inbox: Rc<RefCell<Inbox>>,
    pub(crate) max_buffered_amount: Option<u32>,
    pub(crate) water_marks: WaterMarks,
    pub(crate) limits: Limits,
    /// Whether `bufferedAmount` went above the high-water mark and has not yet come
    /// back to the low-water mark: sends through the Sink wait meanwhile.
    pub(crate) throttled: Cell<bool>,
    // For `open`, `message` and `close`. An `error` event carries no information and
    // is always followed by `close`, which is what the inbox reports; callbacks can
    // still see it through `on_error`.
    listener: Listener,
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
            let _ = raw.close();
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
                        let _ = raw.close_with_code(1000);
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
            raw,
            inbox,
            max_buffered_amount: options.max_buffered_amount,
            water_marks: options.water_marks,
            limits: options.limits,
            throttled: Cell::new(false),
            listener,
        })
    }

    /// The receiving half is gone: stop listening for messages and free those kept.
    /// The callbacks of [`on_message`](crate::WebSocketSender::on_message) have
    /// listeners of their own, so they still get every message.
    pub(crate) fn stop_receiving(&self) {
        self.listener.remove("message");
        if let Ok(mut inbox) = self.inbox.try_borrow_mut() {
            inbox.discard_messages();
        }
    }

    pub(crate) fn ready_state(&self) -> ReadyState {
        ReadyState::from_raw(self.raw.ready_state())
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
        if matches!(
            self.ready_state(),
            ReadyState::Connecting | ReadyState::Open
        ) {
            // 1000 is always a valid code; close() cannot throw for it.
            let _ = self.raw.close_with_code(1000);
        }
        // The listeners are dropped after this, removing themselves from the socket.
    }
}
