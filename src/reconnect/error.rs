//! The reconnection layer's errors: why a message could not be taken, and the send
//! error that hands the message back.

use core::fmt;

use crate::{Error, Message};

/// Why a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) could not take a
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconnectError {
    /// The message could not wait in the outbox: it is full (and its policy is
    /// [`WhenFull::Reject`](super::WhenFull::Reject)), or the message is larger than
    /// its whole byte limit.
    #[error("outbox full: {messages} messages ({bytes} bytes) wait, a message of {message_bytes} bytes does not fit")]
    OutboxFull {
        /// Messages waiting in the outbox.
        messages: usize,
        /// Bytes waiting in the outbox.
        bytes: usize,
        /// The size of the refused message.
        message_bytes: usize,
    },
    /// The socket refused it: [`Error::NotOpen`] once the reconnecting socket is
    /// closing or finished, [`Error::BufferFull`] from the open connection.
    #[error(transparent)]
    Socket(#[from] Error),
}

/// A send that could neither go out nor wait in the outbox, with the message handed
/// back (as a channel's `TrySendError<T>` does), so that nothing is lost silently.
///
/// # Example
///
/// ```no_run
/// use wasm_websocket::reconnect::ReconnectError;
/// use wasm_websocket::ReconnectingWebSocket;
///
/// # fn keep(_: wasm_websocket::Message) {}
/// fn send(ws: &ReconnectingWebSocket, text: &str) {
///     if let Err(failed) = ws.send_text(text) {
///         if let ReconnectError::OutboxFull { .. } = failed.error() {
///             keep(failed.into_message()); // try again later
///         }
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    error: ReconnectError,
    message: Message,
}

impl SendError {
    pub(crate) fn new(error: impl Into<ReconnectError>, message: Message) -> Self {
        Self {
            error: error.into(),
            message,
        }
    }

    /// Why the message was refused.
    #[must_use]
    pub fn error(&self) -> &ReconnectError {
        &self.error
    }

    /// The refused message.
    #[must_use]
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The refused message, to send again or keep.
    #[must_use]
    pub fn into_message(self) -> Message {
        self.message
    }

    /// Why the message was refused, and the message.
    #[must_use]
    pub fn into_parts(self) -> (ReconnectError, Message) {
        (self.error, self.message)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<SendError> for ReconnectError {
    fn from(value: SendError) -> Self {
        value.error
    }
}
