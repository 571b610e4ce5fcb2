//! Heartbeat: application pings, and a dead connection detected by their silence.
//!
//! - `/silent` (accepts, never answers): the connection is given up within the
//!   interval plus the timeout, reported as `HeartbeatTimeout`; without reconnecting
//!   the socket then gives up
//! - with reconnecting, each silent connection is detected and replaced, until the
//!   attempt limit
//! - `/echo` answers the pings: the connection stays up; answers equal to the
//!   configured reply are kept from the stream, other messages pass
//! - without a reply configured, the echoed pings are handed to the stream
//! - dropping a socket with a heartbeat leaves no timer task or listener behind

mod common;

use core::time::Duration;

use common::{now, requests, settle, url, within};
use futures::StreamExt;
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{
    live_drivers, Backoff, DisconnectReason, Event, Heartbeat, ReconnectConfig,
};
use wasm_websocket::{live_listeners, Message, ReconnectingWebSocket, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

const INTERVAL: Duration = Duration::from_millis(150);
const TIMEOUT: Duration = Duration::from_millis(300);

fn config(max_attempts: u32) -> ReconnectConfig {
    ReconnectConfig::default()
        .backoff(
            Backoff::default()
                .initial(Duration::from_millis(50))
                .jitter(0.0),
        )
        .max_attempts(Some(max_attempts))
        .heartbeat(Some(Heartbeat::new(INTERVAL, TIMEOUT)))
}

fn open(path: &str, config: ReconnectConfig) -> ReconnectingWebSocket {
    ReconnectingWebSocket::new(WebSocket::builder(url(path)), config)
}

/// The next event with its time (ms since the epoch).
async fn timed(ws: &mut ReconnectingWebSocket) -> (Event, f64) {
    let event = within(5_000, "next event", ws.next())
        .await
        .expect("the stream ended early");
    (event, now())
}

#[wasm_bindgen_test]
async fn a_silent_server_is_given_up_within_interval_plus_timeout() {
    let before = requests("/silent").await;
    let mut ws = open("/silent", config(0));
    let (event, opened) = timed(&mut ws).await;
    assert_eq!(event, Event::Open);
    let (event, lost) = timed(&mut ws).await;
    let Event::Disconnected {
        reason: DisconnectReason::HeartbeatTimeout { silent_for },
        ..
    } = event
    else {
        panic!("expected a heartbeat timeout, got {event:?}");
    };
    let after = lost - opened;
    let expected = (INTERVAL + TIMEOUT).as_secs_f64() * 1000.0;
    assert!(
        after >= expected - 20.0 && after < expected + 1_000.0,
        "detected after {after} ms, expected about {expected} ms"
    );
    assert!(silent_for >= INTERVAL + TIMEOUT - Duration::from_millis(20));
    assert_eq!(timed(&mut ws).await.0, Event::GaveUp { attempts: 0 });
    assert_eq!(within(1_000, "the end", ws.next()).await, None);
    assert_eq!(requests("/silent").await - before, 1);
}

#[wasm_bindgen_test]
async fn each_silent_connection_is_replaced_until_the_limit() {
    let before = requests("/silent").await;
    let mut ws = open("/silent", config(2));
    let events = within(10_000, "every event", ws.by_ref().collect::<Vec<_>>()).await;
    let timeouts = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Disconnected {
                    reason: DisconnectReason::HeartbeatTimeout { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(timeouts, 3, "{events:?}");
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::Reconnected { .. }))
            .count(),
        2
    );
    assert_eq!(events.last(), Some(&Event::GaveUp { attempts: 2 }));
    assert_eq!(requests("/silent").await - before, 3);
}

#[wasm_bindgen_test]
async fn an_answering_server_keeps_the_connection_and_replies_are_filtered() {
    let heartbeat = Heartbeat::new(Duration::from_millis(50), Duration::from_millis(200))
        .message(Message::text("ping?"))
        .reply(Message::text("ping?"));
    let mut ws = open("/echo", config(0).heartbeat(Some(heartbeat)));
    assert_eq!(timed(&mut ws).await.0, Event::Open);
    // Well past several timeouts, with pings answered all along.
    let mut received = Vec::new();
    let started = now();
    while now() - started < 1_000.0 {
        ws.send_text("data").expect("send");
        let (event, _) = timed(&mut ws).await;
        match event {
            Event::Message(message) => received.push(message),
            other => panic!("unexpected {other:?}"),
        }
        settle(20).await;
    }
    assert!(received.iter().all(|m| *m == Message::text("data")));
    assert!(ws.is_open());

    // Without a reply set, the answers are ordinary messages.
    let heartbeat = Heartbeat::new(Duration::from_millis(50), Duration::from_millis(500));
    let mut ws = open("/echo", config(0).heartbeat(Some(heartbeat)));
    assert_eq!(timed(&mut ws).await.0, Event::Open);
    assert_eq!(
        timed(&mut ws).await.0,
        Event::Message(Message::text("ping"))
    );
}

#[wasm_bindgen_test]
async fn dropping_a_socket_with_a_heartbeat_leaves_nothing_behind() {
    let listeners = live_listeners();
    let drivers = live_drivers();
    let mut ws = open("/echo", config(0));
    assert_eq!(timed(&mut ws).await.0, Event::Open);
    settle(200).await;
    drop(ws);
    settle(50).await;
    assert_eq!((live_listeners(), live_drivers()), (listeners, drivers));
}
