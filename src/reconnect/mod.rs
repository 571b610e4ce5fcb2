//! Reconnection (cargo feature `reconnect`, on by default): [`ReconnectingWebSocket`]
//! reconnects with exponential backoff and jitter when the connection is lost, keeps
//! what is sent meanwhile in a bounded outbox, and can detect a dead connection with a
//! heartbeat. It is built on the core [`WebSocket`](crate::WebSocket), which knows
//! nothing of it.
//!
//! - **When it reconnects**: after a connection is lost (an abnormal close, or a close
//!   whose code is not [final](ReconnectConfig::final_close_codes); 1000 is final by
//!   default), after a failed attempt, after the heartbeat found the connection dead,
//!   and at once on [`reconnect`](ReconnectingSender::reconnect). Never after the
//!   user's [`close`](ReconnectingSender::close). One lost connection makes exactly
//!   one attempt (the browser's `error` and `close` of one failure are one event
//!   here).
//! - **Backoff, or any retry policy**: after each loss or failed attempt a
//!   [`RetryPolicy`] decides the delay before the next attempt, or to give up, from the
//!   attempt number, the time since the connection was lost and what failed
//!   ([`RetryInfo`]); the built-in one is the exponential [`Backoff`] (initial delay,
//!   factor, max delay, jitter). Each attempt is bounded by the builder's connect
//!   timeout; [`ReconnectConfig::max_attempts`] failures in a row end with
//!   [`Event::GaveUp`], whatever the policy. The count restarts once a connection
//!   stayed open for [`ReconnectConfig::stable_after`].
//! - **A fresh URL per attempt**: a [`Provider`] ([`ReconnectConfig::provider`]), sync
//!   or async, gives each attempt's [`Endpoint`] (URL and subprotocols), for tokens that
//!   expire. One that fails or does not answer within its timeout is a failed attempt
//!   ([`Event::ProviderFailed`]), and the policy goes on: it never stalls the loop.
//! - **Starting over**: [`reconnect`](ReconnectingSender::reconnect) after
//!   [`Event::GaveUp`] starts again from a first attempt; the stream yields again.
//! - **Backpressure**: the `Sink`, [`ready`](ReconnectingSender::ready) and the
//!   `send_*_when_ready` methods wait while the open connection's buffer is above the
//!   high-water mark.
//! - **Outbox**: sends while disconnected wait, in order, in a queue bounded by message
//!   count and bytes, and go out before any newer message once a connection opens
//!   (or are handed back, with [`ReconnectConfig::replay`] off). When it is full, a
//!   send is refused with [`ReconnectError::OutboxFull`] (the
//!   [`SendError`] hands the message back)
//!   ([`WhenFull::Reject`]) or the oldest messages are dropped and handed back in an
//!   [`Event::Unsent`] ([`WhenFull::DropOldest`]).
//! - **Network and page**: while the browser is offline (`navigator.onLine` false)
//!   no attempt is made and none is counted ([`Event::Offline`] says so); `online`,
//!   or the page becoming visible again, starts a waiting attempt at once; becoming
//!   visible while connected with a heartbeat pings at once ([`Network`], each
//!   behaviour on by default). The back/forward cache: the connection is closed
//!   cleanly as the page is cached (`pagehide` with `persisted`), keeping the outbox,
//!   and reconnected at once when the page is shown again
//!   ([`ReconnectConfig::back_forward_cache`], on by default). In a worker only
//!   `online` applies (no document, no page events).
//! - **Events**: the stream yields [`Event`]s: messages, `Open`, `Disconnected`,
//!   `Reconnecting { attempt, delay }`, `AttemptFailed`, `ProviderFailed`, `Reconnected`, `Unsent`,
//!   `Dropped`, and last `Closed` or `GaveUp`.
//! - **Receive limits**: the builder's
//!   [`max_message_size`](crate::WebSocketBuilder::max_message_size) applies to each
//!   connection (a larger message closes it without being kept:
//!   [`Event::Disconnected`] with [`DisconnectReason::ReceiveLimit`], then a reconnect
//!   as for any loss). Received messages wait for the stream as the browser made them,
//!   in the JavaScript heap, and are converted when read; at most
//!   [`max_backlog`](crate::WebSocketBuilder::max_backlog) messages and bytes wait.
//!   Reconnecting would not help a reader that does not keep up, so what does not fit
//!   is dropped and counted in one [`Event::Dropped`] where it would have been: a
//!   socket whose stream is never read (a send-only user) keeps at most that bound
//!   of messages. The other events are not bounded: a few per lost connection
//!   (`Disconnected`, `Reconnecting`, `Reconnected`, tens of bytes each) wait until
//!   read, so a send-only socket that reconnects for days should still drain its
//!   stream now and then (for example in a task that reads and ignores it).
//!
//! # What is delivered
//!
//! Every message a send accepted is either handed to a browser socket that was open
//! at the time, or handed back in an [`Event::Unsent`]: none is dropped silently.
//!
//! What the browser does with a message it was handed is another matter. When a
//! connection dies, the browser does not say which messages reached the server: bytes
//! it had already passed to the network may or may not have arrived, and the server
//! may or may not have processed them. Only the bytes still in its buffer (its
//! `bufferedAmount`, reported in [`Event::Disconnected`] as `buffered`) were certainly
//! not delivered: they belong to the last messages sent (a message cut short is
//! dropped by the server whole). This socket does not guess, and never sends a message
//! twice: delivery is *at most once* for messages sent to a connection that then died
//! before the loss was noticed. Messages that waited in the outbox go out once, in
//! order and ahead of newer ones, on the next connection, where the same holds. An
//! application that needs more numbers its messages and has the server acknowledge
//! them, resending what was not acknowledged after [`Event::Reconnected`].
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//! use futures::StreamExt;
//! use wasm_websocket::reconnect::{Backoff, Event, Heartbeat, ReconnectConfig};
//! use wasm_websocket::{ReconnectingWebSocket, WebSocket};
//!
//! # async fn run() {
//! let builder = WebSocket::builder("wss://example.com/feed")
//!     .connect_timeout(Some(Duration::from_secs(5)));
//! let config = ReconnectConfig::default()
//!     .backoff(Backoff::default().initial(Duration::from_millis(250)))
//!     .max_attempts(Some(10))
//!     .heartbeat(Some(Heartbeat::new(Duration::from_secs(20), Duration::from_secs(5))));
//! let mut ws = ReconnectingWebSocket::new(builder, config);
//! ws.send_text("subscribe").expect("the outbox has room");
//! while let Some(event) = ws.next().await {
//!     match event {
//!         Event::Message(message) => { /* ... */ }
//!         Event::Reconnecting { attempt, delay } => { /* show "retrying in {delay:?}" */ }
//!         Event::Unsent { messages, reason } => { /* never silently lost */ }
//!         Event::GaveUp { attempts } => { /* the stream ends */ }
//!         _ => {}
//!     }
//! }
//! # }
//! ```

mod backoff;
mod config;
mod driver;
mod error;
mod event;
mod heartbeat;
mod network;
mod outbox;
mod page;
mod policy;
mod provider;
mod shared;
mod signal;
mod socket;

pub use backoff::{Backoff, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY};
pub use config::{
    ReconnectConfig, DEFAULT_OUTBOX_BYTES, DEFAULT_OUTBOX_MESSAGES, DEFAULT_STABLE_AFTER,
    MAX_OUTBOX_BYTES, MAX_OUTBOX_MESSAGES,
};
#[doc(hidden)]
pub use driver::live_drivers;
pub use error::{ReconnectError, SendError};
pub use event::{DisconnectReason, Event, UnsentReason};
pub use heartbeat::{Heartbeat, MIN_HEARTBEAT_INTERVAL};
pub use network::Network;
pub use outbox::{message_size, WhenFull};
pub use policy::{Retry, RetryCause, RetryInfo, RetryPolicy};
pub use provider::{Endpoint, Provider, ProviderError, DEFAULT_PROVIDER_TIMEOUT};
pub use socket::{ReconnectingSender, ReconnectingWebSocket};
