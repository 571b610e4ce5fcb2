//! The crate's error type.

use core::fmt;
use core::time::Duration;

use wasm_bindgen::JsValue;

use crate::{CloseEvent, ReadyState};

/// The result type of this crate: `Result<T, wasm_websocket::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong with a socket, with the data a caller needs to react.
///
/// The canvas and reconnection layers have error types of their own
/// ([`canvas::CanvasError`](crate::canvas::CanvasError),
/// [`reconnect::SendError`](crate::reconnect::SendError)), each convertible from this
/// one, so this type never admits a failure a socket operation cannot have.
///
/// Errors are `Clone + PartialEq`, so tests can `assert_eq!` on them. None of them
/// holds a bare `JsValue`: JavaScript exceptions become a [`JsError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL is not one a WebSocket can connect to: the browser refused it, or it
    /// breaks a WHATWG URL rule that some browser does not enforce (checked here, so
    /// every browser gives the same answer).
    #[error("invalid url `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A subprotocol is empty, not a valid HTTP token, or repeated.
    #[error("invalid subprotocol `{protocol}`: {reason}")]
    InvalidProtocol {
        /// The subprotocol as given.
        protocol: String,
        /// Why it was refused.
        reason: String,
    },
    /// The connection could not be opened (refused upgrade, nothing listening, TLS or
    /// network failure). Browsers report this as a close with code 1006.
    #[error("connection failed ({event})")]
    ConnectionFailed {
        /// The close event the browser fired.
        event: CloseEvent,
    },
    /// The connection was not open within the connect timeout; the socket was closed.
    #[error("connection not open after {}", AsDebug(*.after))]
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
    },
    /// A send was attempted while the socket was not open.
    #[error("the socket is not open (it is {state})")]
    NotOpen {
        /// The socket's state at the time of the call.
        state: ReadyState,
    },
    /// A close code a page may not send: only 1000 and 3000..=4999 are allowed.
    #[error("invalid close code {code}: only 1000 and 3000..=4999 may be sent")]
    InvalidCloseCode {
        /// The refused code.
        code: u16,
    },
    /// A close reason longer than 123 bytes of UTF-8.
    #[error("close reason is {bytes} bytes of UTF-8, at most 123 are allowed")]
    CloseReasonTooLong {
        /// The reason's length in UTF-8 bytes.
        bytes: usize,
    },
    /// The connection was lost without a clean closing handshake (for example the
    /// server vanished); `event.was_clean` is `false` and the code is usually 1006.
    #[error("connection closed abnormally ({event})")]
    AbnormalClose {
        /// The close event the browser fired.
        event: CloseEvent,
    },
    /// A send was refused because `bufferedAmount` had reached the configured limit
    /// (see [`WebSocketBuilder::max_buffered_amount`](crate::WebSocketBuilder::max_buffered_amount)).
    #[error("send buffer full: {buffered} bytes buffered, limit is {limit}")]
    BufferFull {
        /// The socket's `bufferedAmount` at the time of the call.
        buffered: u32,
        /// The configured limit.
        limit: u32,
    },
    /// The browser delivered message data of a type the WebSocket standard does not
    /// produce (neither string, ArrayBuffer nor Blob).
    #[error("unexpected message data of type `{type_name}`")]
    UnexpectedData {
        /// The JavaScript type (or constructor name) of the data.
        type_name: String,
    },
    /// A received message was larger than the socket's limit
    /// ([`WebSocketBuilder::max_message_size`](crate::WebSocketBuilder::max_message_size)).
    /// Its size was read from the browser's value (a text counts its UTF-8 bytes)
    /// and nothing of it was copied into wasm memory; the socket was closed with
    /// [`CLOSE_MESSAGE_TOO_LARGE`](crate::CLOSE_MESSAGE_TOO_LARGE) and the stream
    /// ends after this error.
    #[error("received a message of {size} bytes, the limit is {limit}")]
    MessageTooLarge {
        /// The message's size in bytes.
        size: u64,
        /// The configured limit.
        limit: usize,
    },
    /// More messages (or bytes) waited unread than the socket's bound allows
    /// ([`WebSocketBuilder::max_backlog`](crate::WebSocketBuilder::max_backlog)): the
    /// reader did not keep up. Messages received before are still yielded first, in
    /// order; the one that did not fit and any after it are not kept. The socket was
    /// closed with [`CLOSE_BACKLOG_FULL`](crate::CLOSE_BACKLOG_FULL) and the stream
    /// ends after this error.
    #[error("{messages} unread messages ({bytes} bytes) wait, the next one did not fit")]
    BacklogFull {
        /// Unread messages waiting when the next one arrived.
        messages: usize,
        /// Their size in bytes.
        bytes: usize,
    },
    /// A JavaScript exception, with its `name` and `message`.
    #[error("{0}")]
    Js(JsError),
}

/// A JavaScript exception turned into owned Rust data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    /// The exception's `name`, such as `SyntaxError` or `InvalidStateError`.
    pub name: String,
    /// The exception's `message`.
    pub message: String,
}

impl JsError {
    /// Reads `name` and `message` from any thrown JavaScript value.
    ///
    /// Values that are not error objects (a thrown string, say) get the name `Error`
    /// and their string form as the message.
    pub fn from_js(value: &JsValue) -> Self {
        let field = |key: &str| {
            js_sys::Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        };
        if value.is_object() {
            if let (Some(name), Some(message)) = (field("name"), field("message")) {
                return Self { name, message };
            }
        }
        // `String(value)` in JavaScript: Rust's `Debug` of a `JsValue` would bring a
        // large formatter into every app for a case that hardly ever happens.
        let message = value.as_string().unwrap_or_else(|| {
            js_string(value).unwrap_or_else(|_| "(a value that cannot be shown)".to_owned())
        });
        Self {
            name: "Error".to_owned(),
            message,
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// JavaScript's `String(value)` (which throws only for an object whose
    /// `toString` throws).
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// A duration shown as its `Debug` shows it (`10s`, `1.5s`, `250ms`, `1µs`), without
/// the general decimal formatter `Debug` brings into every app that shows an error
/// (about 1 KB gzip): the largest unit under which it is at least 1, and as many
/// decimals as it needs.
struct AsDebug(Duration);

impl fmt::Display for AsDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (secs, nanos) = (self.0.as_secs(), self.0.subsec_nanos());
        let (whole, fraction, digits, unit) = if secs > 0 {
            (secs, nanos, 9, "s")
        } else if nanos >= 1_000_000 {
            (u64::from(nanos / 1_000_000), nanos % 1_000_000, 6, "ms")
        } else if nanos >= 1_000 {
            (u64::from(nanos / 1_000), nanos % 1_000, 3, "µs")
        } else {
            (u64::from(nanos), 0, 0, "ns")
        };
        write!(f, "{whole}")?;
        if fraction > 0 {
            // The fraction's digits, zero-padded to the unit's, trailing zeros cut.
            let mut digits = digits;
            let mut fraction = fraction;
            while fraction % 10 == 0 {
                fraction /= 10;
                digits -= 1;
            }
            write!(f, ".{fraction:0digits$}")?;
        }
        f.write_str(unit)
    }
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for JsError {}

impl From<JsValue> for Error {
    fn from(value: JsValue) -> Self {
        Self::Js(JsError::from_js(&value))
    }
}

impl From<JsError> for Error {
    fn from(value: JsError) -> Self {
        Self::Js(value)
    }
}

#[cfg(test)]
mod tests {
    use super::AsDebug;
    use core::time::Duration;

    #[test]
    fn a_duration_is_shown_as_its_debug_shows_it() {
        let mut durations = vec![
            Duration::ZERO,
            Duration::from_nanos(1),
            Duration::from_nanos(999),
            Duration::from_nanos(1_000),
            Duration::from_nanos(1_500),
            Duration::from_micros(999_999),
            Duration::from_millis(1),
            Duration::from_millis(250),
            Duration::from_nanos(1_000_001),
            Duration::from_secs(10),
            Duration::from_millis(1_500),
            Duration::new(3, 1),
            Duration::new(u64::MAX, 999_999_999),
            crate::MAX_TIMER_DELAY,
        ];
        // A spread of others: every unit, with and without trailing zeros.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let nanos = u32::try_from(x % 1_000_000_000).unwrap_or(0);
            durations.push(Duration::new(
                x >> (x % 64),
                nanos / 10u32.pow(u32::try_from(x % 9).unwrap_or(0)),
            ));
        }
        for d in durations {
            assert_eq!(AsDebug(d).to_string(), format!("{d:?}"));
        }
    }
}
