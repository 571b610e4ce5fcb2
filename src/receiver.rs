//! The receiving half: messages in arrival order.

use std::rc::Rc;

use crate::socket::Socket;

/// The receiving half of a socket: a [`Stream`](futures_core::Stream) of
/// `Result<Message>` in exactly the order the browser received them.
///
/// A clean close ends the stream (`None`); an abnormal one (the server vanished, code
/// 1006) yields one [`Error::AbnormalClose`](crate::Error::AbnormalClose) first. Once
/// it has yielded `None` it yields `None` again, and
/// [`FusedStream::is_terminated`](futures_core::stream::FusedStream::is_terminated)
/// says so (for `futures::select!`).
///
/// # Errors
/// Each error is the stream's last item (then `None`), after every message received
/// before it:
/// - [`Error::ConnectionFailed`](crate::Error::ConnectionFailed): the socket closed
///   before it ever opened (a socket from
///   [`build`](crate::WebSocketBuilder::build) whose server refused or could not be
///   reached, or that was closed while still connecting), with the
///   browser's close event (code 1006, `wasClean` false);
/// - [`Error::AbnormalClose`](crate::Error::AbnormalClose): the connection was lost
///   without a closing handshake (the browser's close event, `wasClean` false);
/// - [`Error::MessageTooLarge`](crate::Error::MessageTooLarge): a message was over
///   [`max_message_size`](crate::WebSocketBuilder::max_message_size); it was not kept
///   and the socket was closed with [`CLOSE_MESSAGE_TOO_LARGE`](crate::CLOSE_MESSAGE_TOO_LARGE);
/// - [`Error::BacklogFull`](crate::Error::BacklogFull): more messages waited unread
///   than [`max_backlog`](crate::WebSocketBuilder::max_backlog) allows (the browser
///   cannot pause a WebSocket); the socket was closed with
///   [`CLOSE_BACKLOG_FULL`](crate::CLOSE_BACKLOG_FULL);
/// - [`Error::UnexpectedData`](crate::Error::UnexpectedData) for data the standard
///   never delivers (not the last item: the stream goes on).
///
/// Dropping the receiver stops the socket from keeping messages (use callbacks alone by
/// splitting and dropping it); the socket itself stays open while a sender lives.
#[derive(Debug)]
pub struct WebSocketReceiver {
    pub(crate) socket: Rc<Socket>,
}

impl WebSocketReceiver {
    /// Stops taking new messages: those already received stay readable, in order
    /// (still as the browser made them until read), then the stream ends with the
    /// close as usual. Messages from now on reach only
    /// [`on_message`](crate::WebSocketSender::on_message) callbacks. For a reader
    /// that hands over to callbacks (the JS package's `onMessage`) without copying
    /// its backlog into wasm memory at once.
    #[doc(hidden)]
    pub fn stop_queueing(&self) {
        self.socket.stop_listening();
    }
}

impl Drop for WebSocketReceiver {
    fn drop(&mut self) {
        self.socket.stop_receiving();
    }
}
