//! Options for opening a socket.

use core::time::Duration;

use crate::backpressure::WaterMarks;
#[cfg(feature = "reconnect")]
use crate::limits::Limits;
use crate::socket::{Socket, SocketOptions};
use crate::wait::Opened;
use crate::{validate_protocols, BinaryType, Result, WebSocket};

/// The connect timeout used unless another is set: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sets a socket's options, then opens it.
///
/// ```no_run
/// # async fn run() -> wasm_websocket::Result<()> {
/// use std::time::Duration;
/// use wasm_websocket::{BinaryType, WebSocket};
///
/// let ws = WebSocket::builder("wss://example.com/chat")
///     .protocols(["chat", "echo"])
///     .binary_type(BinaryType::Blob)
///     .connect_timeout(Some(Duration::from_secs(5)))
///     .backpressure(4 << 20, 1 << 20)
///     .max_buffered_amount(Some(16 << 20))
///     .connect()
///     .await?;
/// assert_eq!(ws.protocol(), "chat");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `connect` or `build` is called"]
pub struct WebSocketBuilder {
    url: String,
    options: SocketOptions,
    connect_timeout: Option<Duration>,
}

impl WebSocketBuilder {
    /// A builder for the given URL (checked when the socket is opened).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            options: SocketOptions::default(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
        }
    }

    /// Offers one more subprotocol to the server, after any already offered.
    pub fn protocol(mut self, protocol: impl Into<String>) -> Self {
        self.options.protocols.push(protocol.into());
        self
    }

    /// Offers these subprotocols, in order of preference, after any already offered.
    pub fn protocols<I, S>(mut self, protocols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .protocols
            .extend(protocols.into_iter().map(Into::into));
        self
    }

    /// This builder for another endpoint: its URL, and its subprotocols if it sets
    /// them (else the builder's).
    #[cfg(feature = "reconnect")]
    pub(crate) fn endpoint(mut self, endpoint: crate::reconnect::Endpoint) -> Self {
        let (url, protocols) = endpoint.into_parts();
        self.url = url;
        if let Some(protocols) = protocols {
            self.options.protocols = protocols;
        }
        self
    }

    /// How binary messages are received: as bytes (the default) or as Blobs.
    pub fn binary_type(mut self, binary_type: BinaryType) -> Self {
        self.options.binary_type = binary_type;
        self
    }

    /// How long [`connect`](Self::connect) waits for the socket to open; `None` waits
    /// for as long as the browser does (some leave a socket connecting forever).
    /// Default: [`DEFAULT_CONNECT_TIMEOUT`]. Timeouts above what the browser's timers
    /// take, 2^31 - 1 ms (about 24.8 days; [`MAX_TIMER_DELAY`](crate::MAX_TIMER_DELAY)),
    /// are lowered to it (`setTimeout` would fire a longer one at once).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Refuses sends with [`Error::BufferFull`](crate::Error::BufferFull) while the
    /// socket's `bufferedAmount` is at or above `limit` bytes, instead of letting the
    /// browser buffer without bound. `None` (the default) sets no limit; `Some(0)`
    /// counts as `Some(1)` (a send is possible whenever the buffer is empty).
    ///
    /// The backpressure marks are kept under the limit: a high-water mark at or above
    /// it (the default 1 MiB, say, with a 64 KiB limit) is lowered to `limit - 1`, and
    /// the low-water mark to at most that, so the [`Sink`](futures_sink::Sink) and the
    /// `send_*_when_ready` methods wait instead of failing a send that
    /// [`ready`](crate::WebSocketSender::ready) allowed.
    pub fn max_buffered_amount(mut self, limit: Option<u32>) -> Self {
        self.options.max_buffered_amount = limit.map(|limit| limit.max(1));
        self
    }

    /// Refuses received messages larger than `bytes`: such a message is not kept nor
    /// handed to any callback (its size is read from the browser's value before
    /// anything is copied into wasm memory; a text counts its UTF-8 bytes), the
    /// socket is closed with [`CLOSE_MESSAGE_TOO_LARGE`](crate::CLOSE_MESSAGE_TOO_LARGE)
    /// and the stream yields [`Error::MessageTooLarge`](crate::Error::MessageTooLarge)
    /// after the messages before it. Other sockets are unaffected.
    ///
    /// Default: [`DEFAULT_MAX_MESSAGE_SIZE`](crate::DEFAULT_MAX_MESSAGE_SIZE) (16 MiB).
    /// `usize::MAX` takes whatever the browser accepts (Chromium takes 64 MiB and
    /// more), which then decides how much wasm memory the page keeps for good.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.options.limits.max_message_size = bytes;
        self
    }

    /// Bounds the messages received but not yet read from the stream: at most
    /// `messages` messages and `bytes` bytes wait (a text counts one byte per UTF-16
    /// code unit: its UTF-8 bytes for ASCII; its JavaScript `length`).
    /// The browser cannot pause reading, so when the reader does not keep up, the
    /// message that does not fit closes the socket with
    /// [`CLOSE_BACKLOG_FULL`](crate::CLOSE_BACKLOG_FULL), and the stream yields the
    /// messages it kept, in order, then
    /// [`Error::BacklogFull`](crate::Error::BacklogFull): never growing until the tab
    /// dies, never dropping a message silently. Callbacks are not bounded (they get
    /// each message as it arrives); a split socket whose receiver was dropped keeps
    /// nothing.
    ///
    /// One message always fits while none waits (it is on its way to the reader):
    /// a bound of 0 messages, or of fewer bytes than a message, still hands every
    /// message to a reader that keeps up (each within
    /// [`max_message_size`](Self::max_message_size)), and only a second unread one
    /// breaks it.
    ///
    /// Defaults: [`DEFAULT_MAX_BACKLOG_MESSAGES`](crate::DEFAULT_MAX_BACKLOG_MESSAGES)
    /// (65,536) and [`DEFAULT_MAX_BACKLOG_BYTES`](crate::DEFAULT_MAX_BACKLOG_BYTES)
    /// (64 MiB). A [`ReconnectingWebSocket`](crate::ReconnectingWebSocket) applies the
    /// same bound to its unread events.
    pub fn max_backlog(mut self, messages: usize, bytes: usize) -> Self {
        self.options.limits.max_backlog_messages = messages;
        self.options.limits.max_backlog_bytes = bytes;
        self
    }

    /// The receive limits, for the reconnecting socket's own queue.
    #[cfg(feature = "reconnect")]
    pub(crate) fn limits(&self) -> Limits {
        self.options.limits
    }

    /// Sets the backpressure marks, in bytes of `bufferedAmount`: the
    /// [`Sink`](futures_sink::Sink), [`ready`](crate::WebSocketSender::ready) and the
    /// `send_*_when_ready` methods wait while more than `high_water_mark` bytes are
    /// buffered, and once they had to wait, until at most `low_water_mark` are (a
    /// `low_water_mark` above `high_water_mark` is lowered to it). The buffer then
    /// never holds more than `high_water_mark` plus one message.
    ///
    /// Defaults: [`DEFAULT_HIGH_WATER_MARK`](crate::DEFAULT_HIGH_WATER_MARK) (1 MiB)
    /// and [`DEFAULT_LOW_WATER_MARK`](crate::DEFAULT_LOW_WATER_MARK) (512 KiB).
    /// `u32::MAX` as the high-water mark never waits. The plain `send_*` methods never
    /// wait; see [`max_buffered_amount`](Self::max_buffered_amount) to refuse them
    /// instead (a high-water mark at or above that limit is lowered under it).
    pub fn backpressure(mut self, high_water_mark: u32, low_water_mark: u32) -> Self {
        self.options.water_marks = WaterMarks::new(high_water_mark, low_water_mark);
        self
    }

    /// Opens the socket and waits until it is open.
    ///
    /// Dropping the returned future before it completes closes the socket and removes
    /// its listeners.
    ///
    /// # Errors
    /// - [`Error::InvalidUrl`](crate::Error::InvalidUrl) and
    ///   [`Error::InvalidProtocol`](crate::Error::InvalidProtocol), as for
    ///   [`build`](Self::build);
    /// - [`Error::ConnectionFailed`](crate::Error::ConnectionFailed) with the close
    ///   event (code 1006) when the browser cannot open the connection: nothing
    ///   listening, upgrade refused, TLS or network failure, or subprotocols offered
    ///   and none selected by the server (the WHATWG rule, which Firefox does not
    ///   enforce itself: this crate does, so every browser answers the same);
    /// - [`Error::Timeout`](crate::Error::Timeout) when the socket is not open within
    ///   the connect timeout (it is then closed).
    pub async fn connect(self) -> Result<WebSocket> {
        let timeout = self.connect_timeout;
        let ws = self.build()?;
        Opened::new(&ws.sender.socket, timeout).await?;
        Ok(ws)
    }

    /// Opens the socket without waiting: it is returned in the connecting state, with
    /// its listeners in place, so `on_open` callbacks can be registered. Sends fail
    /// with [`Error::NotOpen`](crate::Error::NotOpen) until it is open.
    ///
    /// # Errors
    /// - [`Error::InvalidUrl`](crate::Error::InvalidUrl) for a URL that does not parse,
    ///   has a scheme other than ws, wss, http or https, has a fragment, or has a
    ///   forbidden character in its host. The browser resolves the URL (relative and
    ///   `http(s)://` URLs too, in browsers since 2023; for older ones, pass the URL
    ///   through [`resolve_url`](crate::resolve_url) first);
    /// - [`Error::InvalidProtocol`](crate::Error::InvalidProtocol) for an empty,
    ///   malformed or repeated subprotocol;
    /// - [`Error::Js`](crate::Error::Js) if the browser throws anyway.
    pub fn build(self) -> Result<WebSocket> {
        validate_protocols(&self.options.protocols)?;
        Ok(WebSocket::from_socket(Socket::open(
            &self.url,
            &self.options,
        )?))
    }
}
