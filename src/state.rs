//! The socket's `readyState` and `binaryType`, as enums.

use core::fmt;

/// The state of a socket, from its `readyState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadyState {
    /// The connection is not yet open.
    Connecting,
    /// The connection is open and ready to communicate.
    Open,
    /// The closing handshake has started.
    Closing,
    /// The connection is closed or could not be opened.
    Closed,
}

impl ReadyState {
    /// Maps a raw `readyState` number. The standard defines only 0 to 3; any other
    /// number is treated as [`ReadyState::Closed`] rather than panicking.
    #[must_use]
    pub fn from_raw(raw: u16) -> Self {
        match raw {
            web_sys::WebSocket::CONNECTING => Self::Connecting,
            web_sys::WebSocket::OPEN => Self::Open,
            web_sys::WebSocket::CLOSING => Self::Closing,
            _ => Self::Closed,
        }
    }

    /// The raw `readyState` number.
    #[must_use]
    pub fn as_raw(self) -> u16 {
        match self {
            Self::Connecting => web_sys::WebSocket::CONNECTING,
            Self::Open => web_sys::WebSocket::OPEN,
            Self::Closing => web_sys::WebSocket::CLOSING,
            Self::Closed => web_sys::WebSocket::CLOSED,
        }
    }
}

impl fmt::Display for ReadyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closing => "closing",
            Self::Closed => "closed",
        })
    }
}

/// How binary messages are received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BinaryType {
    /// As bytes: [`Message::Binary`](crate::Message::Binary). The default.
    #[default]
    ArrayBuffer,
    /// As the browser's Blob, handed over as is, in arrival order:
    /// [`Message::Blob`](crate::Message::Blob).
    Blob,
}

impl BinaryType {
    pub(crate) fn to_web_sys(self) -> web_sys::BinaryType {
        match self {
            Self::ArrayBuffer => web_sys::BinaryType::Arraybuffer,
            Self::Blob => web_sys::BinaryType::Blob,
        }
    }
}
