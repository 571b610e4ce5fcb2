//! Reconnecting: backoff, attempts, the outbox, and what ends a socket, against the
//! echo server's fault paths and its `/admin/outage` restart (the listening socket
//! closed, every connection dropped, the same port bound again).
//!
//! - backoff delays: exponential, capped, jitter within its bounds
//! - the server restarted mid-stream: one loss, attempts with growing delays, one new
//!   connection; every message that waited in the outbox arrives once and in order,
//!   and nothing arrives twice or out of order (checked up to a sentinel sent after
//!   the last one, so a late repeat cannot slip past a fixed sleep)
//! - `/abrupt` drops: exactly one attempt per loss (counted by the server), delays grow
//!   while connections do not stay up
//! - `/reject` (the browser fires `error` then `close`): one attempt per failure,
//!   counted by the server; `GaveUp` after the limit; the stream ends
//! - slow handshakes past the connect timeout: `Timeout` per attempt, then `GaveUp`
//! - a user close never reconnects (open, or while waiting for an attempt)
//! - final close codes end the socket; other codes reconnect
//! - `reconnect()` forces an attempt now
//! - outbox full: `Reject` refuses with `OutboxFull`; `DropOldest` hands the dropped
//!   messages back; what waits at close is handed back; replay off hands it back on open
//! - the Sink, and a split-off sender
//! - dropping the socket, in every phase, leaves no listener and no task

mod common;

use core::time::Duration;

use common::{admin, now, requests, settle, url, wait, within};
use futures::{SinkExt, StreamExt};
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{
    live_drivers, Backoff, DisconnectReason, Event, ReconnectConfig, ReconnectError, SendError,
    UnsentReason, WhenFull,
};
use wasm_websocket::{
    live_listeners, CloseEvent, Error, Message, ReadyState, ReconnectingWebSocket, WebSocket,
};

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

/// A reconnecting socket to `path` with a 2 s connect timeout.
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

/// Every event until the stream ends.
async fn all_events(ws: &mut ReconnectingWebSocket, ms: u32) -> Vec<Event> {
    within(ms, "events until the end", ws.by_ref().collect::<Vec<_>>()).await
}

fn text(event: &Event) -> Option<&str> {
    match event {
        Event::Message(message) => message.as_text(),
        _ => None,
    }
}

fn delays(events: &[Event]) -> Vec<(u32, Duration)> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Reconnecting { attempt, delay } => Some((*attempt, *delay)),
            _ => None,
        })
        .collect()
}

fn count(events: &[Event], what: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|event| what(event)).count()
}

#[wasm_bindgen_test]
fn backoff_grows_exponentially_is_capped_and_jitter_stays_in_bounds() {
    let ms = Duration::from_millis;
    let backoff = Backoff::default()
        .initial(ms(100))
        .factor(2.0)
        .max(ms(1000))
        .jitter(0.0);
    let exact: Vec<_> = (1..=6).map(|n| backoff.delay(n, 0.5)).collect();
    assert_eq!(
        exact,
        [ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)]
    );
    assert_eq!(backoff.delay(0, 0.0), ms(100));
    assert_eq!(backoff.delay(u32::MAX, 0.0), ms(1000));

    let jittered = backoff.jitter(0.5);
    for n in 1..=6 {
        let base = exact[n as usize - 1];
        assert_eq!(jittered.delay(n, 0.0), base);
        assert_eq!(jittered.delay(n, 1.0), base / 2);
        let d = jittered.delay(n, js_sys::Math::random());
        assert!(d >= base / 2 && d <= base, "{d:?} for {base:?}");
    }
    // Out-of-range settings are brought into range.
    let flat = Backoff::default().initial(ms(50)).factor(0.5).jitter(7.0);
    assert_eq!(flat.delay(5, 0.0), ms(50));
    assert_eq!(flat.delay(5, 1.0), Duration::ZERO);
    assert_eq!(flat.jitter(f64::NAN).delay(3, 1.0), ms(50));
    assert_eq!(Backoff::default().delay(1, 0.0), ms(500));
}

#[wasm_bindgen_test]
async fn a_server_restart_mid_stream_loses_nothing_that_waited_and_repeats_nothing() {
    const COUNT: usize = 300;
    let before = requests("/echo").await;
    let config = ReconnectConfig::default().backoff(
        Backoff::default()
            .initial(Duration::from_millis(100))
            .jitter(0.2),
    );
    let mut ws = open("/echo", config);
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);

    // A second task sends numbered messages every few ms, noting for each whether it
    // went to the open connection or waited in the outbox.
    let sender = ws.sender();
    let waited = std::rc::Rc::new(std::cell::RefCell::new(vec![false; COUNT]));
    let noted = std::rc::Rc::clone(&waited);
    wasm_bindgen_futures::spawn_local(async move {
        for i in 0..COUNT {
            let queued = sender.queued_messages();
            sender.send_text(&i.to_string()).expect("send or queue");
            noted.borrow_mut()[i] = sender.queued_messages() > queued;
            settle(5).await;
        }
    });

    let mut received: Vec<usize> = Vec::new();
    let mut events = Vec::new();
    let mut outage_at = None;
    within(20_000, "every message after the restart", async {
        while received.last() != Some(&(COUNT - 1)) {
            let event = ws.next().await.expect("the stream goes on");
            if let Some(text) = text(&event) {
                received.push(text.parse().expect("a number"));
                if received.len() == 50 && outage_at.is_none() {
                    outage_at = Some(now());
                    assert_eq!(admin("/admin/outage?ms=800").await, "outage of 800 ms");
                }
            } else {
                events.push(event);
            }
        }
    })
    .await;
    // Nothing more comes: no message twice. Every number has been sent (the last
    // one came back), so a sentinel sent now is echoed after anything the socket
    // still has to deliver: a repeat (from the outbox sent twice, or a message
    // replayed after it went out) would arrive before it. Everything up to the
    // sentinel is checked, not just what comes within a fixed sleep.
    ws.send_text("sentinel").expect("send the sentinel");
    within(10_000, "the sentinel", async {
        loop {
            let event = ws.next().await.expect("the stream goes on");
            match text(&event) {
                Some("sentinel") => break,
                Some(late) => panic!("a late message {late:?} after {}", COUNT - 1),
                None => events.push(event),
            }
        }
    })
    .await;
    while let Some(Some(event)) = futures::FutureExt::now_or_never(ws.next()) {
        assert!(text(&event).is_none(), "a late message {event:?}");
        events.push(event);
    }

    // In order, none twice.
    assert!(
        received.windows(2).all(|w| w[0] < w[1]),
        "out of order or repeated: {received:?}"
    );
    // Everything that waited arrived; only messages handed to the dying connection
    // before the loss was seen may be missing.
    let waited = waited.borrow().clone();
    let missing: Vec<usize> = (0..COUNT).filter(|i| !received.contains(i)).collect();
    for i in &missing {
        assert!(!waited[*i], "message {i} waited in the outbox and was lost");
    }
    let queued = waited.iter().filter(|w| **w).count();
    assert!(
        queued >= 50,
        "only {queued} messages waited during the outage"
    );
    wasm_bindgen_test::console_log!(
        "outage: {queued} messages waited and all arrived; {} handed to the dying connection were lost: {missing:?}",
        missing.len()
    );

    // One loss, growing delays, one reconnect.
    assert_eq!(
        count(&events, |e| matches!(e, Event::Disconnected { .. })),
        1,
        "{events:?}"
    );
    assert_eq!(
        count(&events, |e| matches!(e, Event::Reconnected { .. })),
        1
    );
    let delays = delays(&events);
    assert!(delays.len() >= 2, "{events:?}");
    assert!(
        delays.windows(2).all(|w| w[1].1 > w[0].1),
        "delays do not grow: {delays:?}"
    );
    assert_eq!(
        delays.iter().map(|d| d.0).collect::<Vec<_>>(),
        (1..=delays.len() as u32).collect::<Vec<_>>()
    );
    // While the port was closed the attempts never reached the server: it saw the
    // first connection and the one that succeeded, no more.
    assert_eq!(requests("/echo").await - before, 2);
    drop(ws);
}

#[wasm_bindgen_test]
async fn abrupt_drops_make_one_attempt_each_with_growing_delays() {
    let before = requests("/abrupt").await;
    let mut ws = open("/abrupt?after=1", quick(50));
    let mut events = vec![event(&mut ws, 5_000).await];
    for round in 1..=3 {
        ws.send_text(&format!("round {round}")).expect("send");
        events.extend(
            events_until(&mut ws, 10_000, |e| matches!(e, Event::Reconnected { .. })).await,
        );
    }
    ws.close().expect("close");
    events.extend(all_events(&mut ws, 5_000).await);

    let echoes: Vec<_> = events.iter().filter_map(text).collect();
    assert_eq!(echoes, ["round 1", "round 2", "round 3"]);
    for event in &events {
        if let Event::Disconnected { reason, .. } = event {
            match reason {
                DisconnectReason::Closed(CloseEvent {
                    code: 1006,
                    was_clean: false,
                    ..
                }) => {}
                other => panic!("expected an abnormal close, got {other:?}"),
            }
        }
    }
    // The connections never stayed up for `stable_after`: the count goes on.
    assert_eq!(
        delays(&events),
        [
            (1, Duration::from_millis(50)),
            (2, Duration::from_millis(100)),
            (3, Duration::from_millis(200))
        ]
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::Reconnected { .. }))
            .count(),
        3
    );
    assert!(matches!(events.last(), Some(Event::Closed(_))));
    // One connection, then exactly one attempt per loss.
    assert_eq!(requests("/abrupt").await - before, 4);
}

#[wasm_bindgen_test]
async fn rejected_attempts_back_off_and_give_up_after_the_limit() {
    let before = requests("/reject").await;
    let started = now();
    let mut ws = open("/reject", quick(50).max_attempts(Some(3)));
    ws.send_text("waits, then is handed back").expect("queued");
    let events = all_events(&mut ws, 15_000).await;
    let elapsed = now() - started;

    let failed: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            Event::AttemptFailed {
                attempt,
                error: Error::ConnectionFailed { event },
            } => {
                assert_eq!((event.code, event.was_clean), (1006, false));
                Some(*attempt)
            }
            Event::AttemptFailed { error, .. } => panic!("unexpected {error:?}"),
            _ => None,
        })
        .collect();
    assert_eq!(failed, [0, 1, 2, 3]);
    let ms = Duration::from_millis;
    assert_eq!(delays(&events), [(1, ms(50)), (2, ms(100)), (3, ms(200))]);
    assert_eq!(
        &events[events.len() - 2..],
        [
            Event::Unsent {
                messages: vec![Message::text("waits, then is handed back")],
                reason: UnsentReason::GaveUp
            },
            Event::GaveUp { attempts: 3 }
        ]
    );
    assert!(elapsed >= 350.0, "{elapsed} ms");
    // The browser fires `error` then `close` for each refusal: still one attempt each.
    assert_eq!(requests("/reject").await - before, 4);
    // A send that cannot be taken hands the message back.
    assert_eq!(
        ws.send_text("after").map_err(SendError::into_parts),
        Err((
            ReconnectError::Socket(Error::NotOpen {
                state: ReadyState::Closed
            }),
            Message::text("after")
        ))
    );
    assert_eq!(
        ws.reconnect().map_err(ReconnectError::from),
        ws.send_text("after").map_err(ReconnectError::from)
    );
}

#[wasm_bindgen_test]
async fn slow_handshakes_time_out_each_attempt_then_give_up() {
    let before = requests("/slow").await;
    // Each attempt gets 1 s: Firefox holds a connection to a host whose last one
    // failed back for 200-600 ms (RFC 6455 §7.2.3), and with a shorter timeout an
    // attempt could be given up before Firefox ever sent it, so the server would not
    // count it. The handshake takes 3 s, so each attempt still times out.
    let builder =
        WebSocket::builder(url("/slow?ms=3000")).connect_timeout(Some(Duration::from_millis(1000)));
    let mut ws = ReconnectingWebSocket::new(builder, quick(50).max_attempts(Some(2)));
    let events = all_events(&mut ws, 10_000).await;
    let timeouts = count(&events, |e| {
        matches!(
            e,
            Event::AttemptFailed {
                error: Error::Timeout { after },
                ..
            } if *after == Duration::from_millis(1000)
        )
    });
    assert_eq!(timeouts, 3, "{events:?}");
    let ms = Duration::from_millis;
    assert_eq!(delays(&events), [(1, ms(50)), (2, ms(100))]);
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 2 }));
    assert_eq!(requests("/slow").await - before, 3);
}

#[wasm_bindgen_test]
async fn a_user_close_never_reconnects() {
    let before = requests("/echo").await;
    let mut ws = open("/echo", quick(50));
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);
    ws.send_text("hello").expect("send");
    assert_eq!(text(&event(&mut ws, 5_000).await), Some("hello"));
    assert_eq!(
        ws.close_with(1001, ""),
        Err(Error::InvalidCloseCode { code: 1001 })
    );
    ws.close_with(4000, "bye").expect("close");
    assert_eq!(
        ws.send_text("too late").map_err(SendError::into_parts),
        Err((
            ReconnectError::Socket(Error::NotOpen {
                state: ReadyState::Closing
            }),
            Message::text("too late")
        ))
    );
    let events = all_events(&mut ws, 5_000).await;
    assert_eq!(
        events,
        [Event::Closed(Some(CloseEvent {
            code: 4000,
            reason: "bye".to_owned(),
            was_clean: true
        }))]
    );
    settle(300).await;
    assert_eq!(requests("/echo").await - before, 1);

    // Closing while waiting for an attempt ends at once, with nothing open.
    let config = quick(10_000);
    let mut ws = open("/reject", config);
    let first = events_until(&mut ws, 5_000, |e| matches!(e, Event::Reconnecting { .. })).await;
    assert!(matches!(first[0], Event::AttemptFailed { attempt: 0, .. }));
    ws.send_text("never sent").expect("queued");
    ws.close().expect("close");
    assert_eq!(
        all_events(&mut ws, 1_000).await,
        [
            Event::Unsent {
                messages: vec![Message::text("never sent")],
                reason: UnsentReason::Closed
            },
            Event::Closed(None)
        ]
    );
}

#[wasm_bindgen_test]
async fn final_close_codes_end_the_socket_and_other_codes_reconnect() {
    // 1000 is final by default.
    let mut ws = open("/close", quick(50));
    let events = all_events(&mut ws, 5_000).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0], Event::Open);
    assert!(matches!(&events[1], Event::Closed(Some(e)) if e.code == 1000));

    let mut ws = open(
        "/close?code=4001&reason=banned",
        quick(50).final_close_codes([4001]),
    );
    let events = all_events(&mut ws, 5_000).await;
    assert!(
        matches!(&events[..], [Event::Open, Event::Closed(Some(e))] if e.code == 4001 && e.reason == "banned"),
        "{events:?}"
    );

    // 4002 is not final: it reconnects, and gives up after the limit because the
    // connections never stay up.
    let before = requests("/close").await;
    let mut ws = open("/close?code=4002", quick(50).max_attempts(Some(1)));
    let events = all_events(&mut ws, 5_000).await;
    let codes: Vec<u16> = events
        .iter()
        .filter_map(|e| match e {
            Event::Disconnected {
                reason: DisconnectReason::Closed(event),
                ..
            } => Some(event.code),
            _ => None,
        })
        .collect();
    assert_eq!(codes, [4002, 4002], "{events:?}");
    assert_eq!(
        count(&events, |e| *e == Event::Reconnected { attempt: 1 }),
        1
    );
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 1 }));
    assert_eq!(requests("/close").await - before, 2);
}

#[wasm_bindgen_test]
async fn reconnect_forces_an_attempt_now() {
    let before = requests("/echo").await;
    let mut ws = open("/echo", quick(5_000));
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);
    ws.reconnect().expect("reconnect");
    let events = events_until(&mut ws, 5_000, |e| matches!(e, Event::Reconnected { .. })).await;
    assert!(
        matches!(
            &events[..],
            [
                Event::Disconnected {
                    reason: DisconnectReason::Requested,
                    ..
                },
                Event::Reconnecting {
                    attempt: 1,
                    delay: Duration::ZERO
                },
                Event::Reconnected { attempt: 1 }
            ]
        ),
        "{events:?}"
    );
    ws.send_text("still works").expect("send");
    assert_eq!(text(&event(&mut ws, 5_000).await), Some("still works"));
    assert_eq!(requests("/echo").await - before, 2);

    // While waiting out a long delay, reconnect() cuts it short.
    let mut ws = open("/reject", quick(10_000));
    events_until(&mut ws, 5_000, |e| matches!(e, Event::Reconnecting { .. })).await;
    let started = now();
    ws.reconnect().expect("reconnect");
    let events = events_until(&mut ws, 5_000, |e| matches!(e, Event::AttemptFailed { .. })).await;
    assert!(matches!(
        events[..],
        [Event::AttemptFailed { attempt: 1, .. }]
    ));
    assert!(now() - started < 3_000.0);
}

#[wasm_bindgen_test]
async fn a_full_outbox_rejects_or_drops_the_oldest_and_says_so() {
    // Rejecting: four messages of at most 10 bytes, 30 bytes in all.
    let mut ws = open("/reject", quick(10_000).outbox(4, 30, WhenFull::Reject));
    for text in ["one", "two", "three", "four"] {
        ws.send_text(text).expect("queued");
    }
    assert_eq!(
        ws.send_text("five").map_err(SendError::into_parts),
        Err((
            ReconnectError::OutboxFull {
                messages: 4,
                bytes: 15,
                message_bytes: 4
            },
            Message::text("five")
        ))
    );
    assert_eq!((ws.queued_messages(), ws.queued_bytes()), (4, 15));
    ws.close().expect("close");
    let events = all_events(&mut ws, 5_000).await;
    let unsent: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::Unsent { .. }))
        .collect();
    assert_eq!(
        unsent,
        [&Event::Unsent {
            messages: ["one", "two", "three", "four"].map(Message::text).to_vec(),
            reason: UnsentReason::Closed
        }]
    );

    // Dropping the oldest: by count, then by bytes; each dropped message reported.
    let mut ws = open("/reject", quick(10_000).outbox(3, 12, WhenFull::DropOldest));
    for text in ["a", "b", "c", "d"] {
        ws.send_text(text).expect("queued");
    }
    // 11 bytes: "b" goes for the count, then "c" for the bytes.
    ws.send_bytes(&[0; 11]).expect("queued");
    assert_eq!((ws.queued_messages(), ws.queued_bytes()), (2, 12));
    let refused = ws.send_bytes(&[0; 13]).expect_err("too large");
    assert_eq!(
        refused.error(),
        &ReconnectError::OutboxFull {
            messages: 2,
            bytes: 12,
            message_bytes: 13
        }
    );
    assert_eq!(refused.into_message(), Message::binary([0; 13]));
    ws.close().expect("close");
    let events = all_events(&mut ws, 5_000).await;
    let unsent: Vec<_> = events
        .into_iter()
        .filter_map(|e| match e {
            Event::Unsent { messages, reason } => Some((messages, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        unsent,
        [
            (vec![Message::text("a")], UnsentReason::DroppedOldest),
            // One send that dropped two reports them together.
            (
                vec![Message::text("b"), Message::text("c")],
                UnsentReason::DroppedOldest
            ),
            (
                vec![Message::text("d"), Message::binary([0; 11])],
                UnsentReason::Closed
            ),
        ]
    );
}

#[wasm_bindgen_test]
async fn the_outbox_is_replayed_in_order_on_open_or_handed_back() {
    // Replayed: sent before the connection opens, echoed in order, before newer ones.
    let mut ws = open("/echo", quick(50));
    for i in 0..20 {
        ws.send_text(&format!("early {i}")).expect("queued");
    }
    assert_eq!(ws.queued_messages(), 20);
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);
    ws.send_text("late").expect("send");
    let mut echoes = Vec::new();
    while echoes.len() < 21 {
        let event = event(&mut ws, 5_000).await;
        echoes.push(text(&event).expect("a message").to_owned());
    }
    let mut expected: Vec<_> = (0..20).map(|i| format!("early {i}")).collect();
    expected.push("late".to_owned());
    assert_eq!(echoes, expected);

    // Not replayed: handed back when the connection opens, and never sent.
    let mut ws = open("/echo", quick(50).replay(false));
    ws.send_text("early").expect("queued");
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);
    assert_eq!(
        event(&mut ws, 5_000).await,
        Event::Unsent {
            messages: vec![Message::text("early")],
            reason: UnsentReason::NotReplayed
        }
    );
    ws.send_text("late").expect("send");
    assert_eq!(text(&event(&mut ws, 5_000).await), Some("late"));
}

#[wasm_bindgen_test]
async fn the_sink_and_a_split_off_sender_send_in_order() {
    let mut ws = open("/echo", quick(50));
    let sender = ws.sender();
    // Through the Sink before the connection opens (queued), then after.
    ws.send(Message::text("sink 1")).await.expect("sink");
    assert_eq!(event(&mut ws, 5_000).await, Event::Open);
    ws.send(Message::text("sink 2")).await.expect("sink");
    sender.send_text("sender").expect("sender");
    let mut got = Vec::new();
    while got.len() < 3 {
        got.push(text(&event(&mut ws, 5_000).await).expect("text").to_owned());
    }
    assert_eq!(got, ["sink 1", "sink 2", "sender"]);
    assert!(sender.is_open());
    drop(ws);
    assert_eq!(
        sender
            .send_text("after drop")
            .map_err(|refused| refused.error().clone()),
        Err(ReconnectError::Socket(Error::NotOpen {
            state: ReadyState::Closed
        }))
    );
}

#[wasm_bindgen_test]
async fn dropping_the_socket_in_any_phase_leaves_no_listener_and_no_task() {
    let listeners = live_listeners();
    let drivers = live_drivers();
    // Open.
    let mut open_ws = open("/echo", quick(50));
    assert_eq!(event(&mut open_ws, 5_000).await, Event::Open);
    // Waiting out a long delay.
    let mut waiting = open("/reject", quick(10_000));
    events_until(&mut waiting, 5_000, |e| {
        matches!(e, Event::Reconnecting { .. })
    })
    .await;
    // Connecting (a slow handshake), with a heartbeat socket for good measure.
    let connecting = open("/slow?ms=3000", quick(50));
    let silent = open(
        "/silent",
        quick(50).heartbeat(Some(wasm_websocket::reconnect::Heartbeat::new(
            Duration::from_millis(100),
            Duration::from_secs(10),
        ))),
    );
    settle(300).await;
    assert_eq!(live_drivers(), drivers + 4);
    assert!(live_listeners() > listeners);

    drop((open_ws, waiting, connecting, silent));
    settle(50).await;
    assert_eq!(live_drivers(), drivers);
    assert_eq!(live_listeners(), listeners);

    // A socket that gave up stops its task by itself.
    let mut ws = open("/reject", quick(10).max_attempts(Some(0)));
    let events = all_events(&mut ws, 5_000).await;
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 0 }));
    settle(10).await;
    assert_eq!(live_drivers(), drivers);
    assert_eq!(live_listeners(), listeners);
    drop(ws);
    // The server is fine for the next test.
    let _ = wait("connect", WebSocket::connect(&url("/echo"))).await;
}
