//! What a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) reports through its
//! stream: messages, and every change of connection.

use core::time::Duration;

use super::ProviderError;
use crate::{CloseEvent, Error, Message};

/// One item of a [`ReconnectingWebSocket`](super::ReconnectingWebSocket)'s stream.
///
/// A typical life: `Open`, `Message`s, `Disconnected`, `Reconnecting { attempt: 1 }`,
/// `AttemptFailed { attempt: 1 }`, `Reconnecting { attempt: 2 }`,
/// `Reconnected { attempt: 2 }`, `Message`s, ..., and at last `Closed` or `GaveUp`,
/// after which the stream ends.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A message from the server, in arrival order.
    Message(Message),
    /// The first connection opened.
    Open,
    /// A connection opened again after a loss; `attempt` is the attempt that made it.
    Reconnected {
        /// The attempt number (from 1).
        attempt: u32,
    },
    /// The connection was lost. A reconnect follows unless the attempt limit is
    /// reached (then [`Event::GaveUp`]).
    Disconnected {
        /// Why.
        reason: DisconnectReason,
        /// The socket's `bufferedAmount` when it was lost: bytes of the last messages
        /// that had not been handed to the network, and so were certainly not
        /// delivered. Messages before them may or may not have reached the server: the
        /// browser does not say (see the [module docs](super#what-is-delivered)).
        buffered: u32,
    },
    /// Attempt `attempt` (from 1) starts after `delay`.
    Reconnecting {
        /// The attempt number, from 1, counted since the last stable connection.
        attempt: u32,
        /// The delay before it (0 after [`reconnect`](super::ReconnectingSender::reconnect)).
        delay: Duration,
    },
    /// The browser says it is offline (`navigator.onLine` is false): no attempt is
    /// made, and none counted, until it says `online` again (then one is made at
    /// once) or [`reconnect`](super::ReconnectingSender::reconnect) is called. Comes
    /// once each time the socket starts waiting for the network; see
    /// [`Network::wait_while_offline`](super::Network::wait_while_offline).
    Offline,
    /// A connection attempt failed (attempt 0 is the first connection). Every attempt
    /// fails at most once: the browser's `error` and `close` events of one failure
    /// count as one.
    AttemptFailed {
        /// The attempt number; 0 for the first connection.
        attempt: u32,
        /// Why: [`Error::ConnectionFailed`], [`Error::Timeout`], or, for a failure no
        /// retry can mend, [`Error::InvalidUrl`], [`Error::InvalidProtocol`] or
        /// [`Error::Js`] (then [`Event::GaveUp`] follows at once).
        error: Error,
    },
    /// The [`Provider`](super::Provider) gave no endpoint for an attempt (it failed, or
    /// did not answer within its timeout): that attempt failed without connecting,
    /// and the retry policy decides what follows, as after
    /// [`Event::AttemptFailed`].
    ProviderFailed {
        /// The attempt number; 0 for the first connection.
        attempt: u32,
        /// Why.
        error: ProviderError,
    },
    /// Received messages that were dropped because the unread events already held
    /// the most messages or bytes the socket's bound allows
    /// ([`WebSocketBuilder::max_backlog`](crate::WebSocketBuilder::max_backlog)): the
    /// stream was not read fast enough (or at all). It stands where the messages
    /// would have been; consecutive drops add up in one event. Never silent, and the
    /// memory of a socket whose stream is never read stays within the bound.
    Dropped {
        /// How many messages were dropped.
        messages: usize,
        /// Their size in bytes (a text counts its UTF-16 code units, as for
        /// [`max_backlog`](crate::WebSocketBuilder::max_backlog)).
        bytes: usize,
    },
    /// Messages accepted by a send that were not, and will not be, sent: never lost
    /// silently.
    Unsent {
        /// The messages, in the order they were sent.
        messages: Vec<Message>,
        /// Why.
        reason: UnsentReason,
    },
    /// The socket stopped trying after `attempts` failed attempts in a row (or when
    /// the [retry policy](super::RetryPolicy) said so, or at once for a failure no
    /// retry can mend). Last item of the stream, unless
    /// [`reconnect`](super::ReconnectingSender::reconnect) starts over (then the
    /// stream yields the new attempts' events).
    GaveUp {
        /// How many reconnect attempts failed: the attempts after the first
        /// connection's, so 0 when that one failed for good (an invalid URL, or
        /// `max_attempts` of 0).
        attempts: u32,
    },
    /// The socket closed for good: the user closed it (`None` if no connection was
    /// open at the time), or the server closed it with one of the
    /// [final codes](super::ReconnectConfig::final_close_codes). Last item of the
    /// stream.
    Closed(Option<CloseEvent>),
}

/// Why a connection was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// It closed, with this close event: abnormally (1006, not clean: the server or
    /// the network went away) or with a code that is not final.
    Closed(CloseEvent),
    /// No message arrived within the heartbeat's timeout after a ping; the socket
    /// was closed by this side.
    HeartbeatTimeout {
        /// How long the connection had been silent.
        silent_for: Duration,
    },
    /// [`reconnect`](super::ReconnectingSender::reconnect) was called.
    Requested,
    /// The page went into the back/forward cache (`pagehide` with `persisted`): this
    /// side closed the connection cleanly (code 1000), keeping the outbox. The next
    /// attempt comes when the page is shown again; see
    /// [`ReconnectConfig::back_forward_cache`](super::ReconnectConfig::back_forward_cache).
    PageHidden,
    /// A received message broke a receive limit
    /// ([`WebSocketBuilder::max_message_size`](crate::WebSocketBuilder::max_message_size)):
    /// this side closed the connection (code
    /// [`CLOSE_MESSAGE_TOO_LARGE`](crate::CLOSE_MESSAGE_TOO_LARGE)) without keeping it.
    ReceiveLimit {
        /// [`Error::MessageTooLarge`], with the message's size and the limit.
        error: Error,
        /// The close event.
        event: CloseEvent,
    },
}

/// Why messages were handed back in an [`Event::Unsent`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsentReason {
    /// The outbox was full and the policy is
    /// [`WhenFull::DropOldest`](super::WhenFull::DropOldest): these oldest messages
    /// made room for a newer one.
    DroppedOldest,
    /// A connection opened and replay is off
    /// ([`ReconnectConfig::replay`](super::ReconnectConfig::replay)).
    NotReplayed,
    /// The socket closed for good (the user closed it, or a final close code) with
    /// these messages still waiting.
    Closed,
    /// The socket gave up with these messages still waiting.
    GaveUp,
    /// The browser refused to send the message (for example
    /// [`Error::BufferFull`]).
    Failed(Error),
}
