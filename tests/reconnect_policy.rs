//! Where each attempt connects and what follows a failure: endpoint providers, retry
//! policies, starting over after giving up, and waiting for room to send, against the
//! echo server's `/token` path (which accepts only the newest token `/admin/token`
//! issued), `/reject` and `/close`.
//!
//! - a provider that fails (sync), or whose future fails (async), is a failed attempt
//!   (`ProviderFailed`) and the backoff goes on: the next call's good endpoint connects
//! - a provider that never resolves times out as a failed attempt, within its timeout
//! - the provider is called exactly once per attempt (counted by the test and by the
//!   server), and the stream reports each attempt once
//! - token rotation: an async provider that fetches a fresh token for each attempt
//!   reconnects after the old token stopped being valid, where a fixed URL with the old
//!   token fails; the server saw the new token
//! - an invalid URL from a provider is a failed attempt, not the end of the socket
//! - a retry policy gets the attempt number, the time since the loss (growing) and the
//!   cause (the close event, the attempt's error); its delays are used; `GiveUp` ends
//!   the socket; `max_attempts` still bounds it; `Backoff` is the default policy
//! - `reconnect()` after `GaveUp` starts over: new attempts, a connection, sends
//!   delivered; after `close()` it is refused; no driver is left running
//! - `ready()`: at once while disconnected, waits while the open connection's buffer is
//!   above the high-water mark, `NotOpen` after close; `send_text_when_ready` sends

mod common;

use core::cell::{Cell, RefCell};
use core::time::Duration;
use std::rc::Rc;

use common::{admin, now, requests, settle, url, wait, within};
use futures::StreamExt;
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{
    live_drivers, Backoff, DisconnectReason, Endpoint, Event, Provider, ProviderError,
    ReconnectConfig, Retry, RetryCause, RetryInfo, RetryPolicy,
};
use wasm_websocket::{Error, Message, ReadyState, ReconnectingWebSocket, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

/// A quick backoff for tests: `initial` ms, doubling, no jitter.
fn quick(initial: u64) -> ReconnectConfig {
    ReconnectConfig::default().backoff(
        Backoff::default()
            .initial(Duration::from_millis(initial))
            .jitter(0.0),
    )
}

/// A reconnecting socket (to `path` unless the config has a provider) with a 2 s
/// connect timeout.
fn open(path: &str, config: ReconnectConfig) -> ReconnectingWebSocket {
    let builder = WebSocket::builder(url(path)).connect_timeout(Some(Duration::from_secs(2)));
    ReconnectingWebSocket::new(builder, config)
}

/// Events up to and including the first one `last` accepts.
async fn events_until(
    ws: &mut ReconnectingWebSocket,
    ms: u32,
    last: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let mut events = Vec::new();
    within(ms, "events", async {
        while let Some(event) = ws.next().await {
            let done = last(&event);
            events.push(event);
            if done {
                return;
            }
        }
        panic!("the stream ended after {events:?}");
    })
    .await;
    events
}

/// Every event until the stream ends. (Waits on `/reject` and refused tokens are
/// generous: Firefox delays new connections to a host whose connections just failed,
/// so its attempts may each last up to the connect timeout.)
async fn all_events(ws: &mut ReconnectingWebSocket, ms: u32) -> Vec<Event> {
    within(ms, "events until the end", ws.by_ref().collect::<Vec<_>>()).await
}

fn is_open(event: &Event) -> bool {
    matches!(event, Event::Open | Event::Reconnected { .. })
}

fn count(events: &[Event], what: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|event| what(event)).count()
}

/// A stale token: one issued, then replaced, so `/token` refuses it.
async fn stale_token() -> String {
    let old = admin("/admin/token").await;
    let _newer = admin("/admin/token").await;
    old
}

/// Sends `text` and waits for its echo (messages before it are skipped).
async fn echoed(ws: &mut ReconnectingWebSocket, text: &str) {
    ws.send_text(text).expect("sent or queued");
    let events = events_until(
        ws,
        5000,
        |e| matches!(e, Event::Message(m) if m.as_text() == Some(text)),
    )
    .await;
    assert!(!events.is_empty());
}

// ---------------------------------------------------------------- providers

#[wasm_bindgen_test]
async fn a_failing_provider_is_a_failed_attempt_and_the_next_good_one_connects() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider = Provider::from_fn(move || {
        counter.set(counter.get() + 1);
        if counter.get() == 1 {
            Err("token service down")
        } else {
            Ok(url("/echo"))
        }
    });
    let mut ws = open("/nowhere", quick(50).provider(Some(provider)));
    let events = events_until(&mut ws, 5000, is_open).await;
    assert_eq!(
        events,
        [
            Event::ProviderFailed {
                attempt: 0,
                error: ProviderError::Failed {
                    message: "token service down".to_owned()
                },
            },
            Event::Reconnecting {
                attempt: 1,
                delay: Duration::from_millis(50)
            },
            Event::Open,
        ]
    );
    assert_eq!(calls.get(), 2);
    echoed(&mut ws, "after a failed provider").await;

    // The same with a future that fails, then one that resolves.
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider = Provider::new(move || {
        counter.set(counter.get() + 1);
        let n = counter.get();
        async move {
            settle(10).await;
            if n == 1 {
                Err(format!("rejected #{n}"))
            } else {
                Ok(Endpoint::new(url("/echo")))
            }
        }
    });
    let mut ws = open("/nowhere", quick(50).provider(Some(provider)));
    let events = events_until(&mut ws, 5000, is_open).await;
    assert!(
        matches!(&events[0], Event::ProviderFailed { attempt: 0, error: ProviderError::Failed { message } } if message == "rejected #1"),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&Event::Open));
    assert_eq!(calls.get(), 2);
    echoed(&mut ws, "after a rejected provider").await;
}

#[wasm_bindgen_test]
async fn a_provider_that_never_resolves_times_out_as_a_failed_attempt() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider = Provider::new(move || {
        counter.set(counter.get() + 1);
        let first = counter.get() == 1;
        async move {
            if first {
                futures::future::pending::<()>().await;
            }
            Ok::<_, String>(url("/echo"))
        }
    })
    .timeout(Duration::from_millis(300));
    let started = now();
    let mut ws = open("/nowhere", quick(20).provider(Some(provider)));
    let events = events_until(&mut ws, 5000, |e| matches!(e, Event::ProviderFailed { .. })).await;
    let waited = now() - started;
    assert_eq!(
        events,
        [Event::ProviderFailed {
            attempt: 0,
            error: ProviderError::Timeout {
                after: Duration::from_millis(300)
            },
        }]
    );
    assert!(
        (290.0..2000.0).contains(&waited),
        "timed out after {waited} ms"
    );
    let events = events_until(&mut ws, 5000, is_open).await;
    assert_eq!(events.last(), Some(&Event::Open));
    assert_eq!(calls.get(), 2);
}

#[wasm_bindgen_test]
async fn the_provider_is_called_once_per_attempt() {
    let stale = stale_token().await;
    let before = requests("/token").await;
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider = Provider::from_fn(move || {
        counter.set(counter.get() + 1);
        Ok::<_, String>(url(&format!("/token?t={stale}")))
    });
    let mut ws = open(
        "/nowhere",
        quick(30).max_attempts(Some(3)).provider(Some(provider)),
    );
    let events = all_events(&mut ws, 20000).await;
    let failed = count(&events, |e| matches!(e, Event::AttemptFailed { .. }));
    let announced = count(&events, |e| matches!(e, Event::Reconnecting { .. }));
    assert_eq!((failed, announced), (4, 3), "{events:?}");
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 3 }));
    // Attempts 0 (the first connection) to 3: one call and one request each.
    assert_eq!(calls.get(), 4);
    assert_eq!(requests("/token").await - before, 4);
}

#[wasm_bindgen_test]
async fn a_fresh_token_for_each_attempt_reconnects_after_rotation() {
    // Each attempt fetches a new token (which retires the one before), as an app
    // fetching short-lived credentials does.
    let seen = Rc::new(RefCell::new(Vec::<String>::new()));
    let tokens = Rc::clone(&seen);
    let provider = Provider::new(move || {
        let tokens = Rc::clone(&tokens);
        async move {
            let token = admin("/admin/token").await;
            tokens.borrow_mut().push(token.clone());
            Ok::<_, String>(url(&format!("/token?t={token}")))
        }
    });
    let mut ws = open("/nowhere", quick(50).provider(Some(provider)));
    let events = events_until(&mut ws, 5000, is_open).await;
    assert_eq!(events, [Event::Open]);
    echoed(&mut ws, "with the first token").await;

    // Someone else's fetch retires the token this connection was made with.
    let first = seen.borrow()[0].clone();
    let _rotated = admin("/admin/token").await;
    let old = wait(
        "connect with the old token",
        WebSocket::connect(&url(&format!("/token?t={first}"))),
    )
    .await;
    assert!(
        matches!(old, Err(Error::ConnectionFailed { .. })),
        "the old token must be refused: {old:?}"
    );

    ws.reconnect().expect("reconnect");
    let events = events_until(&mut ws, 5000, is_open).await;
    assert!(
        matches!(events.last(), Some(Event::Reconnected { attempt: 1 })),
        "{events:?}"
    );
    assert_eq!(
        count(&events, |e| matches!(e, Event::AttemptFailed { .. })),
        0
    );
    let seen = seen.borrow().clone();
    assert_eq!(seen.len(), 2, "one token per attempt: {seen:?}");
    assert_ne!(seen[0], seen[1]);
    echoed(&mut ws, "with the second token").await;
}

#[wasm_bindgen_test]
async fn a_fixed_url_with_a_retired_token_fails_to_reconnect() {
    // What the provider is for: without it the old URL is tried again.
    let token = admin("/admin/token").await;
    let mut ws = open(
        &format!("/token?t={token}"),
        quick(50).max_attempts(Some(1)),
    );
    let events = events_until(&mut ws, 5000, is_open).await;
    assert_eq!(events, [Event::Open]);
    let _rotated = admin("/admin/token").await;
    ws.reconnect().expect("reconnect");
    let events = all_events(&mut ws, 15000).await;
    assert!(
        matches!(
            events
                .iter()
                .find(|e| matches!(e, Event::AttemptFailed { .. })),
            Some(Event::AttemptFailed {
                error: Error::ConnectionFailed { .. },
                ..
            })
        ),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 1 }));
}

#[wasm_bindgen_test]
async fn an_invalid_url_from_a_provider_is_a_failed_attempt_not_the_end() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider = Provider::from_fn(move || {
        counter.set(counter.get() + 1);
        let endpoint = if counter.get() == 1 {
            Endpoint::new("ftp://example.com/")
        } else {
            Endpoint::new(url("/echo")).protocols(["chat"])
        };
        Ok::<_, String>(endpoint)
    });
    let mut ws = open("/nowhere", quick(20).provider(Some(provider)));
    let events = events_until(&mut ws, 5000, is_open).await;
    assert!(
        matches!(
            &events[0],
            Event::AttemptFailed {
                attempt: 0,
                error: Error::InvalidUrl { .. }
            }
        ),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&Event::Open));
    assert_eq!(calls.get(), 2);
}

// ---------------------------------------------------------------- retry policies

#[wasm_bindgen_test]
async fn a_retry_policy_gets_the_attempt_the_time_since_the_loss_and_the_cause() {
    let infos = Rc::new(RefCell::new(Vec::<RetryInfo>::new()));
    let seen = Rc::clone(&infos);
    let policy = RetryPolicy::new(move |info: &RetryInfo| {
        seen.borrow_mut().push(info.clone());
        if info.attempt < 3 {
            Retry::After(Duration::from_millis(100 * u64::from(info.attempt)))
        } else {
            Retry::GiveUp
        }
    });
    let started = now();
    let mut ws = open("/reject", ReconnectConfig::default().retry_policy(policy));
    let events = all_events(&mut ws, 15000).await;
    let elapsed = now() - started;
    let delays: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Reconnecting { attempt, delay } => Some((*attempt, delay.as_millis())),
            _ => None,
        })
        .collect();
    assert_eq!(delays, [(1, 100), (2, 200)], "{events:?}");
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 2 }));
    assert!(elapsed >= 300.0, "the delays were waited: {elapsed} ms");
    let infos = infos.borrow();
    assert_eq!(
        infos.iter().map(|i| i.attempt).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    for info in infos.iter() {
        // Firefox delays reconnects to a host that failed, which may outlast the
        // connect timeout.
        assert!(
            matches!(
                info.cause,
                RetryCause::AttemptFailed(Error::ConnectionFailed { .. } | Error::Timeout { .. })
            ),
            "{info:?}"
        );
    }
    // Never connected: the time counts from the start, and grows by the delays.
    assert!(infos[1].since_lost >= infos[0].since_lost + Duration::from_millis(100));
    assert!(infos[2].since_lost >= infos[1].since_lost + Duration::from_millis(200));
    assert!(infos[2].since_lost.as_secs_f64() * 1000.0 <= elapsed + 5.0);
}

#[wasm_bindgen_test]
async fn a_retry_policy_sees_the_close_event_and_can_give_up_at_once() {
    let causes = Rc::new(RefCell::new(Vec::<RetryCause>::new()));
    let seen = Rc::clone(&causes);
    let policy = RetryPolicy::new(move |info: &RetryInfo| {
        seen.borrow_mut().push(info.cause.clone());
        Retry::GiveUp
    });
    let mut ws = open(
        "/close?code=4002&reason=unauthorized",
        ReconnectConfig::default().retry_policy(policy),
    );
    let events = all_events(&mut ws, 5000).await;
    assert_eq!(events.first(), Some(&Event::Open));
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 0 }));
    assert_eq!(
        count(&events, |e| matches!(e, Event::Reconnecting { .. })),
        0
    );
    let causes = causes.borrow();
    assert_eq!(causes.len(), 1);
    match &causes[0] {
        RetryCause::Disconnected(DisconnectReason::Closed(event)) => {
            assert_eq!((event.code, event.reason.as_str()), (4002, "unauthorized"));
        }
        other => panic!("cause {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn max_attempts_still_bounds_a_policy_and_backoff_is_the_default_policy() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let policy = RetryPolicy::new(move |_: &RetryInfo| {
        counter.set(counter.get() + 1);
        Retry::After(Duration::from_millis(10))
    });
    let mut ws = open(
        "/reject",
        ReconnectConfig::default()
            .retry_policy(policy)
            .max_attempts(Some(2)),
    );
    let events = all_events(&mut ws, 15000).await;
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 2 }));
    assert_eq!(calls.get(), 2, "asked only while under the limit");

    let backoff = Backoff::default().initial(Duration::from_millis(70));
    assert_eq!(
        ReconnectConfig::default(),
        ReconnectConfig::new().backoff(Backoff::default())
    );
    assert_eq!(
        ReconnectConfig::default().backoff(backoff),
        ReconnectConfig::default().retry_policy(backoff)
    );
    assert_eq!(RetryPolicy::from(backoff).as_backoff(), Some(&backoff));
    let info = RetryInfo::new(
        3,
        Duration::ZERO,
        RetryCause::AttemptFailed(Error::Timeout {
            after: Duration::ZERO,
        }),
    );
    assert_eq!(
        RetryPolicy::from(backoff.jitter(0.0)).decide(&info, 0.9),
        Retry::After(Duration::from_millis(280))
    );
}

// ---------------------------------------------------------------- starting over

#[wasm_bindgen_test]
async fn reconnect_after_giving_up_starts_over() {
    let good = Rc::new(Cell::new(false));
    let switch = Rc::clone(&good);
    let provider = Provider::from_fn(move || {
        Ok::<_, String>(url(if switch.get() { "/echo" } else { "/reject" }))
    });
    let drivers = live_drivers();
    let mut ws = open(
        "/nowhere",
        quick(20).max_attempts(Some(1)).provider(Some(provider)),
    );
    let events = all_events(&mut ws, 15000).await;
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 1 }));
    settle(20).await;
    assert_eq!(live_drivers(), drivers, "the driver stopped");
    assert!(matches!(
        ws.send_text("refused").map_err(|e| e.error().clone()),
        Err(wasm_websocket::reconnect::ReconnectError::Socket(
            Error::NotOpen { .. }
        ))
    ));

    // The server (here, the provider) is back; the user says "retry".
    good.set(true);
    ws.reconnect().expect("starts over");
    assert_eq!(live_drivers(), drivers + 1);
    ws.send_text("queued while starting over").expect("queued");
    let events = events_until(&mut ws, 15000, is_open).await;
    assert_eq!(events, [Event::Open], "a new first attempt");
    let events = events_until(&mut ws, 5000, |e| matches!(e, Event::Message(_))).await;
    assert_eq!(
        events.last(),
        Some(&Event::Message(Message::text("queued while starting over")))
    );

    // Closed for good: no start over.
    ws.close().expect("close");
    let events = all_events(&mut ws, 5000).await;
    assert!(
        matches!(events.last(), Some(Event::Closed(_))),
        "{events:?}"
    );
    assert!(matches!(
        ws.reconnect(),
        Err(Error::NotOpen {
            state: ReadyState::Closed
        })
    ));

    // Gave up, then closed: `close` wins over a later `reconnect`.
    good.set(false);
    let mut ws = open("/reject", quick(20).max_attempts(Some(0)));
    let events = all_events(&mut ws, 15000).await;
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 0 }));
    ws.close().expect("close after giving up does nothing");
    assert!(ws.reconnect().is_err());
    drop(ws);
    settle(50).await;
    assert_eq!(live_drivers(), drivers);
}

// ---------------------------------------------------------------- backpressure

#[wasm_bindgen_test]
async fn ready_waits_for_the_open_connections_buffer_to_drain() {
    // While disconnected: at once.
    let builder = WebSocket::builder(url("/echo")).backpressure(1024, 0);
    let mut ws = ReconnectingWebSocket::new(builder, quick(20));
    within(100, "ready while connecting", ws.ready())
        .await
        .expect("ready");
    let events = events_until(&mut ws, 5000, is_open).await;
    assert_eq!(events, [Event::Open]);

    let big = vec![7u8; 2 << 20];
    ws.send_bytes(&big).expect("sent");
    assert!(ws.buffered_amount() > 1024, "{}", ws.buffered_amount());
    wait("ready after a large send", ws.ready())
        .await
        .expect("ready");
    assert_eq!(ws.buffered_amount(), 0, "drained to the low-water mark");

    ws.send_bytes(&big).expect("sent");
    wait(
        "send when ready",
        ws.send_text_when_ready("after the big one"),
    )
    .await
    .expect("sent when ready");
    assert_eq!(ws.buffered_amount(), "after the big one".len() as u32);

    ws.close().expect("close");
    let refused = wait("ready after close", ws.ready()).await;
    assert!(matches!(refused, Err(Error::NotOpen { .. })), "{refused:?}");
    let refused = wait(
        "send when ready after close",
        ws.send_text_when_ready("late"),
    )
    .await;
    assert_eq!(
        refused.map_err(wasm_websocket::reconnect::SendError::into_message),
        Err(Message::text("late"))
    );
}
