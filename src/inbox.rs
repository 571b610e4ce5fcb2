//! What the socket's listener records for the futures and streams to read: received
//! messages in arrival order, the open and close events, and the wakers to call.
//!
//! A message waits here as the browser made it (a string, an `ArrayBuffer` or a
//! `Blob`, in the JS heap) and is converted into a [`Message`] only when it is read:
//! a backlog of unread messages does not grow the wasm memory (which never shrinks),
//! and each message's buffer is allocated just before its reader frees the last
//! one's, so the allocator keeps reusing the same memory.
//!
//! The queue is bounded ([`Limits`]): a message over the size limit, or one more
//! than the backlog allows, is not kept; the stream's last item is then the typed
//! error, and the listener closes the socket.
//!
//! The listener holds an `Rc<RefCell<Inbox>>`, never the socket itself, so there is
//! no reference cycle: dropping the socket drops the listener, which drops its handle
//! on the inbox.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use wasm_bindgen::JsValue;

use crate::limits::{Limits, Size, CLOSE_BACKLOG_FULL, CLOSE_MESSAGE_TOO_LARGE};
use crate::message::DataKind;
use crate::{CloseEvent, Error, Message, Result};

/// One entry of the queue.
#[derive(Debug)]
enum Received {
    /// A message event's `data`, its size in bytes and its kind, converted when
    /// read.
    Data(JsValue, usize, DataKind),
    /// The error that ends the stream: an abnormal close or a receive limit (boxed,
    /// so that a queue entry stays small).
    Failed(Box<Error>),
}

/// What the listener must do after recording a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Kept (or ignored, after the stream failed).
    Kept,
    /// A limit was exceeded: close the socket with this code.
    Close(u16),
}

/// A waiting future's waker, in a cell the future owns and the inbox holds weakly: a
/// dropped future's entry is pruned, so the list does not grow with the number of
/// futures that ever waited, only with those waiting now.
#[derive(Debug, Default)]
pub(crate) struct Waiter {
    cell: Option<Rc<RefCell<Option<Waker>>>>,
}

#[derive(Debug, Default)]
pub(crate) struct Inbox {
    queue: VecDeque<Received>,
    limits: Limits,
    /// Messages and bytes in the queue.
    messages: usize,
    bytes: usize,
    /// True once a receive limit failed the stream: later messages are not kept.
    failed: bool,
    opened: bool,
    close: Option<CloseEvent>,
    /// True once the receiving half is dropped: nothing is queued for it any more
    /// (not even the abnormal close).
    discard: bool,
    /// The receiving half's waker.
    receiver: Option<Waker>,
    /// The wakers of futures waiting for open or close (see [`Waiter`]).
    waiters: Vec<Weak<RefCell<Option<Waker>>>>,
    /// The length from which the next registration first prunes dead entries.
    prune_at: usize,
    /// True once the stream has yielded its `None`: nothing is queued after the
    /// close, so it yields `None` from then on.
    ended: bool,
}

impl Inbox {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    pub(crate) fn on_open(&mut self) {
        self.opened = true;
        self.wake_waiters();
    }

    /// Records a received message's `data`, unless it breaks a receive limit: then
    /// the stream gets the typed error (after the messages before it) and the socket
    /// must be closed. Its size is read from the JavaScript value: nothing of a
    /// refused message is copied into wasm memory. Only called while the receiving
    /// half lives: [`Socket::stop_receiving`](crate::socket::Socket::stop_receiving)
    /// stops listening for messages when it goes.
    pub(crate) fn on_message(&mut self, data: JsValue) -> Verdict {
        if self.failed || self.discard {
            return Verdict::Kept;
        }
        let (error, code) = match self.limits.size_of(&data) {
            (Size::Over(size), _) => (
                Error::MessageTooLarge {
                    size,
                    limit: self.limits.max_message_size,
                },
                CLOSE_MESSAGE_TOO_LARGE,
            ),
            // One message always fits while none waits (it is on its way to the
            // reader), whatever the bound.
            (Size::Within(size), _)
                if self.messages > 0
                    && (self.messages >= self.limits.max_backlog_messages
                        || self.bytes.saturating_add(size) > self.limits.max_backlog_bytes) =>
            {
                (
                    Error::BacklogFull {
                        messages: self.messages,
                        bytes: self.bytes,
                    },
                    CLOSE_BACKLOG_FULL,
                )
            }
            (Size::Within(size), kind) => {
                self.queue.push_back(Received::Data(data, size, kind));
                self.messages += 1;
                self.bytes += size;
                self.wake_receiver();
                return Verdict::Kept;
            }
        };
        self.failed = true;
        self.queue.push_back(Received::Failed(Box::new(error)));
        self.wake_receiver();
        Verdict::Close(code)
    }

    /// Records the close; only the first one counts (a connection this crate failed
    /// itself is closed again by the browser afterwards).
    pub(crate) fn on_close(&mut self, event: CloseEvent) {
        if self.close.is_some() {
            return;
        }
        // After a receive limit failed the stream, its error is the one reported.
        if !self.discard && !self.failed && !event.was_clean {
            self.queue
                .push_back(Received::Failed(Box::new(if self.opened {
                    Error::AbnormalClose {
                        event: event.clone(),
                    }
                } else {
                    Error::ConnectionFailed {
                        event: event.clone(),
                    }
                })));
        }
        self.close = Some(event);
        self.wake_receiver();
        self.wake_waiters();
    }

    /// Stops keeping messages (the receiving half is gone) and frees those kept.
    pub(crate) fn discard_messages(&mut self) {
        self.discard = true;
        self.queue = VecDeque::new();
        self.messages = 0;
        self.bytes = 0;
        self.receiver = None;
    }

    /// The next message; `None` once the socket has closed and all are read.
    pub(crate) fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message>>> {
        self.poll_entry(cx).map(|item| {
            item.map(|item| {
                item.and_then(|(data, _, kind)| Message::from_event_data_of(data, kind))
            })
        })
    }

    /// The next message as the browser made it, with its size, unconverted; `None`
    /// once the socket has closed and all are read (for the reconnecting socket, which
    /// keeps it so).
    #[cfg(feature = "reconnect")]
    pub(crate) fn poll_data(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(JsValue, usize)>>> {
        self.poll_entry(cx)
            .map(|item| item.map(|item| item.map(|(data, size, _)| (data, size))))
    }

    /// The next entry: a message as the browser made it, with its size and kind.
    fn poll_entry(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(JsValue, usize, DataKind)>>> {
        match self.queue.pop_front() {
            Some(Received::Data(data, size, kind)) => {
                self.messages -= 1;
                self.bytes -= size;
                return Poll::Ready(Some(Ok((data, size, kind))));
            }
            Some(Received::Failed(error)) => return Poll::Ready(Some(Err(*error))),
            None => {}
        }
        if self.close.is_some() {
            self.ended = true;
            return Poll::Ready(None);
        }
        self.receiver = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Whether the stream has yielded its `None` (it then yields `None` for good).
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }

    /// The close event, once the socket has closed (the first one: see
    /// [`on_close`](Self::on_close)).
    pub(crate) fn close_event(&self) -> Option<&CloseEvent> {
        self.close.as_ref()
    }

    /// Ready with the close event once the socket has closed.
    pub(crate) fn poll_closed(
        &mut self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter,
    ) -> Poll<CloseEvent> {
        match &self.close {
            Some(event) => Poll::Ready(event.clone()),
            None => {
                self.wait(cx, waiter);
                Poll::Pending
            }
        }
    }

    /// Ready once the socket is open (`Ok`) or closed before opening (`Err`).
    pub(crate) fn poll_open(
        &mut self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter,
    ) -> Poll<Result<()>> {
        if self.opened {
            return Poll::Ready(Ok(()));
        }
        if let Some(event) = &self.close {
            return Poll::Ready(Err(Error::ConnectionFailed {
                event: event.clone(),
            }));
        }
        self.wait(cx, waiter);
        Poll::Pending
    }

    /// How many waiters the inbox holds (live and not yet pruned); for leak tests.
    pub(crate) fn waiters(&self) -> usize {
        self.waiters.len()
    }

    /// Keeps the waker of `waiter`, in its own cell: one entry per waiting future,
    /// whatever the number of polls. Dead entries (of dropped futures) are pruned
    /// whenever the list has doubled since the last pruning, so it holds at most
    /// about twice the futures alive.
    fn wait(&mut self, cx: &mut Context<'_>, waiter: &mut Waiter) {
        let cell = match &waiter.cell {
            Some(cell) => Rc::clone(cell),
            None => {
                if self.waiters.len() >= self.prune_at {
                    self.waiters.retain(|w| w.strong_count() > 0);
                    self.prune_at = (self.waiters.len() * 2).max(8);
                }
                let cell = Rc::new(RefCell::new(None));
                self.waiters.push(Rc::downgrade(&cell));
                waiter.cell = Some(Rc::clone(&cell));
                cell
            }
        };
        let mut slot = cell.borrow_mut();
        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *slot = Some(cx.waker().clone());
        }
    }

    fn wake_receiver(&mut self) {
        if let Some(waker) = self.receiver.take() {
            waker.wake();
        }
    }

    fn wake_waiters(&mut self) {
        self.waiters.retain(|weak| {
            let Some(cell) = weak.upgrade() else {
                return false;
            };
            let waker = cell.borrow_mut().take();
            if let Some(waker) = waker {
                waker.wake();
            }
            true
        });
    }
}
