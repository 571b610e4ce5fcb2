//! The state the user's handles and the driver task share: the phase, the open
//! socket's sender, the outbox, the events for the stream, and the commands for the
//! driver, with the wakers of both sides.
//!
//! Received messages wait as the browser made them (in the JavaScript heap) and are
//! converted when the stream yields them, as the core socket's do, within the same
//! bound ([`WebSocketBuilder::max_backlog`](crate::WebSocketBuilder::max_backlog)):
//! what does not fit is dropped and reported by an [`Event::Dropped`].
//!
//! Neither side holds a `RefCell` borrow across an await, and wakers are called after
//! the borrow ends.

use std::collections::VecDeque;
use std::task::{Context, Waker};

use wasm_bindgen::JsValue;

use super::driver::Parked;
use super::outbox::Outbox;
use super::{Event, UnsentReason};
use crate::limits::Limits;
use crate::{Message, WebSocketSender};

/// One entry of the stream's queue.
#[derive(Debug)]
enum Queued {
    /// Boxed, so that a queue entry stays small.
    Event(Box<Event>),
    /// A received message's `data` and size, converted when read.
    Data(JsValue, usize),
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// An attempt is under way.
    Connecting,
    /// A connection is open; sends go to it.
    Open,
    /// Waiting for the delay before the next attempt.
    Waiting,
    /// The user closed; waiting for the close to complete.
    Closing,
    /// Closed for good, or gave up: the stream ends after its last events.
    Finished,
}

/// What the user asked of the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Close for good with this code and (checked) reason.
    Close { code: u16, reason: String },
    /// Drop the connection, if any, and connect again now.
    Reconnect,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) phase: Phase,
    /// The open connection's sender, while the phase is `Open`.
    pub(crate) sender: Option<WebSocketSender>,
    pub(crate) outbox: Outbox,
    events: VecDeque<Queued>,
    limits: Limits,
    /// Received messages in `events`, and their bytes.
    messages: usize,
    bytes: usize,
    /// Every message received, queued or dropped.
    pub(crate) received: u64,
    stream_waker: Option<Waker>,
    command: Option<Command>,
    driver_waker: Option<Waker>,
    /// The user dropped the socket: the driver stops.
    pub(crate) dropped: bool,
    /// What the driver left when it gave up, for `reconnect()` to start over with.
    pub(crate) parked: Option<Parked>,
}

/// What the driver finds when it looks at its commands.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Look {
    Dropped,
    Command(Command),
    Nothing,
}

impl Shared {
    pub(crate) fn new(outbox: Outbox, limits: Limits) -> Self {
        Self {
            phase: Phase::Connecting,
            sender: None,
            outbox,
            events: VecDeque::new(),
            limits,
            messages: 0,
            bytes: 0,
            received: 0,
            stream_waker: None,
            command: None,
            driver_waker: None,
            dropped: false,
            parked: None,
        }
    }

    /// Queues an event for the stream; returns the stream's waker to call once the
    /// borrow has ended.
    #[must_use]
    pub(crate) fn emit(&mut self, event: Event) -> Option<Waker> {
        self.events.push_back(Queued::Event(Box::new(event)));
        self.stream_waker.take()
    }

    /// Queues a received message's `data` (of `size` bytes) for the stream, or, when
    /// the unread messages already fill the bound, drops it and counts it in an
    /// [`Event::Dropped`] (the one at the end of the queue, if there is one). Returns
    /// the stream's waker.
    #[must_use]
    pub(crate) fn receive(&mut self, data: JsValue, size: usize) -> Option<Waker> {
        self.received += 1;
        // One message always fits while none waits, as in the core socket's inbox.
        let fits = self.messages == 0
            || (self.messages < self.limits.max_backlog_messages
                && self.bytes.saturating_add(size) <= self.limits.max_backlog_bytes);
        if fits {
            self.messages += 1;
            self.bytes += size;
            self.events.push_back(Queued::Data(data, size));
        } else if let Some(Queued::Event(event)) = self.events.back_mut() {
            if let Event::Dropped { messages, bytes } = &mut **event {
                *messages = messages.saturating_add(1);
                *bytes = bytes.saturating_add(size);
            } else {
                self.push_dropped(size);
            }
        } else {
            self.push_dropped(size);
        }
        self.stream_waker.take()
    }

    /// Hands back `messages` (if any) in an [`Event::Unsent`].
    #[must_use]
    pub(crate) fn unsent(&mut self, messages: Vec<Message>, reason: UnsentReason) -> Option<Waker> {
        if messages.is_empty() {
            return None;
        }
        self.emit(Event::Unsent { messages, reason })
    }

    fn push_dropped(&mut self, bytes: usize) {
        self.events
            .push_back(Queued::Event(Box::new(Event::Dropped {
                messages: 1,
                bytes,
            })));
    }

    /// The next event for the stream; `None` (and the waker kept) when there is none
    /// yet.
    pub(crate) fn next_event(&mut self, cx: &mut Context<'_>) -> Option<Event> {
        loop {
            match self.events.pop_front() {
                Some(Queued::Event(event)) => return Some(*event),
                Some(Queued::Data(data, size)) => {
                    self.messages -= 1;
                    self.bytes -= size;
                    // The standard only delivers strings, ArrayBuffers and Blobs.
                    if let Ok(message) = Message::from_event_data(data) {
                        return Some(Event::Message(message));
                    }
                }
                None => {
                    self.stream_waker = Some(cx.waker().clone());
                    return None;
                }
            }
        }
    }

    /// Whether every event was read and no more will come.
    pub(crate) fn ended(&self) -> bool {
        self.phase == Phase::Finished && self.events.is_empty()
    }

    /// Gives the driver a command (a later one replaces an earlier one, except that a
    /// close always wins); returns its waker.
    #[must_use]
    pub(crate) fn command(&mut self, command: Command) -> Option<Waker> {
        if !matches!(self.command, Some(Command::Close { .. })) {
            self.command = Some(command);
        }
        self.driver_waker.take()
    }

    /// The driver's waker, to call after a change it must see (a message queued in
    /// the outbox, the drop).
    #[must_use]
    pub(crate) fn wake_driver(&mut self) -> Option<Waker> {
        self.driver_waker.take()
    }

    /// For the driver: whether it must stop, or has a command; keeps its waker.
    pub(crate) fn look(&mut self, cx: &mut Context<'_>) -> Look {
        if self.dropped {
            return Look::Dropped;
        }
        self.driver_waker = Some(cx.waker().clone());
        match self.command.take() {
            Some(command) => Look::Command(command),
            None => Look::Nothing,
        }
    }
}

/// Calls a waker taken while the state was borrowed.
pub(crate) fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}
