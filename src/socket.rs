//! The shared core every handle points to: the browser socket, its three owned
//! listeners and the inbox they fill. Dropping the last handle closes the socket (if it
//! is still connecting or open) and removes the listeners.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};

use crate::backpressure::WaterMarks;
use crate::inbox::Inbox;
use crate::listener::Listener;
use crate::{BinaryType, CloseEvent, Error, Message, ReadyState, Result};

/// The options a socket is opened with (set through the builder).
#[derive(Debug, Clone, Default)]
pub(crate) struct SocketOptions {
    pub(crate) protocols: Vec<String>,
    pub(crate) binary_type: BinaryType,
    pub(crate) max_buffered_amount: Option<u32>,
    pub(crate) water_marks: WaterMarks,
}

#[derive(Debug)]
pub(crate) struct Socket {
    pub(crate) raw: web_sys::WebSocket,
    pub(crate) inbox: Rc<RefCell<Inbox>>,
    pub(crate) max_buffered_amount: Option<u32>,
    pub(crate) water_marks: WaterMarks,
    /// Whether `bufferedAmount` went above the high-water mark and has not yet come
    /// back to the low-water mark: sends through the Sink wait meanwhile.
    pub(crate) throttled: Cell<bool>,
    // An `error` event carries no information and is always followed by `close`,
    // which is what the inbox reports; callbacks can still see it through `on_error`.
    _listeners: [Listener; 3],
}

impl Socket {
    /// Creates the browser socket for an already validated URL and protocol list, and
    /// registers the listeners before any event can fire.
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
        raw.set_binary_type(options.binary_type.to_web_sys());

        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let offered_protocols = !options.protocols.is_empty();
        let listeners = [
            listen(&raw, &inbox, "open", move |inbox, event| {
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
            }),
            listen(&raw, &inbox, "message", |inbox, event| {
                if let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() {
                    inbox.on_message(|| Message::from_event_data(event.data()));
                }
            }),
            listen(&raw, &inbox, "close", |inbox, event| {
                if let Some(event) = event.dyn_ref::<web_sys::CloseEvent>() {
                    inbox.on_close(CloseEvent::from(event));
                }
            }),
        ];
        Ok(Self {
            raw,
            inbox,
            max_buffered_amount: options.max_buffered_amount,
            water_marks: options.water_marks,
            throttled: Cell::new(false),
            _listeners: listeners,
        })
    }

    pub(crate) fn ready_state(&self) -> ReadyState {
        ReadyState::from_raw(self.raw.ready_state())
    }
}

/// A listener that records its events into the inbox.
fn listen(
    raw: &web_sys::WebSocket,
    inbox: &Rc<RefCell<Inbox>>,
    kind: &'static str,
    mut record: impl FnMut(&mut Inbox, web_sys::Event) + 'static,
) -> Listener {
    let inbox = Rc::clone(inbox);
    Listener::new(raw, kind, move |event| {
        record(&mut inbox.borrow_mut(), event)
    })
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
