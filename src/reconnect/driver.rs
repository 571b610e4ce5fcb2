//! The driver: one task per [`ReconnectingWebSocket`](super::ReconnectingWebSocket)
//! that connects, reads, flushes the outbox, runs the heartbeat, and reconnects with
//! backoff. It reads only the core socket's stream, which reports a lost connection
//! exactly once (the browser's `error` event is not listened to), so one loss makes
//! one reconnect.
//!
//! It stops at its next poll once the user's socket is dropped (the drop wakes it),
//! dropping its connection (which removes its listeners) and its timer.

use core::cell::{Cell, RefCell};
use core::future::{poll_fn, Future};
use core::pin::{pin, Pin};
use core::task::{Context, Poll};
use core::time::Duration;
use std::rc::Rc;

use futures_sink::Sink;

use super::heartbeat::HeartbeatTimer;
use super::network::{self, NetworkListeners};
use super::page::PageListener;
use super::shared::{wake, Command, Look, Phase, Shared};
use super::signal::{Signal, Signals};
use super::{
    DisconnectReason, Event, ProviderError, ReconnectConfig, Retry, RetryCause, RetryInfo,
    UnsentReason,
};
use crate::timer::Timeout;
use crate::{CloseEvent, Error, Message, WebSocket, WebSocketBuilder};

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// How many reconnecting sockets' driver tasks are running in this thread. Each
/// [`ReconnectingWebSocket`](super::ReconnectingWebSocket) runs one until it is
/// dropped, closed or gives up; for leak tests and diagnostics.
#[must_use]
pub fn live_drivers() -> usize {
    LIVE.with(Cell::get)
}

/// Counts a running driver while it lives.
struct LiveDriver;

impl LiveDriver {
    fn new() -> Self {
        LIVE.with(|live| live.set(live.get() + 1));
        Self
    }
}

impl Drop for LiveDriver {
    fn drop(&mut self) {
        LIVE.with(|live| live.set(live.get().saturating_sub(1)));
    }
}

/// How a connection ended.
enum Lost {
    /// The user dropped the socket.
    Dropped,
    /// It closed; `by_user` when after the user's `close`; `error` when this side
    /// closed it for a receive limit.
    Closed {
        event: CloseEvent,
        by_user: bool,
        error: Option<Error>,
    },
    /// The heartbeat found it dead.
    Heartbeat(Duration),
    /// `reconnect()` was called.
    Reconnect,
    /// The page went into the back/forward cache.
    PageHidden,
}

/// Why an attempt failed.
enum Failed {
    /// The provider gave no endpoint.
    Provider(ProviderError),
    /// The connection did not open.
    Connect(Error),
}

/// What a driver that gave up leaves behind, for
/// [`reconnect`](super::ReconnectingSender::reconnect) to start over with.
#[derive(Debug)]
pub(crate) struct Parked {
    builder: WebSocketBuilder,
    config: ReconnectConfig,
    opened_before: bool,
}

/// What ended a wait (for a connection, or for the delay before an attempt).
enum Interrupt<T> {
    Done(T),
    Dropped,
    Close,
    Reconnect,
    /// One of the browser's signals that applies where the driver waits.
    Signalled,
}

/// Where the driver stands, for deciding which of the browser's signals apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connecting,
    Delay,
    Gate,
    Connected,
}

/// The driver of one reconnecting socket.
pub(crate) struct Driver {
    shared: Rc<RefCell<Shared>>,
    builder: WebSocketBuilder,
    config: ReconnectConfig,
    /// The receive limit the current connection broke, until its close is reported.
    failure: RefCell<Option<Error>>,
    /// Whether a connection has opened (so the next is a `Reconnected`).
    opened: Cell<bool>,
    /// Whether it gave up (then it is parked for `reconnect()`).
    gave_up: Cell<bool>,
    /// What the page's listeners said (network, visibility, back/forward cache).
    signals: Rc<Signals>,
    /// Whether the page is in the back/forward cache (between `pagehide` and
    /// `pageshow`, both `persisted`).
    hidden: Cell<bool>,
    /// The listeners that raise the signals, removed with the driver.
    _listeners: (NetworkListeners, Option<PageListener>),
    /// Counted from creation (before the task's first poll) until the task ends.
    _live: LiveDriver,
}

impl Driver {
    pub(crate) fn new(
        shared: Rc<RefCell<Shared>>,
        builder: WebSocketBuilder,
        config: ReconnectConfig,
    ) -> Self {
        let signals = Rc::new(Signals::default());
        let listeners = (
            NetworkListeners::new(config.network, &signals),
            config
                .back_forward_cache
                .then(|| PageListener::new(&signals)),
        );
        Self {
            shared,
            builder,
            config,
            failure: RefCell::new(None),
            opened: Cell::new(false),
            gave_up: Cell::new(false),
            signals,
            hidden: Cell::new(false),
            _listeners: listeners,
            _live: LiveDriver::new(),
        }
    }

    /// A driver that starts over where one gave up.
    pub(crate) fn restart(shared: Rc<RefCell<Shared>>, parked: Parked) -> Self {
        let driver = Self::new(shared, parked.builder, parked.config);
        driver.opened.set(parked.opened_before);
        driver
    }

    /// Runs until the socket is dropped, closed for good, or gives up; after giving up
    /// (and unless dropped), parks its builder and config for `reconnect()`.
    pub(crate) async fn run(self) {
        self.drive().await;
        if self.gave_up.get() {
            let mut shared = self.shared.borrow_mut();
            if !shared.dropped {
                shared.parked = Some(Parked {
                    builder: self.builder,
                    config: self.config,
                    opened_before: self.opened.get(),
                });
            }
        }
    }

    /// One attempt: the provider's endpoint (if there is a provider), then the
    /// connection.
    async fn attempt(&self) -> Result<WebSocket, Failed> {
        let builder = match &self.config.provider {
            None => self.builder.clone(),
            Some(provider) => {
                let endpoint = provider.provide().await.map_err(Failed::Provider)?;
                self.builder.clone().endpoint(endpoint)
            }
        };
        builder.connect().await.map_err(Failed::Connect)
    }

    async fn drive(&self) {
        // Failed attempts in a row since the last stable connection.
        let mut attempt: u32 = 0;
        let mut opened_before = self.opened.get();
        // When the connection was lost (or the driver started), in ms.
        let mut lost_at = crate::timer::now_ms();
        loop {
            if !self.until_ready().await {
                return;
            }
            self.set_phase(Phase::Connecting);
            let ws = match self.interruptible(self.attempt(), false).await {
                Interrupt::Done(Ok(ws)) => ws,
                Interrupt::Done(Err(Failed::Provider(error))) => {
                    self.emit(Event::ProviderFailed {
                        attempt,
                        error: error.clone(),
                    });
                    self.not_counted_while_offline(&mut attempt);
                    let cause = RetryCause::ProviderFailed(error);
                    if !self
                        .wait_for_attempt(&mut attempt, false, cause, lost_at)
                        .await
                    {
                        return;
                    }
                    continue;
                }
                Interrupt::Done(Err(Failed::Connect(error))) => {
                    // With a provider, the next endpoint may be a good one.
                    let permanent = self.config.provider.is_none()
                        && matches!(
                            error,
                            Error::InvalidUrl { .. } | Error::InvalidProtocol { .. } | Error::Js(_)
                        );
                    self.emit(Event::AttemptFailed {
                        attempt,
                        error: error.clone(),
                    });
                    self.not_counted_while_offline(&mut attempt);
                    if permanent {
                        self.give_up(attempt);
                        return;
                    }
                    let cause = RetryCause::AttemptFailed(error);
                    if !self
                        .wait_for_attempt(&mut attempt, false, cause, lost_at)
                        .await
                    {
                        return;
                    }
                    continue;
                }
                // Not reported while connecting (the attempt under way is the one
                // asked for); were it, starting over would do.
                Interrupt::Reconnect => continue,
                // The page went into the back/forward cache: the attempt is dropped
                // (its socket closed) and made again when the page is shown.
                Interrupt::Signalled => continue,
                Interrupt::Dropped => return,
                Interrupt::Close => {
                    self.finish(None);
                    return;
                }
            };

            let opened_at = crate::timer::now_ms();
            self.opened(&ws, opened_before, attempt);
            opened_before = true;
            self.opened.set(true);
            let mut ws = ws;
            let lost = self.connected(&mut ws).await;
            self.shared.borrow_mut().sender = None;
            let reason = match lost {
                Lost::Dropped => return,
                Lost::Closed {
                    event,
                    by_user,
                    error,
                } => {
                    if by_user || self.config.final_close_codes.contains(&event.code) {
                        self.finish(Some(event));
                        return;
                    }
                    match error {
                        Some(error) => DisconnectReason::ReceiveLimit { error, event },
                        None => DisconnectReason::Closed(event),
                    }
                }
                Lost::Heartbeat(silent_for) => {
                    let _ = ws.close_with(1000, "heartbeat timeout");
                    DisconnectReason::HeartbeatTimeout { silent_for }
                }
                Lost::Reconnect => {
                    let _ = ws.close_with(1000, "reconnecting");
                    DisconnectReason::Requested
                }
                Lost::PageHidden => {
                    let _ = ws.close_with(1000, "page hidden");
                    DisconnectReason::PageHidden
                }
            };
            let buffered = ws.buffered_amount();
            // Removes the connection's listeners; the browser finishes closing it.
            drop(ws);
            lost_at = crate::timer::now_ms();
            let requested = matches!(
                reason,
                DisconnectReason::Requested | DisconnectReason::PageHidden
            );
            let stable = crate::timer::now_ms() - opened_at
                >= self.config.stable_after.as_secs_f64() * 1000.0;
            if stable || requested {
                attempt = 0;
            }
            self.emit(Event::Disconnected {
                reason: reason.clone(),
                buffered,
            });
            // In the back/forward cache, the attempt is announced once the page is back.
            if self.hidden.get() && !self.until_ready().await {
                return;
            }
            let cause = RetryCause::Disconnected(reason);
            if !self
                .wait_for_attempt(&mut attempt, requested, cause, lost_at)
                .await
            {
                return;
            }
        }
    }

    /// After a loss or a failed attempt (`cause`; the connection was lost at
    /// `lost_at`): gives up if the limit is reached or the retry policy says so, else
    /// announces the next attempt and waits the policy's delay (none, and no limit or
    /// policy, when the user `requested` it). Returns `false` when the driver must stop.
    async fn wait_for_attempt(
        &self,
        attempt: &mut u32,
        requested: bool,
        cause: RetryCause,
        lost_at: f64,
    ) -> bool {
        if !requested && self.config.max_attempts.is_some_and(|max| *attempt >= max) {
            self.give_up(*attempt);
            return false;
        }
        let next = attempt.saturating_add(1);
        let delay = if requested {
            Duration::ZERO
        } else {
            let since_lost = (crate::timer::now_ms() - lost_at).max(0.0) / 1000.0;
            let since_lost = Duration::try_from_secs_f64(since_lost).unwrap_or_default();
            let info = RetryInfo::new(next, since_lost, cause);
            // No borrow is held: the policy may use the socket.
            match self.config.retry.decide(&info, js_sys::Math::random()) {
                Retry::After(delay) => delay,
                Retry::GiveUp => {
                    self.give_up(*attempt);
                    return false;
                }
            }
        };
        *attempt = next;
        self.set_phase(Phase::Waiting);
        self.emit(Event::Reconnecting {
            attempt: *attempt,
            delay,
        });
        let millis = crate::timer::millis(delay);
        match self.interruptible(Timeout::new(millis), true).await {
            Interrupt::Done(()) | Interrupt::Reconnect | Interrupt::Signalled => true,
            Interrupt::Dropped => false,
            Interrupt::Close => {
                self.finish(None);
                false
            }
        }
    }

    /// A failed attempt (number `attempt`) is not counted against the limit when it
    /// failed for want of a network: with
    /// [`Network::wait_while_offline`](super::Network), while the browser is offline.
    fn not_counted_while_offline(&self, attempt: &mut u32) {
        if self.config.network.wait_while_offline && !network::is_online() {
            *attempt = attempt.saturating_sub(1);
        }
    }

    /// Awaits `future` unless the socket is dropped or a command comes first
    /// (`reconnect()` only when `reconnect` is set).
    async fn interruptible<F: Future>(&self, future: F, reconnect: bool) -> Interrupt<F::Output> {
        let mut future = pin!(future);
        poll_fn(|cx| {
            let look = self.shared.borrow_mut().look(cx);
            match look {
                Look::Dropped => return Poll::Ready(Interrupt::Dropped),
                Look::Command(Command::Close { .. }) => return Poll::Ready(Interrupt::Close),
                Look::Command(Command::Reconnect) if reconnect => {
                    return Poll::Ready(Interrupt::Reconnect)
                }
                Look::Command(Command::Reconnect) | Look::Nothing => {}
            }
            let stage = if reconnect {
                Stage::Delay
            } else {
                Stage::Connecting
            };
            if self.signal(cx, stage).is_some() {
                return Poll::Ready(Interrupt::Signalled);
            }
            future.as_mut().poll(cx).map(Interrupt::Done)
        })
        .await
    }

    /// Before an attempt: waits while the page is in the back/forward cache (until
    /// `pageshow`) or, with [`Network::wait_while_offline`](super::Network), while the
    /// browser is offline (until `online`; the stream hears of it once). `reconnect()`
    /// ends the wait. Returns `false` when the driver must stop.
    async fn until_ready(&self) -> bool {
        let mut told_offline = false;
        let ready = poll_fn(|cx| {
            let look = self.shared.borrow_mut().look(cx);
            match look {
                Look::Dropped => return Poll::Ready(Interrupt::Dropped),
                Look::Command(Command::Close { .. }) => return Poll::Ready(Interrupt::Close),
                Look::Command(Command::Reconnect) => return Poll::Ready(Interrupt::Reconnect),
                Look::Nothing => {}
            }
            // None applies here: this records the page's state, and keeps the waker
            // for `online` and `pageshow`, after which the states are read again.
            let _ = self.signal(cx, Stage::Gate);
            if self.hidden.get() {
                self.set_phase(Phase::Waiting);
                return Poll::Pending;
            }
            if self.config.network.wait_while_offline && !network::is_online() {
                self.set_phase(Phase::Waiting);
                if !told_offline {
                    told_offline = true;
                    self.emit(Event::Offline);
                }
                return Poll::Pending;
            }
            Poll::Ready(Interrupt::Done(()))
        })
        .await;
        match ready {
            Interrupt::Done(()) | Interrupt::Signalled => true,
            // Past the page's and the network's say.
            Interrupt::Reconnect => {
                self.hidden.set(false);
                true
            }
            Interrupt::Dropped => false,
            Interrupt::Close => {
                self.finish(None);
                false
            }
        }
    }

    /// The next of the browser's signals that applies at `stage`; those that do not
    /// are dropped, the page's state recorded.
    fn signal(&self, cx: &mut Context<'_>, stage: Stage) -> Option<Signal> {
        let network = self.config.network;
        while let Some(signal) = self.signals.next(cx) {
            let applies = match signal {
                Signal::PageHidden => {
                    self.hidden.set(true);
                    matches!(stage, Stage::Connecting | Stage::Connected)
                }
                Signal::PageShown => self.hidden.replace(false) && stage == Stage::Delay,
                Signal::Online => stage == Stage::Delay && network.attempt_when_online,
                Signal::Visible => match stage {
                    Stage::Delay => network.attempt_when_visible && !self.hidden.get(),
                    Stage::Connected => network.ping_when_visible,
                    Stage::Connecting | Stage::Gate => false,
                },
            };
            if applies {
                return Some(signal);
            }
        }
        None
    }

    /// A connection opened: it takes the sends, the outbox is replayed or handed back,
    /// and the stream hears of it.
    fn opened(&self, ws: &WebSocket, opened_before: bool, attempt: u32) {
        let mut shared = self.shared.borrow_mut();
        // A close asked for meanwhile is carried out by `connected`, straight after.
        if shared.phase != Phase::Closing {
            shared.phase = Phase::Open;
            shared.sender = Some((**ws).clone());
        }
        let mut wakers = vec![shared.emit(if opened_before {
            Event::Reconnected { attempt }
        } else {
            Event::Open
        })];
        if !self.config.replay {
            let waiting = shared.outbox.take_all();
            wakers.push(shared.unsent(waiting, UnsentReason::NotReplayed));
        }
        drop(shared);
        wakers.into_iter().for_each(wake);
    }

    /// Runs an open connection until it is lost or closed, or the socket is dropped.
    async fn connected(&self, ws: &mut WebSocket) -> Lost {
        // A limit broken by an earlier connection (if its close was never read) is not
        // this one's.
        self.failure.borrow_mut().take();
        let mut heartbeat = self.config.heartbeat.clone().map(HeartbeatTimer::start);
        let mut closing = false;
        poll_fn(|cx| {
            let look = self.shared.borrow_mut().look(cx);
            match look {
                Look::Dropped => return Poll::Ready(Lost::Dropped),
                Look::Command(Command::Reconnect) if !closing => {
                    return Poll::Ready(Lost::Reconnect)
                }
                Look::Command(Command::Close { code, reason }) if !closing => {
                    closing = true;
                    heartbeat = None;
                    {
                        let mut shared = self.shared.borrow_mut();
                        shared.phase = Phase::Closing;
                        shared.sender = None;
                    }
                    // Checked by `close_with` on the user's side already.
                    let _ = ws.close_with(code, &reason);
                }
                Look::Command(_) | Look::Nothing => {}
            }
            match self.signal(cx, Stage::Connected) {
                Some(Signal::PageHidden) if !closing => return Poll::Ready(Lost::PageHidden),
                Some(Signal::Visible) => {
                    if let Some(heartbeat) = &mut heartbeat {
                        heartbeat.ping_now();
                    }
                }
                _ => {}
            }
            if !closing {
                self.flush(ws, cx);
            }
            if let Some(lost) = self.read(ws, heartbeat.as_mut(), closing, cx) {
                return Poll::Ready(lost);
            }
            if let Some(heartbeat) = &mut heartbeat {
                if let Poll::Ready(silent_for) = heartbeat.poll(ws, cx) {
                    return Poll::Ready(Lost::Heartbeat(silent_for));
                }
            }
            Poll::Pending
        })
        .await
    }

    /// Sends waiting messages, in order, as fast as the socket's backpressure allows.
    fn flush(&self, ws: &mut WebSocket, cx: &mut Context<'_>) {
        let mut wakers = Vec::new();
        loop {
            if self.shared.borrow().outbox.is_empty() {
                break;
            }
            match Sink::<Message>::poll_ready(Pin::new(&mut *ws), cx) {
                Poll::Ready(Ok(())) => {}
                // Not open any more: the stream reports the close next.
                Poll::Ready(Err(_)) | Poll::Pending => break,
            }
            let mut shared = self.shared.borrow_mut();
            let Some(message) = shared.outbox.pop() else {
                break;
            };
            match ws.send_message(&message) {
                Ok(()) => {}
                Err(Error::NotOpen { .. }) => {
                    shared.outbox.unpop(message);
                    break;
                }
                Err(error) => {
                    wakers.push(shared.unsent(vec![message], UnsentReason::Failed(error)));
                }
            }
        }
        wakers.into_iter().for_each(wake);
    }

    /// Hands received messages to the stream; `Some` once the connection has closed.
    fn read(
        &self,
        ws: &mut WebSocket,
        mut heartbeat: Option<&mut HeartbeatTimer>,
        closing: bool,
        cx: &mut Context<'_>,
    ) -> Option<Lost> {
        let mut waker = None;
        let lost = loop {
            // Messages are taken as the browser made them: they wait in the JS heap
            // until the stream yields them.
            let data = ws.receiver.socket.inbox.borrow_mut().poll_data(cx);
            match data {
                Poll::Ready(Some(Ok((data, size)))) => {
                    let is_reply = heartbeat.as_mut().is_some_and(|h| h.saw_data(&data));
                    if !is_reply {
                        waker = self.shared.borrow_mut().receive(data, size).or(waker);
                    }
                }
                // The abnormal close is reported with the close event, just after.
                Poll::Ready(Some(Err(Error::AbnormalClose { .. }))) => {}
                // A receive limit: reported with the close event too.
                Poll::Ready(Some(Err(error))) => *self.failure.borrow_mut() = Some(error),
                Poll::Ready(None) => {
                    let event = closed_event(ws, cx);
                    break Some(Lost::Closed {
                        event,
                        by_user: closing,
                        error: self.failure.borrow_mut().take(),
                    });
                }
                Poll::Pending => break None,
            }
        };
        wake(waker);
        lost
    }

    fn set_phase(&self, phase: Phase) {
        let mut shared = self.shared.borrow_mut();
        if shared.phase != Phase::Closing {
            shared.phase = phase;
        }
    }

    fn emit(&self, event: Event) {
        let waker = self.shared.borrow_mut().emit(event);
        wake(waker);
    }

    /// Closed for good: hands back what waits in the outbox, then `Closed`.
    fn finish(&self, event: Option<CloseEvent>) {
        self.end(UnsentReason::Closed, Event::Closed(event));
    }

    /// Gave up: hands back what waits in the outbox, then `GaveUp`.
    fn give_up(&self, attempts: u32) {
        self.gave_up.set(true);
        self.end(UnsentReason::GaveUp, Event::GaveUp { attempts });
    }

    fn end(&self, reason: UnsentReason, last: Event) {
        let mut shared = self.shared.borrow_mut();
        shared.phase = Phase::Finished;
        shared.sender = None;
        let waiting = shared.outbox.take_all();
        let wakers = [shared.unsent(waiting, reason), shared.emit(last)];
        drop(shared);
        wakers.into_iter().for_each(wake);
    }
}

/// The close event of a socket whose stream has ended (so it has closed).
fn closed_event(ws: &WebSocket, cx: &mut Context<'_>) -> CloseEvent {
    let mut closed = ws.closed();
    match Pin::new(&mut closed).poll(cx) {
        Poll::Ready(event) => event,
        // The stream ends only after the close is recorded; this is not reached.
        Poll::Pending => CloseEvent {
            code: 1006,
            reason: String::new(),
            was_clean: false,
        },
    }
}
