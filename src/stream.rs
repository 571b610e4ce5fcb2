//! The futures layer: `Stream` of received messages, `Sink` of messages to send.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::stream::FusedStream;
use futures_core::Stream;
use futures_sink::Sink;

use crate::{Error, Message, Result, WebSocket, WebSocketReceiver, WebSocketSender};

impl Stream for WebSocketReceiver {
    type Item = Result<Message>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.socket.inbox.borrow_mut().poll_message(cx)
    }
}

/// Ended once the stream has yielded `None` (after the close, and the messages and
/// error before it): it yields `None` from then on.
impl FusedStream for WebSocketReceiver {
    fn is_terminated(&self) -> bool {
        // The inbox is never borrowed across user code; were it, the stream is not
        // known to have ended.
        self.socket
            .inbox
            .try_borrow()
            .is_ok_and(|inbox| inbox.ended())
    }
}

/// Sending through the `Sink`: `poll_ready` waits while the browser's buffer is above
/// the high-water mark (until it drains to the low-water mark; see
/// [`WebSocketBuilder::backpressure`](crate::WebSocketBuilder::backpressure)) and
/// fails with [`Error::NotOpen`] once the socket is no longer open; `poll_close`
/// starts the closing handshake (code 1000) and completes when the socket has closed.
impl Sink<Message> for WebSocketSender {
    type Error = Error;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = &mut *self;
        this.pacer.poll_ready(&this.socket, cx)
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<()> {
        self.send_message(&message)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<()>> {
        // The browser transmits on its own; there is nothing to flush to it.
        Poll::Ready(Ok(()))
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.close()?;
        let this = &mut *self;
        this.socket
            .inbox
            .borrow_mut()
            .poll_closed(cx, &mut this.pacer.waiter)
            .map(|_| Ok(()))
    }
}

impl Stream for WebSocket {
    type Item = Result<Message>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.receiver).poll_next(cx)
    }
}

impl FusedStream for WebSocket {
    fn is_terminated(&self) -> bool {
        self.receiver.is_terminated()
    }
}

impl Sink<Message> for WebSocket {
    type Error = Error;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        Pin::new(&mut self.sender).poll_ready(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, message: Message) -> Result<()> {
        Pin::new(&mut self.sender).start_send(message)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        Pin::new(&mut self.sender).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        Pin::new(&mut self.sender).poll_close(cx)
    }
}
