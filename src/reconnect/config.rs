//! What a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) does when the
//! connection is lost: the retry policy (the backoff), the attempt limit, the final
//! close codes, the outbox, the heartbeat, and where each attempt connects.

use core::time::Duration;

use super::{Backoff, Heartbeat, Network, Provider, RetryPolicy, WhenFull};

/// How long a connection must stay open to count as a success unless set: 5 s.
pub const DEFAULT_STABLE_AFTER: Duration = Duration::from_secs(5);

/// The most messages the outbox holds unless set: 1024.
pub const DEFAULT_OUTBOX_MESSAGES: usize = 1024;

/// The most bytes the outbox holds unless set: 1 MiB.
pub const DEFAULT_OUTBOX_BYTES: usize = 1 << 20;

/// The ceiling of the outbox's message limit: 65,536 messages. A larger limit
/// (`usize::MAX` included) is lowered to it.
pub const MAX_OUTBOX_MESSAGES: usize = 1 << 16;

/// The ceiling of the outbox's byte limit: 64 MiB, which waiting messages hold in wasm
/// memory (which never shrinks). A larger limit (`usize::MAX` included) is lowered to
/// it.
pub const MAX_OUTBOX_BYTES: usize = 64 << 20;

/// The reconnecting policy.
///
/// The timeout of each attempt is the connect timeout of the
/// [`WebSocketBuilder`](crate::WebSocketBuilder) the socket was made from.
///
/// ```
/// use std::time::Duration;
/// use wasm_websocket::reconnect::{Backoff, Heartbeat, ReconnectConfig, WhenFull};
///
/// let config = ReconnectConfig::default()
///     .backoff(Backoff::default().initial(Duration::from_millis(250)).max(Duration::from_secs(10)))
///     .max_attempts(Some(20))
///     .final_close_codes([1000, 4001])
///     .outbox(256, 64 * 1024, WhenFull::DropOldest)
///     .heartbeat(Some(Heartbeat::new(Duration::from_secs(20), Duration::from_secs(5))));
/// assert_ne!(config, ReconnectConfig::default());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectConfig {
    pub(crate) retry: RetryPolicy,
    pub(crate) provider: Option<Provider>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) stable_after: Duration,
    pub(crate) final_close_codes: Vec<u16>,
    pub(crate) max_messages: usize,
    pub(crate) max_bytes: usize,
    pub(crate) when_full: WhenFull,
    pub(crate) replay: bool,
    pub(crate) heartbeat: Option<Heartbeat>,
    pub(crate) network: Network,
    pub(crate) back_forward_cache: bool,
}

impl Default for ReconnectConfig {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            provider: None,
            max_attempts: None,
            stable_after: DEFAULT_STABLE_AFTER,
            final_close_codes: vec![1000],
            max_messages: DEFAULT_OUTBOX_MESSAGES,
            max_bytes: DEFAULT_OUTBOX_BYTES,
            when_full: WhenFull::Reject,
            replay: true,
            heartbeat: None,
            network: Network::default(),
            back_forward_cache: true,
        }
    }
}

impl ReconnectConfig {
    /// The default policy: [`Backoff::default`], the builder's URL for every attempt,
    /// attempts without limit, 1000 as the
    /// only final code, an outbox of 1024 messages and 1 MiB that rejects when full and
    /// is replayed, no heartbeat, [`Network::default`] (waits while offline, attempts
    /// when online or visible again), and the back/forward cache handled.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The delays between attempts: the built-in retry policy with this backoff
    /// (replacing any [`retry_policy`](Self::retry_policy) set before).
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.retry = RetryPolicy::backoff(backoff);
        self
    }

    /// What follows each loss or failed attempt: the delay before the next attempt,
    /// or giving up, decided by a function of the attempt number, the time since the
    /// connection was lost and what failed (see [`RetryPolicy`]). Replaces the
    /// [`backoff`](Self::backoff) (a `Backoff` is itself a policy, and converts into
    /// one). [`max_attempts`](Self::max_attempts) still bounds it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wasm_websocket::reconnect::{ReconnectConfig, Retry, RetryPolicy};
    ///
    /// // A fixed 2 s delay, giving up once the connection has been lost for a minute.
    /// let config = ReconnectConfig::default().retry_policy(RetryPolicy::new(|info| {
    ///     if info.since_lost >= Duration::from_secs(60) {
    ///         Retry::GiveUp
    ///     } else {
    ///         Retry::After(Duration::from_secs(2))
    ///     }
    /// }));
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn retry_policy(mut self, policy: impl Into<RetryPolicy>) -> Self {
        self.retry = policy.into();
        self
    }

    /// Where each attempt connects: with a [`Provider`], it is called before every
    /// attempt (the first included) for the URL and subprotocols, instead of the
    /// builder's URL; a provider that fails or takes longer than its timeout makes a
    /// failed attempt. `None` (the default) connects to the builder's URL each time.
    #[must_use]
    pub fn provider(mut self, provider: Option<Provider>) -> Self {
        self.provider = provider;
        self
    }

    /// How many reconnect attempts in a row may fail before the socket gives up
    /// ([`Event::GaveUp`](super::Event::GaveUp)); `None` (the default) never gives up,
    /// `Some(0)` never reconnects (a socket with only a heartbeat, say). The count
    /// starts again once a connection has stayed open for
    /// [`stable_after`](Self::stable_after).
    #[must_use]
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// How long a connection must stay open before a loss starts the count of
    /// attempts (and the backoff) from the beginning again. A server that accepts and
    /// drops at once therefore still meets a growing delay and the attempt limit.
    /// Default 5 s.
    #[must_use]
    pub fn stable_after(mut self, duration: Duration) -> Self {
        self.stable_after = duration;
        self
    }

    /// Close codes after which the socket does not reconnect but ends with
    /// [`Event::Closed`](super::Event::Closed) (a server saying "go away for good",
    /// or "authentication failed"). Default: 1000 only. A close the user starts never
    /// reconnects, whatever its code.
    #[must_use]
    pub fn final_close_codes(mut self, codes: impl IntoIterator<Item = u16>) -> Self {
        self.final_close_codes = codes.into_iter().collect();
        self
    }

    /// The outbox, where messages sent while disconnected wait: at most
    /// `max_messages` messages and `max_bytes` bytes (text counts its UTF-8 bytes, a
    /// Blob its size), and what a send does when they would be exceeded.
    /// Defaults: 1024 messages, 1 MiB, [`WhenFull::Reject`]. Limits above the
    /// ceilings [`MAX_OUTBOX_MESSAGES`] (65,536) and [`MAX_OUTBOX_BYTES`] (64 MiB) are
    /// lowered to them; 0 messages or 0 bytes make an outbox that takes nothing
    /// (sends while disconnected are refused).
    #[must_use]
    pub fn outbox(mut self, max_messages: usize, max_bytes: usize, when_full: WhenFull) -> Self {
        self.max_messages = max_messages.min(MAX_OUTBOX_MESSAGES);
        self.max_bytes = max_bytes.min(MAX_OUTBOX_BYTES);
        self.when_full = when_full;
        self
    }

    /// Whether the outbox is sent, in order and before any newer message, when a
    /// connection opens (`true`, the default). With `false` the waiting messages are
    /// handed back in an [`Event::Unsent`](super::Event::Unsent) with
    /// [`UnsentReason::NotReplayed`](super::UnsentReason::NotReplayed) when the
    /// connection opens, for the application to decide (after authenticating again,
    /// say).
    #[must_use]
    pub fn replay(mut self, replay: bool) -> Self {
        self.replay = replay;
        self
    }

    /// Application-level pings to detect a dead connection; `None` (the default)
    /// sends none.
    #[must_use]
    pub fn heartbeat(mut self, heartbeat: Option<Heartbeat>) -> Self {
        self.heartbeat = heartbeat;
        self
    }

    /// How the socket follows the browser's network state and the page's
    /// visibility; see [`Network`]. Default: every behaviour on.
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Whether the socket steps aside for the back/forward cache (default `true`): on
    /// `pagehide` with `persisted` it closes the connection cleanly (code 1000),
    /// keeping the outbox, so that the page can be cached; on `pageshow` with
    /// `persisted` it reconnects at once, and the messages sent meanwhile go out in
    /// order. The stream says [`Event::Disconnected`](super::Event::Disconnected) with
    /// [`DisconnectReason::PageHidden`](super::DisconnectReason::PageHidden), then
    /// `Reconnecting { attempt: 1, delay: 0 }` once the page is shown. With `false`
    /// the browser decides: Firefox keeps a page with an open socket out of the cache,
    /// Chromium closes the socket (a loss, reconnected as any other).
    ///
    /// ```
    /// use wasm_websocket::reconnect::ReconnectConfig;
    ///
    /// let config = ReconnectConfig::default().back_forward_cache(false);
    /// assert_ne!(config, ReconnectConfig::default());
    /// ```
    #[must_use]
    pub fn back_forward_cache(mut self, on: bool) -> Self {
        self.back_forward_cache = on;
        self
    }
}
