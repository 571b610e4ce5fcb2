//! The live figures: messages and bytes each way, and the last round-trip time.

use std::collections::VecDeque;

/// Counts, and the send times of messages whose echo has not come back yet.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    sent_messages: u64,
    sent_bytes: u64,
    received_messages: u64,
    received_bytes: u64,
    last_round_trip_ms: Option<f64>,
    /// When each message still on its way out and back was sent (`performance.now()`):
    /// the echo server answers in order, so the next echo is for the oldest one.
    in_flight: VecDeque<f64>,
}

impl Stats {
    /// A message of `bytes` was handed to the socket at `now`.
    pub(crate) fn sent(&mut self, bytes: u64, now: f64) {
        self.sent_messages += 1;
        self.sent_bytes += bytes;
        self.in_flight.push_back(now);
    }

    /// A message of `bytes` arrived at `now`.
    pub(crate) fn received(&mut self, bytes: u64, now: f64) {
        self.received_messages += 1;
        self.received_bytes += bytes;
        if let Some(sent) = self.in_flight.pop_front() {
            self.last_round_trip_ms = Some(now - sent);
        }
    }

    /// A new connection: nothing is in flight on it.
    pub(crate) fn new_connection(&mut self) {
        self.in_flight.clear();
    }

    /// The figures, one a line.
    pub(crate) fn render(&self) -> String {
        let round_trip = self
            .last_round_trip_ms
            .map_or_else(|| "–".to_owned(), |ms| format!("{} ms", tenths(ms)));
        format!(
            "Sent: {} messages, {}\nReceived: {} messages, {}\nLast round trip: {round_trip}",
            self.sent_messages,
            size(self.sent_bytes),
            self.received_messages,
            size(self.received_bytes),
        )
    }
}

/// A byte count for people: `512 B`, `12.5 KiB`, `3.2 MiB`.
pub(crate) fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{} KiB", tenths(b / KIB))
    } else {
        format!("{} MiB", tenths(b / (KIB * KIB)))
    }
}

/// A non-negative number with one decimal, rounded (`12.5`, `3.0`): what `{:.1}`
/// shows, without the float formatting code `{:.1}` brings into the page's wasm.
fn tenths(x: f64) -> String {
    // Sizes and times shown here are far below 2^53 tenths; `as` saturates anyway.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let tenths = (x.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}
