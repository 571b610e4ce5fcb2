//! The outbox: messages sent while disconnected, waiting in order for the next
//! connection, within a message and a byte limit.

use std::collections::VecDeque;

use super::ReconnectError;
use crate::Message;

/// What a send does when the outbox is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WhenFull {
    /// The send fails with [`ReconnectError::OutboxFull`]; the outbox is unchanged. The default.
    #[default]
    Reject,
    /// The oldest waiting messages are dropped to make room, and handed back in an
    /// [`Event::Unsent`](super::Event::Unsent) with
    /// [`UnsentReason::DroppedOldest`](super::UnsentReason::DroppedOldest). A message
    /// larger than the whole byte limit is still refused with [`ReconnectError::OutboxFull`].
    DropOldest,
}

/// The size a message counts for in the byte limit: the UTF-8 length of a text, the
/// length of bytes, the size of a Blob.
#[must_use]
pub fn message_size(message: &Message) -> usize {
    match message {
        Message::Text(text) => text.len(),
        Message::Binary(bytes) => bytes.len(),
        // A Blob's size is a whole number of bytes, far below 2^53.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Message::Blob(blob) => blob.size() as usize,
    }
}

#[derive(Debug)]
pub(crate) struct Outbox {
    queue: VecDeque<Message>,
    bytes: usize,
    max_messages: usize,
    max_bytes: usize,
    when_full: WhenFull,
}

impl Outbox {
    pub(crate) fn new(max_messages: usize, max_bytes: usize, when_full: WhenFull) -> Self {
        Self {
            queue: VecDeque::new(),
            bytes: 0,
            max_messages,
            max_bytes,
            when_full,
        }
    }

    /// Queues a message; returns those dropped to make room (with
    /// [`WhenFull::DropOldest`]). A message that cannot wait is handed back.
    pub(crate) fn push(
        &mut self,
        message: Message,
    ) -> Result<Vec<Message>, (ReconnectError, Message)> {
        let size = message_size(&message);
        let fits = |queue: &VecDeque<Message>, bytes: usize| {
            queue.len() < self.max_messages && bytes.saturating_add(size) <= self.max_bytes
        };
        let mut dropped = Vec::new();
        if !fits(&self.queue, self.bytes) {
            let never_fits = size > self.max_bytes || self.max_messages == 0;
            if self.when_full == WhenFull::Reject || never_fits {
                return Err((self.full(size), message));
            }
            while !fits(&self.queue, self.bytes) {
                match self.queue.pop_front() {
                    Some(oldest) => {
                        self.bytes -= message_size(&oldest);
                        dropped.push(oldest);
                    }
                    None => return Err((self.full(size), message)),
                }
            }
        }
        self.bytes += size;
        self.queue.push_back(message);
        Ok(dropped)
    }

    /// The next message to send.
    pub(crate) fn pop(&mut self) -> Option<Message> {
        let message = self.queue.pop_front()?;
        self.bytes -= message_size(&message);
        Some(message)
    }

    /// Puts back a message taken with [`pop`](Self::pop) that could not be sent.
    pub(crate) fn unpop(&mut self, message: Message) {
        self.bytes += message_size(&message);
        self.queue.push_front(message);
    }

    /// Every waiting message, in order, leaving the outbox empty.
    pub(crate) fn take_all(&mut self) -> Vec<Message> {
        self.bytes = 0;
        self.queue.drain(..).collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    fn full(&self, message_bytes: usize) -> ReconnectError {
        ReconnectError::OutboxFull {
            messages: self.queue.len(),
            bytes: self.bytes,
            message_bytes,
        }
    }
}
