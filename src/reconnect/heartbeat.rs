//! The heartbeat: an application-level ping every interval, and a dead connection
//! detected when nothing arrives within a timeout after a ping.
//!
//! Browsers cannot send WebSocket ping frames, and answer the server's pings
//! themselves without telling the page, so a page can only find out that a
//! connection died (a pulled cable, a sleeping laptop, a proxy that stopped
//! forwarding) with messages of its own. TCP may take many minutes to notice.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use wasm_bindgen::{JsCast, JsValue};

use crate::timer::{now_ms, Timeout, MAX_TIMER_DELAY};
use crate::{Message, WebSocketSender};

/// The shortest heartbeat interval: 50 ms. [`Heartbeat::new`] raises a shorter one
/// (zero included) to it, so that a mistaken interval cannot flood the server.
pub const MIN_HEARTBEAT_INTERVAL: Duration = Duration::from_millis(50);

/// Application pings: every `interval`, `message` is sent; when no message at all
/// arrives within `timeout` after a ping, the connection is taken for dead, closed,
/// and (when reconnecting) replaced.
///
/// The server must answer the ping (an echo server does); any message counts as an
/// answer. Answers equal to [`reply`](Self::reply) are not handed to the stream.
///
/// ```
/// use std::time::Duration;
/// use wasm_websocket::{reconnect::Heartbeat, Message};
///
/// let heartbeat = Heartbeat::new(Duration::from_secs(15), Duration::from_secs(5))
///     .message(Message::text(r#"{"type":"ping"}"#))
///     .reply(Message::text(r#"{"type":"pong"}"#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeat {
    pub(crate) interval: Duration,
    pub(crate) timeout: Duration,
    pub(crate) message: Message,
    pub(crate) reply: Option<Message>,
}

impl Heartbeat {
    /// A ping (the text `ping`) every `interval`; dead after `timeout` without any
    /// message following a ping.
    ///
    /// An `interval` under [`MIN_HEARTBEAT_INTERVAL`] (50 ms) is raised to it; an
    /// `interval` or `timeout` over [`MAX_TIMER_DELAY`](crate::MAX_TIMER_DELAY)
    /// (about 24.8 days) is lowered to it. Time is measured on the monotonic clock
    /// (`performance.now()`): a change of the system's clock neither fakes a timeout
    /// nor delays the pings.
    #[must_use]
    pub fn new(interval: Duration, timeout: Duration) -> Self {
        Self {
            interval: interval.clamp(MIN_HEARTBEAT_INTERVAL, MAX_TIMER_DELAY),
            timeout: timeout.min(MAX_TIMER_DELAY),
            message: Message::text("ping"),
            reply: None,
        }
    }

    /// The message sent as a ping. Default: the text `ping`.
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.message = message;
        self
    }

    /// Received messages equal to this one are the server's answers to pings: they
    /// keep the connection alive but are not handed to the stream. Default: none
    /// (every message is handed over).
    #[must_use]
    pub fn reply(mut self, reply: Message) -> Self {
        self.reply = Some(reply);
        self
    }
}

/// The heartbeat of one connection: when to ping next, and the oldest unanswered ping.
#[derive(Debug)]
pub(crate) struct HeartbeatTimer {
    config: Heartbeat,
    /// When the last message arrived (ms on the monotonic clock, [`now_ms`]).
    last_seen: f64,
    /// When the oldest ping not followed by any message was sent.
    unanswered: Option<f64>,
    next_ping: f64,
    timer: Option<Timeout>,
}

impl HeartbeatTimer {
    /// The heartbeat of a connection that has just opened.
    pub(crate) fn start(config: Heartbeat) -> Self {
        let now = now_ms();
        let next_ping = now + millis(config.interval);
        Self {
            config,
            last_seen: now,
            unanswered: None,
            next_ping,
            timer: None,
        }
    }

    /// Records a received message; returns whether it is the configured reply (to be
    /// kept from the stream).
    pub(crate) fn saw(&mut self, message: &Message) -> bool {
        self.last_seen = now_ms();
        self.unanswered = None;
        self.config.reply.as_ref() == Some(message)
    }

    /// As [`saw`](Self::saw), for a message's `data` as the browser made it (not
    /// converted unless it may be the reply).
    pub(crate) fn saw_data(&mut self, data: &JsValue) -> bool {
        let reply = self.config.reply.take();
        let is_reply = reply.as_ref().is_some_and(|reply| same(reply, data));
        // Records the arrival (with the reply taken out, `saw` finds no reply).
        self.saw(&Message::Binary(Vec::new()));
        self.config.reply = reply;
        is_reply
    }

    /// Sends the pings that are due; ready with how long the connection was silent
    /// once it is taken for dead.
    pub(crate) fn poll(
        &mut self,
        sender: &WebSocketSender,
        cx: &mut Context<'_>,
    ) -> Poll<Duration> {
        loop {
            if let Some(timer) = &mut self.timer {
                if Pin::new(timer).poll(cx).is_pending() {
                    return Poll::Pending;
                }
                self.timer = None;
            }
            let now = now_ms();
            if let Some(sent) = self.unanswered {
                if now - sent >= millis(self.config.timeout) {
                    let silent = ((now - self.last_seen) / 1000.0).max(0.0);
                    return Poll::Ready(Duration::try_from_secs_f64(silent).unwrap_or_default());
                }
            }
            if now >= self.next_ping {
                let sent = sender.send_message(&self.config.message).is_ok();
                self.pinged(now, sent);
            }
            let mut due = self.next_ping;
            if let Some(sent) = self.unanswered {
                due = due.min(sent + millis(self.config.timeout));
            }
            self.timer = Some(Timeout::new(whole_ms(due - now)));
        }
    }
}

impl HeartbeatTimer {
    /// Makes the next ping due now: the next [`poll`](Self::poll) sends it (and times
    /// its answer).
    pub(crate) fn ping_now(&mut self) {
        self.next_ping = now_ms();
        self.timer = None;
    }

    /// Books a ping due at `now`: counted as waiting for an answer only if it was
    /// `sent`. A ping the socket refused (closing, whose close event follows; or
    /// `BufferFull`, the buffer at its limit) cannot be answered, so it starts no
    /// timeout; the next is tried an interval later.
    fn pinged(&mut self, now: f64, sent: bool) {
        if sent {
            self.unanswered.get_or_insert(now);
        }
        self.next_ping = now + millis(self.config.interval);
    }
}

/// Whether `data` holds the same message as `reply`: a text the same string, bytes
/// (an `ArrayBuffer`) the same bytes, compared after their lengths.
fn same(reply: &Message, data: &JsValue) -> bool {
    match reply {
        Message::Text(text) => data.is_string() && *data == JsValue::from_str(text),
        Message::Binary(bytes) => data.dyn_ref::<js_sys::ArrayBuffer>().is_some_and(|buffer| {
            usize::try_from(buffer.byte_length()).is_ok_and(|len| len == bytes.len())
                && js_sys::Uint8Array::new(buffer).to_vec() == *bytes
        }),
        Message::Blob(_) => false,
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A timer delay in whole ms: at least 1, at most what `setTimeout` takes.
fn whole_ms(ms: f64) -> u32 {
    // Clamped into u32's range first.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ms = ms.ceil().clamp(1.0, f64::from(crate::timer::MAX_DELAY_MS)) as u32;
    ms
}

#[cfg(test)]
mod tests {
    use super::{whole_ms, Heartbeat, HeartbeatTimer, MIN_HEARTBEAT_INTERVAL};
    use crate::timer::MAX_DELAY_MS;
    use crate::MAX_TIMER_DELAY;
    use core::time::Duration;

    fn timer() -> HeartbeatTimer {
        HeartbeatTimer {
            config: Heartbeat::new(Duration::from_secs(1), Duration::from_secs(2)),
            last_seen: 0.0,
            unanswered: None,
            next_ping: 1000.0,
            timer: None,
        }
    }

    #[test]
    fn a_ping_that_could_not_be_sent_is_not_counted() {
        let mut beat = timer();
        beat.pinged(1000.0, false);
        assert_eq!(beat.unanswered, None);
        assert_eq!(beat.next_ping, 2000.0);
        beat.pinged(2000.0, true);
        assert_eq!(beat.unanswered, Some(2000.0));
        // The oldest unanswered ping counts.
        beat.pinged(3000.0, true);
        assert_eq!(beat.unanswered, Some(2000.0));
    }

    #[test]
    fn intervals_and_timeouts_are_kept_within_floor_and_ceiling() {
        let beat = Heartbeat::new(Duration::ZERO, Duration::MAX);
        assert_eq!(beat.interval, MIN_HEARTBEAT_INTERVAL);
        assert_eq!(beat.timeout, MAX_TIMER_DELAY);
        let beat = Heartbeat::new(Duration::MAX, Duration::ZERO);
        assert_eq!(beat.interval, MAX_TIMER_DELAY);
        assert_eq!(whole_ms(1e300), MAX_DELAY_MS);
        assert_eq!(whole_ms(-5.0), 1);
    }
}
