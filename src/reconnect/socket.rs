//! The handles users hold: [`ReconnectingWebSocket`] (the stream of events, and the
//! owner of the driver task) and [`ReconnectingSender`] (sends, close, reconnect).

use core::cell::RefCell;
use core::future::Future;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::rc::Rc;

use futures_core::Stream;
use futures_sink::Sink;

use super::driver::Driver;
use super::outbox::Outbox;
use super::shared::{wake, Command, Phase, Shared};
use super::{Event, ReconnectConfig, ReconnectError, SendError, UnsentReason};
use crate::{
    validate_close, Error, Message, ReadyState, Result, WebSocketBuilder, WebSocketSender,
};

/// A WebSocket that reconnects when the connection is lost, keeping what is sent
/// meanwhile in a bounded outbox; see the [module docs](super).
///
/// It is a [`Stream`] of [`Event`]s (messages and connection changes) that ends after
/// [`Event::Closed`] or [`Event::GaveUp`] (after which
/// [`reconnect`](ReconnectingSender::reconnect) starts over, and the stream yields
/// again), and a [`Sink`] of messages; it derefs to
/// [`ReconnectingSender`] for the sends, `close` and `reconnect`.
///
/// A driver task (`spawn_local`) connects and reconnects. Dropping the socket stops
/// it: the connection is closed (code 1000), every listener and timer is removed, and
/// waiting messages are dropped. Senders split off with [`sender`](Self::sender) then
/// fail with [`Error::NotOpen`].
#[derive(Debug)]
pub struct ReconnectingWebSocket {
    sender: ReconnectingSender,
}

impl ReconnectingWebSocket {
    /// Starts connecting to `builder`'s URL, with its options (subprotocols, binary
    /// type, backpressure marks, and the connect timeout, which bounds each attempt),
    /// and reconnecting by `config`. Sends made before the first connection opens
    /// wait in the outbox.
    ///
    /// Failures, the URL's included, are reported by the stream
    /// ([`Event::AttemptFailed`], then [`Event::GaveUp`] at once for a failure no
    /// retry can mend, such as an invalid URL).
    pub fn new(builder: WebSocketBuilder, config: ReconnectConfig) -> Self {
        let outbox = Outbox::new(config.max_messages, config.max_bytes, config.when_full);
        let shared = Rc::new(RefCell::new(Shared::new(outbox, builder.limits())));
        let driver = Driver::new(Rc::clone(&shared), builder, config);
        wasm_bindgen_futures::spawn_local(driver.run());
        Self {
            sender: ReconnectingSender::new(shared),
        }
    }

    /// A handle that sends, closes and reconnects this socket, for another task.
    #[must_use]
    pub fn sender(&self) -> ReconnectingSender {
        self.sender.clone()
    }

    /// Closes for good with code 1000; see [`ReconnectingSender::close`]. (Defined
    /// here too so that `ws.close()` means this even where `futures::SinkExt` is in
    /// scope.)
    ///
    /// # Errors
    /// As [`ReconnectingSender::close`].
    pub fn close(&self) -> Result<()> {
        self.sender.close()
    }
}

impl Deref for ReconnectingWebSocket {
    type Target = ReconnectingSender;

    fn deref(&self) -> &ReconnectingSender {
        &self.sender
    }
}

impl Drop for ReconnectingWebSocket {
    fn drop(&mut self) {
        let waker = match self.sender.shared.try_borrow_mut() {
            Ok(mut shared) => {
                shared.dropped = true;
                shared.phase = Phase::Finished;
                shared.sender = None;
                shared.parked = None;
                drop(shared.outbox.take_all());
                shared.wake_driver()
            }
            // Not reachable (no borrow is held across user code); never panic in Drop.
            Err(_) => None,
        };
        // The driver stops at this poll, dropping its connection and timer.
        wake(waker);
    }
}

impl Stream for ReconnectingWebSocket {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let mut shared = self.sender.shared.borrow_mut();
        if let Some(event) = shared.next_event(cx) {
            return Poll::Ready(Some(event));
        }
        if shared.ended() {
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

impl Sink<Message> for ReconnectingWebSocket {
    type Error = ReconnectError;

    fn poll_ready(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), ReconnectError>> {
        Pin::new(&mut self.sender).poll_ready(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, message: Message) -> Result<(), ReconnectError> {
        Pin::new(&mut self.sender).start_send(message)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), ReconnectError>> {
        Pin::new(&mut self.sender).poll_flush(cx)
    }

    fn poll_close(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), ReconnectError>> {
        Pin::new(&mut self.sender).poll_close(cx)
    }
}

/// Sends, closes and reconnects a [`ReconnectingWebSocket`]. Cheap to clone.
///
/// A send goes straight to the open connection (nothing waits in the outbox then), or
/// else to the outbox, which is sent in order once a connection opens. Sends fail
/// with [`Error::NotOpen`] only once the socket is closing or finished.
#[derive(Debug)]
pub struct ReconnectingSender {
    shared: Rc<RefCell<Shared>>,
    /// The Sink's wait for the open connection's buffer to drain.
    ready: Option<crate::Ready>,
}

impl Clone for ReconnectingSender {
    fn clone(&self) -> Self {
        Self::new(Rc::clone(&self.shared))
    }
}

impl ReconnectingSender {
    fn new(shared: Rc<RefCell<Shared>>) -> Self {
        Self {
            shared,
            ready: None,
        }
    }

    /// Sends a text message, or queues it while disconnected.
    ///
    /// # Errors
    /// A [`SendError`] that hands the message back, with its reason:
    /// - [`Error::NotOpen`] once the socket is closing or finished (closed, gave up or
    ///   dropped);
    /// - [`ReconnectError::OutboxFull`] when it must wait and the outbox has no room
    ///   for it ([`WhenFull::Reject`](super::WhenFull::Reject), or a message larger
    ///   than the whole byte limit);
    /// - as [`WebSocketSender::send_text`] for the open connection
    ///   ([`Error::BufferFull`] with a buffered-amount limit).
    pub fn send_text(&self, text: &str) -> Result<(), SendError> {
        self.send_with(Outgoing::Text(text))
    }

    /// Sends a binary message, or queues a copy while disconnected.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), SendError> {
        self.send_with(Outgoing::Bytes(bytes))
    }

    /// Sends a [`Message`], or queues it while disconnected.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_message(&self, message: Message) -> Result<(), SendError> {
        self.send_with(Outgoing::Message(message))
    }

    /// Closes for good with code 1000: see [`close_with`](Self::close_with).
    ///
    /// # Errors
    /// As [`close_with`](Self::close_with).
    pub fn close(&self) -> Result<()> {
        self.close_with(1000, "")
    }

    /// Closes for good with a code and reason: the open connection, if any, gets the
    /// closing handshake; no reconnect follows; messages still in the outbox are
    /// handed back ([`UnsentReason::Closed`]); the stream ends with
    /// [`Event::Closed`]. Closing a socket that is already closing or finished does
    /// nothing.
    ///
    /// # Errors
    /// [`Error::InvalidCloseCode`] and [`Error::CloseReasonTooLong`], as for
    /// [`WebSocketSender::close_with`], checked before anything changes.
    pub fn close_with(&self, code: u16, reason: &str) -> Result<()> {
        validate_close(code, reason)?;
        let mut shared = self.shared.borrow_mut();
        if matches!(shared.phase, Phase::Closing | Phase::Finished) {
            // Closed for good: no `reconnect()` starts a socket that gave up over.
            shared.parked = None;
            return Ok(());
        }
        shared.phase = Phase::Closing;
        shared.sender = None;
        let waker = shared.command(Command::Close {
            code,
            reason: reason.to_owned(),
        });
        drop(shared);
        wake(waker);
        Ok(())
    }

    /// Reconnects now: an open connection is closed (code 1000) and reported as
    /// [`Event::Disconnected`] with
    /// [`DisconnectReason::Requested`](super::DisconnectReason::Requested); a wait
    /// before the next attempt is cut short; the attempt count starts again. During an
    /// attempt it does nothing (that attempt is the one asked for).
    ///
    /// After [`Event::GaveUp`] it starts over: a new first attempt at once, the
    /// attempt count and the retry policy from the beginning, and the stream, which
    /// had ended, yields the events of the new attempts (read it again).
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use wasm_websocket::reconnect::Event;
    /// use wasm_websocket::ReconnectingWebSocket;
    ///
    /// # async fn run(mut ws: ReconnectingWebSocket) {
    /// loop {
    ///     while let Some(event) = ws.next().await {
    ///         if let Event::GaveUp { .. } = event { /* show "offline: retry?" */ }
    ///     }
    ///     // The user pressed "retry".
    ///     if ws.reconnect().is_err() {
    ///         break; // closed for good
    ///     }
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotOpen`] once the socket is closing, or closed for good (by
    /// [`close`](Self::close), a final close code, or a failure no retry can mend).
    pub fn reconnect(&self) -> Result<()> {
        let mut shared = self.shared.borrow_mut();
        if let Some(parked) = shared.parked.take() {
            // It gave up: a new driver starts over.
            shared.phase = Phase::Connecting;
            drop(shared);
            let driver = Driver::restart(Rc::clone(&self.shared), parked);
            wasm_bindgen_futures::spawn_local(driver.run());
            return Ok(());
        }
        state_error(shared.phase)?;
        let waker = shared.command(Command::Reconnect);
        drop(shared);
        wake(waker);
        Ok(())
    }

    /// Resolves once a send would not fill the open connection's buffer beyond its
    /// high-water mark (see
    /// [`WebSocketBuilder::backpressure`](crate::WebSocketBuilder::backpressure)), as
    /// the [`Sink`] waits: at once while disconnected or while messages wait in the
    /// outbox (a send then waits in the outbox, whose limits apply); else when at
    /// most the high-water mark is buffered, or once the buffer has drained to the
    /// low-water mark. A connection lost during the wait ends it (the next send
    /// waits in the outbox).
    ///
    /// ```no_run
    /// use wasm_websocket::ReconnectingWebSocket;
    ///
    /// # async fn run(ws: ReconnectingWebSocket, chunks: Vec<Vec<u8>>) {
    /// for chunk in &chunks {
    ///     ws.ready().await.expect("not closed");
    ///     ws.send_bytes(chunk).expect("sent or queued");
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotOpen`] once the socket is closing or finished (also when that
    /// happens during the wait).
    pub async fn ready(&self) -> Result<()> {
        let mut waiting = self.clone();
        core::future::poll_fn(|cx| waiting.poll_room(cx)).await
    }

    /// Waits until a send has room ([`ready`](Self::ready)), then sends a text
    /// message, or queues it while disconnected.
    ///
    /// # Errors
    /// As [`ready`](Self::ready) (with the message handed back), then as
    /// [`send_text`](Self::send_text).
    pub async fn send_text_when_ready(&self, text: &str) -> Result<(), SendError> {
        match self.ready().await {
            Ok(()) => self.send_text(text),
            Err(error) => Err(SendError::new(error, Message::text(text))),
        }
    }

    /// Waits until a send has room ([`ready`](Self::ready)), then sends a binary
    /// message, or queues a copy while disconnected.
    ///
    /// # Errors
    /// As [`send_text_when_ready`](Self::send_text_when_ready).
    pub async fn send_bytes_when_ready(&self, bytes: &[u8]) -> Result<(), SendError> {
        match self.ready().await {
            Ok(()) => self.send_bytes(bytes),
            Err(error) => Err(SendError::new(error, Message::binary(bytes))),
        }
    }

    /// Waits until a send has room ([`ready`](Self::ready)), then sends a
    /// [`Message`], or queues it while disconnected.
    ///
    /// # Errors
    /// As [`send_text_when_ready`](Self::send_text_when_ready).
    pub async fn send_message_when_ready(&self, message: Message) -> Result<(), SendError> {
        match self.ready().await {
            Ok(()) => self.send_message(message),
            Err(error) => Err(SendError::new(error, message)),
        }
    }

    /// Whether a connection is open and takes sends directly.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.shared.borrow().phase == Phase::Open
    }

    /// How many messages this socket has received over all its connections (the
    /// driver reads them as they arrive, whether or not the stream is read; those
    /// over the backlog bound are counted too); for tests and diagnostics.
    #[doc(hidden)]
    #[must_use]
    pub fn received_messages(&self) -> u64 {
        self.shared.borrow().received
    }

    /// How many messages wait in the outbox.
    #[must_use]
    pub fn queued_messages(&self) -> usize {
        self.shared.borrow().outbox.len()
    }

    /// How many bytes wait in the outbox.
    #[must_use]
    pub fn queued_bytes(&self) -> usize {
        self.shared.borrow().outbox.bytes()
    }

    /// The open connection's `bufferedAmount`; 0 while disconnected.
    #[must_use]
    pub fn buffered_amount(&self) -> u32 {
        self.shared
            .borrow()
            .sender
            .as_ref()
            .map_or(0, WebSocketSender::buffered_amount)
    }

    fn send_with(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let mut shared = self.shared.borrow_mut();
        if let Err(error) = state_error(shared.phase) {
            return Err(SendError::new(error, outgoing.into_message()));
        }
        if shared.outbox.is_empty() {
            if let Some(sender) = &shared.sender {
                match outgoing.send(sender) {
                    Ok(()) => return Ok(()),
                    // Lost, and the driver has not seen it yet: queue it.
                    Err(Error::NotOpen { .. }) => {}
                    Err(error) => return Err(SendError::new(error, outgoing.into_message())),
                }
            }
        }
        let dropped = shared
            .outbox
            .push(outgoing.into_message())
            .map_err(|(error, message)| SendError::new(error, message))?;
        let wakers = [
            shared.unsent(dropped, UnsentReason::DroppedOldest),
            // An open connection with a backlog: the driver sends it.
            if shared.phase == Phase::Open {
                shared.wake_driver()
            } else {
                None
            },
        ];
        drop(shared);
        wakers.into_iter().for_each(wake);
        Ok(())
    }
}

/// A message to send: borrowed (copied only if it must wait) or owned.
enum Outgoing<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
    Message(Message),
}

impl Outgoing<'_> {
    fn send(&self, sender: &WebSocketSender) -> Result<()> {
        match self {
            Self::Text(text) => sender.send_text(text),
            Self::Bytes(bytes) => sender.send_bytes(bytes),
            Self::Message(message) => sender.send_message(message),
        }
    }

    fn into_message(self) -> Message {
        match self {
            Self::Text(text) => Message::text(text),
            Self::Bytes(bytes) => Message::binary(bytes),
            Self::Message(message) => message,
        }
    }
}

/// [`Error::NotOpen`] for a socket that takes no more sends.
fn state_error(phase: Phase) -> Result<()> {
    match phase {
        Phase::Closing => Err(Error::NotOpen {
            state: ReadyState::Closing,
        }),
        Phase::Finished => Err(Error::NotOpen {
            state: ReadyState::Closed,
        }),
        Phase::Connecting | Phase::Open | Phase::Waiting => Ok(()),
    }
}

/// Sending through the `Sink`: while a connection is open (and nothing waits in the
/// outbox), `poll_ready` waits for its buffer to drain below the backpressure marks
/// (see [`WebSocketBuilder::backpressure`]); while disconnected it is ready at once and
/// `start_send` queues by the outbox's policy. `poll_close` closes for good (the
/// stream reports [`Event::Closed`]).
impl Sink<Message> for ReconnectingSender {
    type Error = ReconnectError;

    fn poll_ready(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), ReconnectError>> {
        self.poll_room(cx).map_err(ReconnectError::from)
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), ReconnectError> {
        // The Sink's contract takes the message: a refusal is reported, not handed back
        // (use `send_message` for that).
        self.send_message(message).map_err(ReconnectError::from)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ReconnectError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ReconnectError>> {
        Poll::Ready(self.close().map_err(ReconnectError::from))
    }
}

impl ReconnectingSender {
    /// The wait of [`ready`](Self::ready) and of the Sink's `poll_ready`.
    fn poll_room(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let sender = {
            let shared = self.shared.borrow();
            if let Err(error) = state_error(shared.phase) {
                drop(shared);
                // A wait on a connection that is gone would keep its socket's memory.
                self.ready = None;
                return Poll::Ready(Err(error));
            }
            if shared.outbox.is_empty() {
                shared.sender.clone()
            } else {
                None
            }
        };
        let Some(sender) = sender else {
            self.ready = None;
            return Poll::Ready(Ok(()));
        };
        let ready = self.ready.get_or_insert_with(|| sender.ready());
        match Pin::new(ready).poll(cx) {
            Poll::Pending => Poll::Pending,
            // Ready, or the connection was lost (the send then waits in the outbox).
            Poll::Ready(_) => {
                self.ready = None;
                Poll::Ready(Ok(()))
            }
        }
    }
}
