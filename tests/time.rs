//! Time: delays the browser's timers can take, and a clock that does not jump.
//!
//! - a connect timeout of `Duration::MAX` is clamped to what `setTimeout` accepts
//!   (2^31 - 1 ms), so it does not fire at once against a slow handshake
//! - `WebSocket::connect` (no builder) gives up after the default 10 s connect
//!   timeout, not before
//! - a backoff delay above 24.8 days is clamped the same way: no attempt follows at once
//! - the heartbeat runs on the monotonic clock: moving `Date.now()` a day forward fakes
//!   no timeout, a day back does not silence it
//! - a heartbeat interval of zero is raised to the documented floor: no ping flood
//! - outbox limits of `usize::MAX` are lowered to the documented ceilings

mod common;

use core::time::Duration;

use common::{url, wait, within, CLOSED_URL};
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{
    Backoff, DisconnectReason, Event, Heartbeat, ReconnectConfig, ReconnectError, WhenFull,
    MAX_OUTBOX_BYTES, MAX_OUTBOX_MESSAGES, MIN_HEARTBEAT_INTERVAL,
};
use wasm_websocket::{
    live_listeners, Error, Message, ReconnectingWebSocket, WebSocket, DEFAULT_CONNECT_TIMEOUT,
    MAX_TIMER_DELAY,
};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const realNow = Date.now;
export function shift_date_now(ms) { Date.now = () => realNow.call(Date) + ms; }
export function restore_date_now() { Date.now = realNow; }
"#)]
extern "C" {
    fn shift_date_now(ms: f64);
    fn restore_date_now();
}

/// Puts `Date.now` back when the test ends, even by a panic.
struct DateShift;

impl DateShift {
    fn by(ms: f64) -> Self {
        shift_date_now(ms);
        Self
    }
}

impl Drop for DateShift {
    fn drop(&mut self) {
        restore_date_now();
    }
}

const DAY_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// The next event, within 5 s.
async fn next_event(ws: &mut ReconnectingWebSocket) -> Event {
    within(5_000, "next event", ws.next())
        .await
        .expect("the stream ended early")
}

/// `Some(event)` if one comes within `ms`, else `None`.
async fn event_within(ws: &mut ReconnectingWebSocket, ms: u32) -> Option<Event> {
    match select(ws.next(), TimeoutFuture::new(ms)).await {
        Either::Left((event, _)) => Some(event.expect("the stream ended early")),
        Either::Right(_) => None,
    }
}

#[wasm_bindgen_test]
async fn a_connect_timeout_of_duration_max_does_not_fire_at_once() {
    let connect = WebSocket::builder(url("/slow?ms=3000"))
        .connect_timeout(Some(Duration::MAX))
        .connect();
    match select(Box::pin(connect), TimeoutFuture::new(1_000)).await {
        Either::Left((result, _)) => panic!("connect ended within 1 s: {result:?}"),
        Either::Right((_, connect)) => {
            let ws = wait("the slow handshake", connect)
                .await
                .expect("open after 3 s");
            ws.close().expect("close");
        }
    }
}

#[wasm_bindgen_test]
async fn the_plain_connect_gives_up_after_the_default_timeout() {
    let before = live_listeners();
    let started = js_sys::Date::now();
    let result = within(
        14_000,
        "a connect past the default timeout",
        WebSocket::connect(&url("/slow?ms=20000")),
    )
    .await;
    assert_eq!(
        result.err(),
        Some(Error::Timeout {
            after: DEFAULT_CONNECT_TIMEOUT
        })
    );
    assert!(js_sys::Date::now() - started >= 9_900.0, "not before 10 s");
    assert_eq!(live_listeners(), before);
}

#[wasm_bindgen_test]
async fn a_backoff_delay_above_24_8_days_does_not_fire_at_once() {
    let month = Duration::from_secs(30 * 24 * 3600);
    let mut ws = ReconnectingWebSocket::new(
        WebSocket::builder(CLOSED_URL),
        ReconnectConfig::default()
            .backoff(Backoff::default().initial(month).max(month).jitter(0.0)),
    );
    assert!(matches!(
        next_event(&mut ws).await,
        Event::AttemptFailed { attempt: 0, .. }
    ));
    // Reported as it is waited: lowered to the timers' ceiling.
    assert_eq!(
        next_event(&mut ws).await,
        Event::Reconnecting {
            attempt: 1,
            delay: MAX_TIMER_DELAY
        }
    );
    assert_eq!(
        event_within(&mut ws, 1_000).await,
        None,
        "no attempt within 1 s"
    );
}

#[wasm_bindgen_test]
async fn a_wall_clock_jump_neither_fakes_a_heartbeat_timeout_nor_silences_it() {
    // `/silent` never answers: the connection is dead 2 s after the first ping.
    let interval = Duration::from_millis(100);
    let mut ws = ReconnectingWebSocket::new(
        WebSocket::builder(url("/silent")),
        ReconnectConfig::default()
            .max_attempts(Some(0))
            .heartbeat(Some(Heartbeat::new(interval, Duration::from_secs(2)))),
    );
    assert_eq!(next_event(&mut ws).await, Event::Open);
    wait("the first ping", TimeoutFuture::new(150)).await;
    {
        let _forward = DateShift::by(DAY_MS);
        assert_eq!(
            event_within(&mut ws, 1_000).await,
            None,
            "a day forward is no timeout"
        );
    }
    let _back = DateShift::by(-DAY_MS);
    let event = within(3_000, "the heartbeat timeout", ws.next())
        .await
        .expect("an event");
    assert!(
        matches!(
            event,
            Event::Disconnected {
                reason: DisconnectReason::HeartbeatTimeout { .. },
                ..
            }
        ),
        "a day back does not silence the heartbeat: {event:?}"
    );
}

#[wasm_bindgen_test]
async fn a_heartbeat_interval_of_zero_is_raised_to_the_floor() {
    assert_eq!(MIN_HEARTBEAT_INTERVAL, Duration::from_millis(50));
    // Without a reply set, the echoed pings come back as messages: count them.
    let mut ws = ReconnectingWebSocket::new(
        WebSocket::builder(url("/echo")),
        ReconnectConfig::default()
            .heartbeat(Some(Heartbeat::new(Duration::ZERO, Duration::from_secs(5)))),
    );
    assert_eq!(next_event(&mut ws).await, Event::Open);
    let mut pings = 0;
    {
        let counting = Box::pin(async {
            while let Some(event) = ws.next().await {
                assert_eq!(event, Event::Message(Message::text("ping")));
                pings += 1;
            }
        });
        select(counting, TimeoutFuture::new(600)).await;
    }
    // About 13 in 600 ms at the 50 ms floor (the first at once); a flood without it.
    assert!((1..=16).contains(&pings), "{pings} pings in about 600 ms");
    ws.close().expect("close");
}

#[wasm_bindgen_test]
async fn outbox_limits_of_usize_max_are_lowered_to_the_ceilings() {
    assert_eq!((MAX_OUTBOX_MESSAGES, MAX_OUTBOX_BYTES), (1 << 16, 64 << 20));
    // Never connects (the first delay is an hour): every send waits in the outbox.
    let ws = ReconnectingWebSocket::new(
        WebSocket::builder(CLOSED_URL),
        ReconnectConfig::default()
            .backoff(Backoff::default().initial(Duration::from_secs(3600)))
            .outbox(usize::MAX, usize::MAX, WhenFull::Reject),
    );
    for _ in 0..MAX_OUTBOX_MESSAGES {
        ws.send_text("").expect("room in the outbox");
    }
    let refused = ws.send_text("").expect_err("the outbox is full");
    assert_eq!(
        *refused.error(),
        ReconnectError::OutboxFull {
            messages: MAX_OUTBOX_MESSAGES,
            bytes: 0,
            message_bytes: 0
        }
    );
    ws.close().expect("close");

    let ws = ReconnectingWebSocket::new(
        WebSocket::builder(CLOSED_URL),
        ReconnectConfig::default()
            .backoff(Backoff::default().initial(Duration::from_secs(3600)))
            .outbox(usize::MAX, usize::MAX, WhenFull::Reject),
    );
    // A Blob counts its size, and lives in the JS heap: no wasm memory is used.
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::new_with_length(
        u32::try_from(MAX_OUTBOX_BYTES + 1).expect("fits"),
    ));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).expect("a Blob");
    let refused = ws
        .send_message(Message::Blob(blob))
        .expect_err("larger than the byte ceiling");
    assert!(matches!(
        refused.error(),
        ReconnectError::OutboxFull { message_bytes, .. } if *message_bytes == MAX_OUTBOX_BYTES + 1
    ));
    ws.close().expect("close");
}
