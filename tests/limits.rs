//! Receive limits: what a hostile or buggy server can make a page hold.
//!
//! - a message over `max_message_size` (binary, or a text counted in UTF-8 bytes) is
//!   refused by its size before it is copied into wasm memory (a 12 MiB echo over a
//!   1 MiB limit leaves the wasm memory within 4 MiB): the messages before it are
//!   yielded, then `MessageTooLarge { size, limit }`, and the stream ends; the socket
//!   closes with 4009; a new socket on the same page works
//! - a text between a third of the limit and the limit is measured exactly: 400
//!   two-byte characters pass a 1000-byte limit, 600 do not
//! - `on_message` callbacks (alone, the receiver dropped) never get a message over the
//!   limit, and the socket closes with 4009
//! - a reader that does not keep up: over `max_backlog` messages or bytes the socket
//!   closes with 4008, the messages kept come first in order, then `BacklogFull`
//! - one message always fits while none waits: a bound of 0 messages and 0 bytes
//!   hands every message to a reader that keeps up, and a second unread one breaks it
//! - the default bounds let a 16 MiB message through
//! - the reconnecting socket: unread messages beyond the bound are dropped and
//!   reported in one `Dropped` event where they would have been; a message over the
//!   limit ends the connection with `Disconnected(ReceiveLimit)` and a reconnect; a
//!   bound below one message still hands each message to a reader that keeps up

mod common;

use core::time::Duration;

use common::{echo, next, pattern, url, wait, wasm_memory, within};
use futures::channel::mpsc;
use futures::StreamExt;
use wasm_bindgen_test::*;
use wasm_websocket::reconnect::{Backoff, DisconnectReason, Event, ReconnectConfig};
use wasm_websocket::{
    Error, Message, ReconnectingWebSocket, WebSocket, CLOSE_BACKLOG_FULL, CLOSE_MESSAGE_TOO_LARGE,
    DEFAULT_MAX_MESSAGE_SIZE,
};

wasm_bindgen_test_configure!(run_in_browser);

async fn connect(builder: wasm_websocket::WebSocketBuilder) -> WebSocket {
    wait("connect", builder.connect()).await.expect("connect")
}

#[wasm_bindgen_test]
async fn a_message_over_the_size_limit_is_refused_before_it_reaches_wasm_memory() {
    const LIMIT: usize = 1 << 20;
    const SIZE: usize = 12 << 20;
    let mut ws = connect(WebSocket::builder(url("/echo")).max_message_size(LIMIT)).await;
    ws.send_text("before").expect("send");
    ws.send_bytes(&pattern(LIMIT, 2)).expect("send");
    // Made in JavaScript: no 12 MiB ever passes through wasm memory in this suite
    // (whose allocator would otherwise reuse it without growing).
    ws.send_array_buffer(&js_sys::ArrayBuffer::new(SIZE as u32))
        .expect("send");
    ws.send_text("after").expect("send");
    assert_eq!(next(&mut ws).await, Message::text("before"));
    assert_eq!(next(&mut ws).await.as_bytes().map(<[u8]>::len), Some(LIMIT));
    let before = wasm_memory();
    match wait("the limit error", ws.next()).await {
        Some(Err(error)) => assert_eq!(
            error,
            Error::MessageTooLarge {
                size: SIZE as u64,
                limit: LIMIT
            }
        ),
        // Not shown whole: 12 MiB of Debug output would swamp the test runner.
        Some(Ok(message)) => panic!(
            "expected MessageTooLarge, got a message of {:?} bytes",
            message.as_bytes().map(<[u8]>::len)
        ),
        None => panic!("expected MessageTooLarge, the stream ended"),
    }
    assert_eq!(
        wait("the end", ws.next()).await,
        None,
        "nothing after the error"
    );
    let grown = wasm_memory() - before;
    assert!(
        grown <= 4.0 * 1024.0 * 1024.0,
        "wasm memory grew by {grown}"
    );
    let event = wait("closed", ws.closed()).await;
    assert_eq!(event.code, CLOSE_MESSAGE_TOO_LARGE);

    // The page goes on: a new socket works.
    let mut other = echo().await;
    other.send_text("still here").expect("send");
    assert_eq!(next(&mut other).await, Message::text("still here"));
}

#[wasm_bindgen_test]
async fn a_text_is_measured_in_utf8_bytes() {
    let mut ws = connect(WebSocket::builder(url("/echo")).max_message_size(1000)).await;
    let within = "é".repeat(400); // 400 UTF-16 units, 800 bytes
    let over = "é".repeat(600); // 600 units (under the limit), 1200 bytes
    ws.send_text(&within).expect("send");
    ws.send_text(&over).expect("send");
    assert_eq!(next(&mut ws).await, Message::text(within));
    assert_eq!(
        wait("the limit error", ws.next()).await,
        Some(Err(Error::MessageTooLarge {
            size: 1200,
            limit: 1000
        }))
    );
    assert_eq!(
        wait("closed", ws.closed()).await.code,
        CLOSE_MESSAGE_TOO_LARGE
    );

    let mut ws = connect(WebSocket::builder(url("/echo")).max_message_size(1000)).await;
    ws.send_text(&"a".repeat(1001)).expect("send");
    assert_eq!(
        wait("the limit error", ws.next()).await,
        Some(Err(Error::MessageTooLarge {
            size: 1001,
            limit: 1000
        }))
    );
}

#[wasm_bindgen_test]
async fn callbacks_never_get_a_message_over_the_limit() {
    let ws = connect(WebSocket::builder(url("/echo")).max_message_size(100)).await;
    let (tx, rx) = ws.split();
    drop(rx);
    let (send, received) = mpsc::unbounded();
    let data_send = send.clone();
    let _messages = tx.on_message(move |message| {
        let _ = send.unbounded_send(message);
    });
    let _data = tx.on_message_data(move |data| {
        let _ = data_send.unbounded_send(Message::text(format!("data {}", data.is_string())));
    });
    tx.send_text("small").expect("send");
    tx.send_bytes(&pattern(101, 1)).expect("send");
    tx.send_text("after").expect("send");
    let event = wait("closed", tx.closed()).await;
    assert_eq!(event.code, CLOSE_MESSAGE_TOO_LARGE);
    drop((_messages, _data));
    let got: Vec<Message> = wait("callbacks", received.collect()).await;
    assert_eq!(
        got,
        vec![Message::text("small"), Message::text("data true")]
    );
}

#[wasm_bindgen_test]
async fn a_reader_that_does_not_keep_up_gets_the_kept_messages_then_backlog_full() {
    // By count: 10 messages may wait.
    let mut ws = connect(WebSocket::builder(url("/echo")).max_backlog(10, 1 << 20)).await;
    for i in 0..20 {
        ws.send_text(&format!("{i:02}")).expect("send");
    }
    let event = wait("closed", ws.closed()).await;
    assert_eq!(event.code, CLOSE_BACKLOG_FULL);
    for i in 0..10 {
        assert_eq!(next(&mut ws).await, Message::text(format!("{i:02}")));
    }
    assert_eq!(
        wait("the error", ws.next()).await,
        Some(Err(Error::BacklogFull {
            messages: 10,
            bytes: 20
        }))
    );
    assert_eq!(wait("the end", ws.next()).await, None);

    // By bytes: 100 bytes may wait, ten messages of 10.
    let mut ws = connect(WebSocket::builder(url("/echo")).max_backlog(1000, 100)).await;
    for i in 0..20 {
        ws.send_bytes(&[i; 10]).expect("send");
    }
    assert_eq!(wait("closed", ws.closed()).await.code, CLOSE_BACKLOG_FULL);
    for i in 0..10 {
        assert_eq!(next(&mut ws).await, Message::binary([i; 10]));
    }
    assert_eq!(
        wait("the error", ws.next()).await,
        Some(Err(Error::BacklogFull {
            messages: 10,
            bytes: 100
        }))
    );
    assert_eq!(wait("the end", ws.next()).await, None);
}

#[wasm_bindgen_test]
async fn a_bound_below_one_message_still_hands_each_message_to_a_reader_that_keeps_up() {
    // 0 messages and 0 bytes may wait: one always fits while none waits.
    let mut ws = connect(WebSocket::builder(url("/echo")).max_backlog(0, 0)).await;
    for i in 0..5u8 {
        ws.send_bytes(&[i; 100]).expect("send");
        assert_eq!(next(&mut ws).await, Message::binary([i; 100]));
        ws.send_text("text").expect("send");
        assert_eq!(next(&mut ws).await, Message::text("text"));
    }
    // A second unread one breaks it.
    ws.send_text("kept").expect("send");
    ws.send_text("refused").expect("send");
    assert_eq!(wait("closed", ws.closed()).await.code, CLOSE_BACKLOG_FULL);
    assert_eq!(next(&mut ws).await, Message::text("kept"));
    assert_eq!(
        wait("the error", ws.next()).await,
        Some(Err(Error::BacklogFull {
            messages: 1,
            bytes: 4
        }))
    );
    assert_eq!(wait("the end", ws.next()).await, None);
}

#[wasm_bindgen_test]
async fn the_default_limits_let_a_16_mib_message_through() {
    // As a Blob, both ways: it does not pass through wasm memory.
    let mut ws = common::echo_blob_mode().await;
    ws.send_array_buffer(&js_sys::ArrayBuffer::new(DEFAULT_MAX_MESSAGE_SIZE as u32))
        .expect("send");
    match next(&mut ws).await {
        Message::Blob(blob) => assert_eq!(blob.size(), DEFAULT_MAX_MESSAGE_SIZE as f64),
        other => panic!("expected a Blob, got {other:?}"),
    }
}

fn reconnecting(builder: wasm_websocket::WebSocketBuilder) -> ReconnectingWebSocket {
    let config = ReconnectConfig::default().backoff(
        Backoff::default()
            .initial(Duration::from_millis(50))
            .jitter(0.0),
    );
    ReconnectingWebSocket::new(
        builder.connect_timeout(Some(Duration::from_secs(2))),
        config,
    )
}

async fn event(ws: &mut ReconnectingWebSocket) -> Event {
    within(10_000, "next event", ws.next())
        .await
        .expect("the stream ended early")
}

#[wasm_bindgen_test]
async fn a_reconnecting_socket_with_a_bound_below_one_message_still_hands_each_one_over() {
    let mut ws = reconnecting(WebSocket::builder(url("/echo")).max_backlog(0, 0));
    assert_eq!(event(&mut ws).await, Event::Open);
    for i in 0..5u8 {
        ws.send_bytes(&[i; 100]).expect("send");
        assert_eq!(
            event(&mut ws).await,
            Event::Message(Message::binary([i; 100]))
        );
    }
}

#[wasm_bindgen_test]
async fn a_reconnecting_socket_drops_unread_messages_over_the_bound_and_says_so() {
    let mut ws = reconnecting(WebSocket::builder(url("/echo")).max_backlog(5, 1 << 20));
    assert_eq!(event(&mut ws).await, Event::Open);
    for i in 0..12 {
        ws.send_text(&format!("{i:02}")).expect("send");
    }
    // Not read meanwhile: give the echoes time to come.
    within(10_000, "the echoes", async {
        while ws.queued_messages() > 0 {
            common::settle(10).await;
        }
        common::settle(300).await;
    })
    .await;
    for i in 0..5 {
        assert_eq!(
            event(&mut ws).await,
            Event::Message(Message::text(format!("{i:02}")))
        );
    }
    assert_eq!(
        event(&mut ws).await,
        Event::Dropped {
            messages: 7,
            bytes: 14
        }
    );
    // Read again, the stream keeps messages again.
    ws.send_text("again").expect("send");
    assert_eq!(event(&mut ws).await, Event::Message(Message::text("again")));
    ws.close().expect("close");
}

#[wasm_bindgen_test]
async fn a_reconnecting_socket_reports_a_message_over_the_limit_and_reconnects() {
    let mut ws = reconnecting(WebSocket::builder(url("/echo")).max_message_size(100));
    assert_eq!(event(&mut ws).await, Event::Open);
    ws.send_text("small").expect("send");
    ws.send_bytes(&pattern(101, 1)).expect("send");
    assert_eq!(event(&mut ws).await, Event::Message(Message::text("small")));
    match event(&mut ws).await {
        Event::Disconnected {
            reason: DisconnectReason::ReceiveLimit { error, event },
            ..
        } => {
            assert_eq!(
                error,
                Error::MessageTooLarge {
                    size: 101,
                    limit: 100
                }
            );
            assert_eq!(event.code, CLOSE_MESSAGE_TOO_LARGE);
        }
        other => panic!("expected a disconnection for the limit, got {other:?}"),
    }
    assert!(matches!(
        event(&mut ws).await,
        Event::Reconnecting { attempt: 1, .. }
    ));
    assert_eq!(event(&mut ws).await, Event::Reconnected { attempt: 1 });
    ws.close().expect("close");
}
