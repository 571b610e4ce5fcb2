//! What the socket's listener records for the futures and streams to read: received
//! messages in arrival order, the open and close events, and the wakers to call.
//!
//! A message waits here as the browser made it (a string, an `ArrayBuffer` or a
//! `Blob`, in the JS heap) and is converted into a [`Message`] only when it is read:
//! a backlog of unread messages does not grow the wasm memory (which never shrinks),
//! and each message's buffer is allocated just before its reader frees the last
//! one's, so the allocator keeps reusing the same memory.
//!
//! The listener holds an `Rc<RefCell<Inbox>>`, never the socket itself, so there is
//! no reference cycle: dropping the socket drops the listener, which drops its handle
//! on the inbox.

use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::JsValue;

use crate::{CloseEvent, Error, Message, Result};

/// One entry of the queue.
#[derive(Debug)]
enum Received {
    /// A message event's `data`, converted when read.
    Data(JsValue),
    /// The abnormal close that ends the stream.
    Failed(Error),
}

#[derive(Debug, Default)]
pub(crate) struct Inbox {
    queue: VecDeque<Received>,
    opened: bool,
    close: Option<CloseEvent>,
    /// True once the receiving half is dropped: nothing is queued for it any more
    /// (not even the abnormal close).
    discard: bool,
    /// The receiving half's waker.
    receiver: Option<Waker>,
    /// Wakers of futures waiting for open or close.
    waiters: Vec<Waker>,
}

impl Inbox {
    pub(crate) fn on_open(&mut self) {
        self.opened = true;
        self.wake_waiters();
    }

    /// Records a received message's `data`. Only called while the receiving half
    /// lives: [`Socket::stop_receiving`](crate::socket::Socket::stop_receiving) stops
    /// listening for messages when it goes.
    pub(crate) fn on_message(&mut self, data: JsValue) {
        self.queue.push_back(Received::Data(data));
        self.wake_receiver();
    }

    /// Records the close; only the first one counts (a connection this crate failed
    /// itself is closed again by the browser afterwards).
    pub(crate) fn on_close(&mut self, event: CloseEvent) {
        if self.close.is_some() {
            return;
        }
        if !self.discard && !event.was_clean {
            self.queue.push_back(Received::Failed(if self.opened {
                Error::AbnormalClose {
                    event: event.clone(),
                }
            } else {
                Error::ConnectionFailed {
                    event: event.clone(),
                }
            }));
        }
        self.close = Some(event);
        self.wake_receiver();
        self.wake_waiters();
    }

    /// Stops keeping messages (the receiving half is gone) and frees those kept.
    pub(crate) fn discard_messages(&mut self) {
        self.discard = true;
        self.queue = VecDeque::new();
        self.receiver = None;
    }

    /// The next message; `None` once the socket has closed and all are read.
    pub(crate) fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message>>> {
        match self.queue.pop_front() {
            Some(Received::Data(data)) => return Poll::Ready(Some(Message::from_event_data(data))),
            Some(Received::Failed(error)) => return Poll::Ready(Some(Err(error))),
            None => {}
        }
        if self.close.is_some() {
            return Poll::Ready(None);
        }
        self.receiver = Some(cx.waker().clone());
        Poll::Pending
    }

    /// The close event, once the socket has closed (the first one: see
    /// [`on_close`](Self::on_close)).
    pub(crate) fn close_event(&self) -> Option<&CloseEvent> {
        self.close.as_ref()
    }

    /// Ready with the close event once the socket has closed.
    pub(crate) fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<CloseEvent> {
        match &self.close {
            Some(event) => Poll::Ready(event.clone()),
            None => {
                self.wait(cx);
                Poll::Pending
            }
        }
    }

    /// Ready once the socket is open (`Ok`) or closed before opening (`Err`).
    pub(crate) fn poll_open(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        if self.opened {
            return Poll::Ready(Ok(()));
        }
        if let Some(event) = &self.close {
            return Poll::Ready(Err(Error::ConnectionFailed {
                event: event.clone(),
            }));
        }
        self.wait(cx);
        Poll::Pending
    }

    fn wait(&mut self, cx: &mut Context<'_>) {
        if !self.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            self.waiters.push(cx.waker().clone());
        }
    }

    fn wake_receiver(&mut self) {
        if let Some(waker) = self.receiver.take() {
            waker.wake();
        }
    }

    fn wake_waiters(&mut self) {
        for waker in self.waiters.drain(..) {
            waker.wake();
        }
    }
}
