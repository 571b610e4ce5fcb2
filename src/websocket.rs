//! The socket users hold: both halves in one value.

use core::future::Future;
use core::ops::Deref;
use std::rc::Rc;

use crate::builder::DEFAULT_CONNECT_TIMEOUT;
use crate::socket::{Socket, SocketOptions};
use crate::wait::Opened;
use crate::{Result, WebSocketBuilder, WebSocketReceiver, WebSocketSender};

/// A browser WebSocket with typed sends, ordered receives and owned listeners.
///
/// It is a [`Stream`](futures_core::Stream) of received messages and a
/// [`Sink`](futures_sink::Sink) of messages to send, and derefs to
/// [`WebSocketSender`] for the typed sends, `close`, the state getters and the
/// callbacks. [`split`](Self::split) gives the two halves separately.
///
/// Dropping it (and every half split from it) closes the socket with code 1000 if it
/// is connecting or open, and removes every listener this crate registered.
#[derive(Debug)]
pub struct WebSocket {
    pub(crate) sender: WebSocketSender,
    pub(crate) receiver: WebSocketReceiver,
}

impl WebSocket {
    /// Connects and waits until the socket is open, with the default options
    /// (no subprotocol, binary received as bytes, a 10 s connect timeout).
    ///
    /// # Errors
    /// See [`WebSocketBuilder::connect`] (offering no subprotocol, it never gives
    /// [`Error::InvalidProtocol`](crate::Error::InvalidProtocol)).
    pub fn connect(url: impl Into<String>) -> impl Future<Output = Result<Self>> + 'static {
        // What the builder's `connect` does with its defaults, without its list of
        // subprotocols: with none offered there is nothing to validate, and an app
        // that connects only through here does not carry the validation (a list kept
        // in the future's state is not known to be empty where it is checked).
        let url = url.into();
        async move {
            let ws = Self::from_socket(Socket::open(&url, &SocketOptions::default())?);
            Opened::new(&ws.sender.socket, Some(DEFAULT_CONNECT_TIMEOUT)).await?;
            Ok(ws)
        }
    }

    /// A builder to set subprotocols, the binary type, the connect timeout and a send
    /// buffer limit before connecting.
    pub fn builder(url: impl Into<String>) -> WebSocketBuilder {
        WebSocketBuilder::new(url)
    }

    /// Splits the socket into a sender (cheap to clone, can still close the socket)
    /// and a receiver.
    #[must_use]
    pub fn split(self) -> (WebSocketSender, WebSocketReceiver) {
        (self.sender, self.receiver)
    }

    /// Starts the closing handshake with code 1000; see [`WebSocketSender::close`].
    /// (Defined here too so that `ws.close()` means this even where
    /// `futures::SinkExt`, whose `close` is the Sink's, is in scope.)
    ///
    /// # Errors
    /// As [`WebSocketSender::close`].
    pub fn close(&self) -> Result<()> {
        self.sender.close()
    }

    pub(crate) fn from_socket(socket: Socket) -> Self {
        let socket = Rc::new(socket);
        Self {
            sender: WebSocketSender::new(Rc::clone(&socket)),
            receiver: WebSocketReceiver { socket },
        }
    }
}

impl Deref for WebSocket {
    type Target = WebSocketSender;

    fn deref(&self) -> &WebSocketSender {
        &self.sender
    }
}
