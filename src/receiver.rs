//! The receiving half: messages in arrival order.

use std::rc::Rc;

use crate::socket::Socket;

/// The receiving half of a socket: a [`Stream`](futures_core::Stream) of
/// `Result<Message>` in exactly the order the browser received them.
///
/// A clean close ends the stream (`None`); an abnormal one (the server vanished, code
/// 1006) yields one [`Error::AbnormalClose`](crate::Error::AbnormalClose) first.
///
/// Dropping the receiver stops the socket from keeping messages (use callbacks alone by
/// splitting and dropping it); the socket itself stays open while a sender lives.
#[derive(Debug)]
pub struct WebSocketReceiver {
    pub(crate) socket: Rc<Socket>,
}

impl Drop for WebSocketReceiver {
    fn drop(&mut self) {
        self.socket.stop_receiving();
    }
}
