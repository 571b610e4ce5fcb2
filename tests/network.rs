//! Network awareness and the back/forward cache of `ReconnectingWebSocket`.
//!
//! How the browser's signals are made here: the events are dispatched by the test
//! (`offline` / `online` on the global scope, `visibilitychange` on the document,
//! `pagehide` / `pageshow` as `PageTransitionEvent`s with `persisted`), with
//! `navigator.onLine` and `document.visibilityState` overridden on the instance by
//! `Object.defineProperty` and restored after each test (and before it, in case an
//! earlier test failed half-way). The real network stays up: the echo server
//! counts the attempts that reach it. The WebDriver end-to-end test
//! (tests/e2e/tests/network.rs) makes the same changes for real: offline through
//! DevTools' network emulation, the back/forward cache by navigating away and back.
//!
//! - offline from the start: no attempt (the server counts none) and one `Offline`
//!   event; on `online` one attempt, within 100 ms of the event
//! - offline while waiting out a delay: no attempt when it ends; on `online` one at
//!   once; the attempts made still count against the limit (`GaveUp` after them)
//! - an attempt that fails while the browser is offline is not counted
//! - `online` while waiting out a delay attempts at once (within 100 ms); with
//!   `attempt_when_online(false)` it does not; `online` / `offline` while connected
//!   change nothing
//! - the page becoming visible while waiting attempts at once; becoming hidden, or
//!   with `attempt_when_visible(false)`, does not
//! - the page becoming visible while connected with a heartbeat pings at once; with
//!   `ping_when_visible(false)` it does not
//! - `pagehide` with `persisted`: the connection is closed (`PageHidden`), sends wait
//!   in the outbox, no attempt while hidden (not even when a delay ends); `pageshow`
//!   with `persisted` reconnects at once and the waiting messages go out in order,
//!   before newer ones; `pagehide` without `persisted`, `pageshow` alone, or the
//!   option off change nothing; a close while hidden hands the outbox back
//! - the listeners: `online`, `visibilitychange`, `pagehide` and `pageshow` in a
//!   window, only `online` in a worker (no document, no page events), none with the
//!   options off; all removed on drop
//!
//! In a worker (tests/worker/dedicated.rs) the tests about the document and the page
//! check that nothing listens for them there.

mod common;

use core::time::Duration;

use common::{now, requests, settle, url, within};
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{
    live_drivers, Backoff, DisconnectReason, Event, Heartbeat, Network, ReconnectConfig,
    UnsentReason,
};
use wasm_websocket::{live_listeners, Error, Message, ReconnectingWebSocket, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

#[wasm_bindgen(inline_js = r#"
export function override_online(online) {
  if (online === undefined) {
    delete navigator.onLine;
  } else {
    Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
  }
}
export function fire(type) {
  globalThis.dispatchEvent(new Event(type));
}
export function has_document() {
  return typeof document === "object" && document !== null;
}
export function override_visibility(state) {
  if (!has_document()) return;
  if (state === undefined) {
    delete document.visibilityState;
    return;
  }
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}
export function page_transition(type, persisted) {
  const event = typeof PageTransitionEvent === "function"
    ? new PageTransitionEvent(type, { persisted })
    : Object.defineProperty(new Event(type), "persisted", { value: persisted });
  globalThis.dispatchEvent(event);
}
"#)]
extern "C" {
    fn override_online(online: Option<bool>);
    fn fire(kind: &str);
    fn has_document() -> bool;
    fn override_visibility(state: Option<&str>);
    fn page_transition(kind: &str, persisted: bool);
}

/// Restores `navigator.onLine` and `document.visibilityState` when dropped (and
/// when made, after a test that failed before restoring them).
struct Overrides;

impl Overrides {
    fn new() -> Self {
        override_online(None);
        override_visibility(None);
        Self
    }

    fn offline(&self) {
        override_online(Some(false));
        fire("offline");
    }

    fn online(&self) {
        override_online(Some(true));
        fire("online");
    }

    fn visibility(&self, state: &str) {
        override_visibility(Some(state));
    }
}

impl Drop for Overrides {
    fn drop(&mut self) {
        override_online(None);
        override_visibility(None);
    }
}

/// A backoff of `initial` ms, doubling, no jitter.
fn quick(initial: u64) -> ReconnectConfig {
    ReconnectConfig::default().backoff(
        Backoff::default()
            .initial(Duration::from_millis(initial))
            .jitter(0.0),
    )
}

fn open(path: &str, config: ReconnectConfig) -> ReconnectingWebSocket {
    let builder = WebSocket::builder(url(path)).connect_timeout(Some(Duration::from_secs(2)));
    ReconnectingWebSocket::new(builder, config)
}

/// The next event, which must come within `ms`.
async fn event(ws: &mut ReconnectingWebSocket, ms: u32) -> Event {
    within(ms, "next event", ws.next())
        .await
        .expect("the stream ended early")
}

/// Fails if an event comes within `ms`.
async fn quiet(ws: &mut ReconnectingWebSocket, ms: u32, what: &str) {
    if let Either::Left((event, _)) = select(ws.next(), TimeoutFuture::new(ms)).await {
        panic!("{what}: {event:?} within {ms} ms");
    }
}

/// Ms since `start`.
fn since(start: f64) -> f64 {
    now() - start
}

#[wasm_bindgen_test]
async fn offline_from_the_start_makes_no_attempt_until_online_then_one_at_once() {
    let net = Overrides::new();
    let before = requests("/echo").await;
    net.offline();
    let mut ws = open("/echo", quick(50));
    assert_eq!(event(&mut ws, 2_000).await, Event::Offline);
    assert!(!ws.is_open());
    ws.send_text("waited").expect("queued while offline");
    quiet(&mut ws, 500, "offline").await;
    assert_eq!(
        requests("/echo").await - before,
        0,
        "attempts while offline"
    );

    net.online();
    let online_at = now();
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    let took = since(online_at);
    assert!(took <= 100.0, "opened {took} ms after online");
    assert_eq!(
        event(&mut ws, 2_000).await,
        Event::Message(Message::text("waited"))
    );
    assert_eq!(requests("/echo").await - before, 1, "attempts after online");
}

#[wasm_bindgen_test]
async fn offline_while_waiting_holds_the_attempt_and_the_limit_counts_only_attempts_made() {
    let net = Overrides::new();
    let before = requests("/close").await;
    // Opens, then the server closes with 4000 (not final): each connection is lost
    // at once, so each next attempt waits a longer delay (no stable connection).
    let mut ws = open("/close?code=4000", quick(300).max_attempts(Some(1)));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    assert!(matches!(
        event(&mut ws, 2_000).await,
        Event::Disconnected { .. }
    ));
    let ms = Duration::from_millis;
    assert_eq!(
        event(&mut ws, 1_000).await,
        Event::Reconnecting {
            attempt: 1,
            delay: ms(300)
        }
    );
    net.offline();
    // The delay ends while offline: no attempt.
    assert_eq!(event(&mut ws, 2_000).await, Event::Offline);
    quiet(&mut ws, 400, "offline after the delay").await;
    assert_eq!(
        requests("/close").await - before,
        1,
        "attempts while offline"
    );

    net.online();
    let online_at = now();
    assert_eq!(
        event(&mut ws, 2_000).await,
        Event::Reconnected { attempt: 1 }
    );
    let took = since(online_at);
    assert!(took <= 100.0, "reconnected {took} ms after online");
    // Attempt 1 was made (and lost at once): the limit of 1 is reached.
    assert!(matches!(
        event(&mut ws, 2_000).await,
        Event::Disconnected { .. }
    ));
    assert_eq!(event(&mut ws, 2_000).await, Event::GaveUp { attempts: 1 });
    assert_eq!(requests("/close").await - before, 2);
}

#[wasm_bindgen_test]
async fn an_attempt_that_fails_while_offline_is_not_counted() {
    let net = Overrides::new();
    // Each handshake takes 3 s and each attempt gets 600 ms: every attempt times out.
    let builder =
        WebSocket::builder(url("/slow?ms=3000")).connect_timeout(Some(Duration::from_millis(600)));
    let mut ws = ReconnectingWebSocket::new(builder, quick(20).max_attempts(Some(1)));
    assert!(matches!(
        event(&mut ws, 2_000).await,
        Event::AttemptFailed { attempt: 0, .. }
    ));
    assert!(matches!(
        event(&mut ws, 1_000).await,
        Event::Reconnecting { attempt: 1, .. }
    ));
    // Attempt 1 is under way; the browser goes offline (the event is not needed for
    // this: the socket reads `navigator.onLine` when the attempt fails).
    settle(100).await;
    override_online(Some(false));
    let failed = event(&mut ws, 2_000).await;
    assert!(
        matches!(
            failed,
            Event::AttemptFailed {
                attempt: 1,
                error: Error::Timeout { .. }
            }
        ),
        "{failed:?}"
    );
    // Not counted: attempt 1 again, once the network is back, instead of GaveUp.
    assert!(matches!(
        event(&mut ws, 1_000).await,
        Event::Reconnecting { attempt: 1, .. }
    ));
    assert_eq!(event(&mut ws, 1_000).await, Event::Offline);
    net.online();
    assert!(matches!(
        event(&mut ws, 2_000).await,
        Event::AttemptFailed { attempt: 1, .. }
    ));
    assert_eq!(event(&mut ws, 1_000).await, Event::GaveUp { attempts: 1 });
}

#[wasm_bindgen_test]
async fn online_while_waiting_attempts_at_once_unless_turned_off() {
    let net = Overrides::new();
    for on in [true, false] {
        let before = requests("/close").await;
        let config = quick(5_000).network(Network::default().attempt_when_online(on));
        let mut ws = open("/close?code=4000", config);
        assert_eq!(event(&mut ws, 2_000).await, Event::Open);
        assert!(matches!(
            event(&mut ws, 2_000).await,
            Event::Disconnected { .. }
        ));
        assert!(matches!(
            event(&mut ws, 1_000).await,
            Event::Reconnecting { attempt: 1, .. }
        ));
        net.online();
        let online_at = now();
        if on {
            assert_eq!(
                event(&mut ws, 2_000).await,
                Event::Reconnected { attempt: 1 }
            );
            let took = since(online_at);
            assert!(took <= 100.0, "reconnected {took} ms after online");
            assert_eq!(requests("/close").await - before, 2);
        } else {
            quiet(&mut ws, 500, "online with attempt_when_online(false)").await;
            assert_eq!(requests("/close").await - before, 1);
        }
    }
}

#[wasm_bindgen_test]
async fn online_and_offline_while_connected_change_nothing() {
    let net = Overrides::new();
    let mut ws = open("/echo", quick(50));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    net.offline();
    net.online();
    fire("offline");
    quiet(&mut ws, 300, "online / offline while connected").await;
    assert!(ws.is_open());
    ws.send_text("still here").expect("send");
    assert_eq!(
        event(&mut ws, 2_000).await,
        Event::Message(Message::text("still here"))
    );
}

#[wasm_bindgen_test]
async fn becoming_visible_while_waiting_attempts_at_once_unless_turned_off() {
    let net = Overrides::new();
    for on in [true, false] {
        let before = requests("/close").await;
        let config = quick(5_000).network(Network::default().attempt_when_visible(on));
        let mut ws = open("/close?code=4000", config);
        assert_eq!(event(&mut ws, 2_000).await, Event::Open);
        assert!(matches!(
            event(&mut ws, 2_000).await,
            Event::Disconnected { .. }
        ));
        assert!(matches!(
            event(&mut ws, 1_000).await,
            Event::Reconnecting { attempt: 1, .. }
        ));
        net.visibility("hidden");
        quiet(&mut ws, 300, "hidden").await;
        net.visibility("visible");
        let visible_at = now();
        if on && has_document() {
            assert_eq!(
                event(&mut ws, 2_000).await,
                Event::Reconnected { attempt: 1 }
            );
            let took = since(visible_at);
            assert!(took <= 100.0, "reconnected {took} ms after visible");
            assert_eq!(requests("/close").await - before, 2);
        } else {
            // Turned off, or a worker (no document: nothing to listen to).
            quiet(&mut ws, 500, "visible with the option off").await;
            assert_eq!(requests("/close").await - before, 1);
        }
    }
}

#[wasm_bindgen_test]
async fn becoming_visible_while_connected_pings_at_once_unless_turned_off() {
    let net = Overrides::new();
    for on in [true, false] {
        // The echo server answers the ping with "ping": without a reply set, the
        // stream hands it over, so it shows when a ping went out. The interval is
        // far away.
        let config = quick(50)
            .heartbeat(Some(Heartbeat::new(
                Duration::from_secs(60),
                Duration::from_secs(10),
            )))
            .network(Network::default().ping_when_visible(on));
        let mut ws = open("/echo", config);
        assert_eq!(event(&mut ws, 2_000).await, Event::Open);
        net.visibility("hidden");
        quiet(&mut ws, 200, "hidden").await;
        net.visibility("visible");
        let visible_at = now();
        if on && has_document() {
            assert_eq!(
                event(&mut ws, 2_000).await,
                Event::Message(Message::text("ping"))
            );
            let took = since(visible_at);
            assert!(took <= 100.0, "the ping came back {took} ms after visible");
        } else {
            quiet(&mut ws, 400, "visible with the option off").await;
        }
        assert!(ws.is_open());
    }
}

#[wasm_bindgen_test]
async fn the_back_forward_cache_closes_keeps_the_outbox_and_reconnects_in_order() {
    let _net = Overrides::new();
    let mut ws = open("/echo", quick(50));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    ws.send_text("a").expect("send");
    assert_eq!(
        event(&mut ws, 2_000).await,
        Event::Message(Message::text("a"))
    );
    // Unloaded for good, or shown without having been hidden: the browser's business.
    page_transition("pagehide", false);
    page_transition("pageshow", true);
    quiet(&mut ws, 200, "pagehide without persisted").await;
    assert!(ws.is_open());
    if !has_document() {
        // A worker has no page to be cached: `pagehide` there changes nothing either.
        page_transition("pagehide", true);
        quiet(&mut ws, 200, "pagehide in a worker").await;
        assert!(ws.is_open());
        return;
    }

    let before = requests("/echo").await;
    page_transition("pagehide", true);
    assert_eq!(
        event(&mut ws, 1_000).await,
        Event::Disconnected {
            reason: DisconnectReason::PageHidden,
            buffered: 0
        }
    );
    assert!(!ws.is_open());
    ws.send_text("b").expect("queued while hidden");
    ws.send_text("c").expect("queued while hidden");
    assert_eq!(ws.queued_messages(), 2);
    quiet(&mut ws, 400, "hidden in the cache").await;
    assert_eq!(requests("/echo").await - before, 0, "attempts while hidden");

    page_transition("pageshow", true);
    let shown_at = now();
    assert_eq!(
        event(&mut ws, 1_000).await,
        Event::Reconnecting {
            attempt: 1,
            delay: Duration::ZERO
        }
    );
    assert_eq!(
        event(&mut ws, 2_000).await,
        Event::Reconnected { attempt: 1 }
    );
    let took = since(shown_at);
    assert!(took <= 100.0, "reconnected {took} ms after pageshow");
    ws.send_text("d").expect("send");
    let mut texts = Vec::new();
    for _ in 0..3 {
        match event(&mut ws, 2_000).await {
            Event::Message(message) => texts.push(message.as_text().unwrap_or("?").to_owned()),
            other => panic!("{other:?} instead of a message"),
        }
    }
    assert_eq!(texts, ["b", "c", "d"]);
    assert_eq!(requests("/echo").await - before, 1);
}

#[wasm_bindgen_test]
async fn hidden_while_waiting_no_attempt_until_shown_and_a_close_hands_the_outbox_back() {
    let _net = Overrides::new();
    if !has_document() {
        // Nothing listens for the page's events in a worker (see the listener test).
        return;
    }
    let before = requests("/close").await;
    let mut ws = open("/close?code=4000", quick(100));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    assert!(matches!(
        event(&mut ws, 2_000).await,
        Event::Disconnected { .. }
    ));
    assert!(matches!(
        event(&mut ws, 1_000).await,
        Event::Reconnecting { attempt: 1, .. }
    ));
    page_transition("pagehide", true);
    // The delay ends in the cache: no attempt.
    quiet(&mut ws, 400, "hidden after the delay").await;
    assert_eq!(requests("/close").await - before, 1);
    page_transition("pageshow", true);
    assert_eq!(
        event(&mut ws, 1_000).await,
        Event::Reconnected { attempt: 1 }
    );
    assert_eq!(requests("/close").await - before, 2);

    // Off: the page's events change nothing.
    let mut ws = open("/echo", quick(50).back_forward_cache(false));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    page_transition("pagehide", true);
    quiet(&mut ws, 300, "pagehide with the option off").await;
    assert!(ws.is_open());
    page_transition("pageshow", true);

    // A close while hidden ends the socket and hands back what waited.
    let mut ws = open("/echo", quick(50));
    assert_eq!(event(&mut ws, 2_000).await, Event::Open);
    page_transition("pagehide", true);
    assert!(matches!(
        event(&mut ws, 1_000).await,
        Event::Disconnected {
            reason: DisconnectReason::PageHidden,
            ..
        }
    ));
    ws.send_text("never").expect("queued");
    ws.close().expect("close");
    assert_eq!(
        event(&mut ws, 1_000).await,
        Event::Unsent {
            messages: vec![Message::text("never")],
            reason: UnsentReason::Closed
        }
    );
    assert_eq!(event(&mut ws, 1_000).await, Event::Closed(None));
    assert_eq!(within(1_000, "the end", ws.next()).await, None);
    page_transition("pageshow", true);
}

#[wasm_bindgen_test]
async fn the_listeners_follow_the_options_and_the_place_and_go_on_drop() {
    let (listeners, drivers) = (live_listeners(), live_drivers());
    // Counted as the socket is made, before its first connection attempt: `online`;
    // `visibilitychange` and `pagehide` + `pageshow` only in a window.
    let (visibility, page) = if has_document() { (1, 2) } else { (0, 0) };
    for (config, expected) in [
        (ReconnectConfig::default(), 1 + visibility + page),
        (ReconnectConfig::default().network(Network::ignore()), page),
        (
            ReconnectConfig::default()
                .network(Network::ignore().attempt_when_online(true))
                .back_forward_cache(false),
            1,
        ),
        (
            ReconnectConfig::default()
                .network(Network::ignore())
                .back_forward_cache(false),
            0,
        ),
    ] {
        let ws = open("/echo", config);
        assert_eq!(live_listeners() - listeners, expected);
        drop(ws);
        // The driver removes them as it stops, at its next turn.
        within(5_000, "every listener and driver gone", async {
            while (live_listeners(), live_drivers()) != (listeners, drivers) {
                settle(10).await;
            }
        })
        .await;
    }
}
