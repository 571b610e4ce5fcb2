//! A typed, leak-free layer over the browser's WebSocket, for Rust compiled to
//! WebAssembly.
//!
//! - [`WebSocket::connect`] resolves once the socket is open, or fails with a typed
//!   [`Error`] that carries the browser's [`CloseEvent`].
//! - Typed sends: [`send_text`](WebSocketSender::send_text),
//!   [`send_bytes`](WebSocketSender::send_bytes) (no intermediate copy),
//!   [`send_array_buffer`](WebSocketSender::send_array_buffer),
//!   [`send_view`](WebSocketSender::send_view) and
//!   [`send_blob`](WebSocketSender::send_blob); sending on a socket that is not open
//!   is an error, not a silent loss.
//! - Messages arrive in order, through a futures `Stream` or callbacks that return an
//!   owned [`Subscription`].
//! - Backpressure: the `Sink`, [`ready`](WebSocketSender::ready) and the
//!   `send_*_when_ready` methods wait while the browser's `bufferedAmount` is above a
//!   high-water mark (1 MiB by default) until it drains to a low-water mark
//!   ([`WebSocketBuilder::backpressure`]), so streaming never buffers without bound.
//! - Receive limits: a message over 16 MiB, or a reader that lets more than 65,536
//!   messages or 64 MiB wait unread, closes the socket with a typed error
//!   ([`Error::MessageTooLarge`], [`Error::BacklogFull`]) instead of taking the page
//!   down ([`WebSocketBuilder::max_message_size`], [`WebSocketBuilder::max_backlog`]).
//! - Close codes and reasons are checked before the browser sees them.
//! - Every JavaScript closure is owned and removed on drop: nothing leaks, and nothing
//!   fires after drop.
//! - With the `canvas` feature, the [`canvas`] module sends a canvas as
//!   a PNG, JPEG or WebP image or as raw pixels, and draws received images into a
//!   canvas.
//! - With the `reconnect` feature (on by default), [`ReconnectingWebSocket`]
//!   reconnects with exponential backoff and jitter, keeps what is sent meanwhile in a
//!   bounded outbox (never dropping a message silently) and can detect dead
//!   connections with a heartbeat; see the [`reconnect`] module.
//!
//! The JavaScript/TypeScript package (`WasmSocket`, `ReconnectingSocket`) and the demo
//! page are separate crates built on this one; this crate is a plain Rust library.
//!
//! # Example
//!
//! ```no_run
//! use futures::{SinkExt, StreamExt};
//! use wasm_websocket::{Message, WebSocket};
//!
//! # fn show(_: &str) {}
//! # async fn run() -> wasm_websocket::Result<()> {
//! let mut ws = WebSocket::builder("wss://example.com/echo")
//!     .protocol("echo")
//!     .connect()
//!     .await?;
//!
//! ws.send_text("hello")?;
//! ws.send_bytes(&[1, 2, 3])?;
//! ws.send(Message::text("through the Sink")).await?;
//!
//! while let Some(message) = ws.next().await {
//!     match message? {
//!         Message::Text(text) => show(&text),
//!         Message::Binary(bytes) => show(&format!("{} bytes", bytes.len())),
//!         Message::Blob(_) => show("a Blob (only in Blob mode)"),
//!     }
//!     ws.close_with(4000, "done")?;
//! }
//! let event = ws.closed().await;
//! assert_eq!((event.code, event.was_clean), (4000, true));
//! # Ok(()) }
//! ```
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod backpressure;
mod builder;
mod callbacks;
#[cfg(feature = "canvas")]
#[cfg_attr(docsrs, doc(cfg(feature = "canvas")))]
pub mod canvas;
mod close;
mod error;
mod inbox;
mod limits;
mod listener;
mod message;
mod protocol;
mod receiver;
#[cfg(feature = "reconnect")]
#[cfg_attr(docsrs, doc(cfg(feature = "reconnect")))]
pub mod reconnect;
mod sender;
mod socket;
mod state;
mod stream;
mod text;
mod timer;
mod url;
mod view;
mod wait;
mod websocket;

pub use backpressure::{
    Ready, DEFAULT_HIGH_WATER_MARK, DEFAULT_LOW_WATER_MARK, MAX_POLL_MS, MIN_POLL_MS,
};
pub use builder::{WebSocketBuilder, DEFAULT_CONNECT_TIMEOUT};
pub use callbacks::Subscription;
pub use close::{validate_close, CloseCode, CloseEvent, MAX_CLOSE_REASON_BYTES};
pub use error::{Error, JsError, Result};
#[doc(hidden)]
pub use limits::{
    CLOSE_BACKLOG_FULL, CLOSE_MESSAGE_TOO_LARGE, DEFAULT_MAX_BACKLOG_BYTES,
    DEFAULT_MAX_BACKLOG_MESSAGES, DEFAULT_MAX_MESSAGE_SIZE,
};
pub use listener::live_listeners;
pub use message::{read_blob, Message};
pub use protocol::validate_protocols;
pub use receiver::WebSocketReceiver;
#[cfg(feature = "reconnect")]
#[cfg_attr(docsrs, doc(cfg(feature = "reconnect")))]
pub use reconnect::{ReconnectConfig, ReconnectingWebSocket};
pub use sender::WebSocketSender;
pub use state::{BinaryType, ReadyState};
pub use timer::MAX_TIMER_DELAY;
pub use url::resolve_url;
pub use view::BufferView;
pub use wait::Closed;
pub use websocket::WebSocket;
