//! Backpressure: the Sink, `ready()` and the `*_when_ready` sends wait while the
//! browser's `bufferedAmount` is above the high-water mark, so its buffer stays bounded.
//!
//! - 256 MiB through the Sink to `/silent` (which reads and discards): the buffered
//!   amount, sampled after every send, reaches the 1 MiB mark but never exceeds it by
//!   more than one message, and drains to 0 at the end
//! - 32 MiB through `send_bytes_when_ready` with custom marks: the same bound
//! - `ready()` resolves at once while under the mark; fails with `NotOpen` on a closed
//!   socket, and ends with `NotOpen` when the socket closes during the wait
//! - a low-water mark above the high one is lowered to it

mod common;

use common::{now, url, wait, within};
use futures::SinkExt;
use wasm_bindgen_test::*;
use wasm_websocket::{
    Error, Message, ReadyState, WebSocket, WebSocketSender, DEFAULT_HIGH_WATER_MARK,
};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

/// A socket to `/silent` with these marks.
async fn silent(high: u32, low: u32) -> WebSocket {
    wait(
        "connect to /silent",
        WebSocket::builder(url("/silent"))
            .backpressure(high, low)
            .connect(),
    )
    .await
    .expect("connect to /silent")
}

/// Waits until everything buffered has left the browser.
async fn drained(sender: &WebSocketSender) {
    within(30_000, "the buffer drains", async {
        while sender.buffered_amount() > 0 {
            common::settle(5).await;
        }
    })
    .await;
}

#[wasm_bindgen_test]
async fn streaming_256_mib_through_the_sink_stays_under_the_mark_plus_one_message() {
    const MESSAGE: usize = 64 * 1024;
    const TOTAL: usize = 256 << 20;
    let (mut sender, _receiver) = silent(DEFAULT_HIGH_WATER_MARK, 512 * 1024).await.split();
    let chunk = common::pattern(MESSAGE, 7);
    let mut samples = Vec::with_capacity(TOTAL / MESSAGE);
    let started = now();
    within(120_000, "stream 256 MiB", async {
        for _ in 0..TOTAL / MESSAGE {
            sender
                .feed(Message::binary(chunk.clone()))
                .await
                .expect("send through the Sink");
            samples.push(sender.buffered_amount());
        }
    })
    .await;
    let sent_in = now() - started;
    drained(&sender).await;
    let max = samples.iter().copied().max().unwrap_or(0);
    let limit = DEFAULT_HIGH_WATER_MARK + MESSAGE as u32;
    wasm_bindgen_test::console_log!(
        "256 MiB in {sent_in:.0} ms ({:.0} MiB/s), max bufferedAmount {max}, {} samples",
        256.0 / (sent_in / 1000.0),
        samples.len()
    );
    assert!(max <= limit, "bufferedAmount reached {max}, limit {limit}");
    assert!(
        max >= DEFAULT_HIGH_WATER_MARK,
        "the buffer never reached the mark ({max}): the wait was not exercised"
    );
    assert_eq!(sender.ready_state(), ReadyState::Open);
}

#[wasm_bindgen_test]
async fn send_when_ready_keeps_custom_marks() {
    const MESSAGE: usize = 16 * 1024;
    const TOTAL: usize = 32 << 20;
    const HIGH: u32 = 256 * 1024;
    let ws = silent(HIGH, 64 * 1024).await;
    let chunk = common::pattern(MESSAGE, 3);
    let mut max = 0;
    within(60_000, "stream 32 MiB", async {
        for _ in 0..TOTAL / MESSAGE {
            ws.send_bytes_when_ready(&chunk).await.expect("send");
            max = max.max(ws.buffered_amount());
        }
    })
    .await;
    drained(&ws).await;
    assert!(max <= HIGH + MESSAGE as u32, "bufferedAmount reached {max}");
    assert!(max >= HIGH, "never reached the mark ({max})");
}

#[wasm_bindgen_test]
async fn ready_is_immediate_under_the_mark_and_fails_once_closed() {
    let ws = silent(DEFAULT_HIGH_WATER_MARK, 0).await;
    within(100, "ready on an idle socket", ws.ready())
        .await
        .expect("ready");
    ws.send_text_when_ready("text").await.expect("send text");
    ws.send_message_when_ready(&Message::binary([1, 2, 3]))
        .await
        .expect("send a message");
    ws.close().expect("close");
    assert_eq!(
        wait("ready after close", ws.ready()).await,
        Err(Error::NotOpen {
            state: ReadyState::Closing
        })
    );
}

#[wasm_bindgen_test]
async fn a_close_during_the_wait_ends_it_with_not_open() {
    let ws = silent(64 * 1024, 0).await;
    // Fill the buffer far beyond the mark with plain sends (they never wait).
    let chunk = common::pattern(1 << 20, 1);
    for _ in 0..16 {
        ws.send_bytes(&chunk).expect("send");
    }
    let mut ready = ws.ready();
    // bufferedAmount grows as soon as send returns, so the wait has begun.
    assert!(futures::poll!(&mut ready).is_pending());
    ws.close().expect("close");
    match within(1_000, "ready ends after the close", ready).await {
        Err(Error::NotOpen { .. }) => {}
        other => panic!("expected NotOpen, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_low_mark_above_the_high_one_is_lowered_to_it() {
    // With low > high lowered to high, a send waits only until the buffer is back at
    // the high mark: ready() resolves while the buffer is still well above 0.
    let ws = silent(256 * 1024, u32::MAX).await;
    let chunk = common::pattern(1 << 20, 2);
    for _ in 0..8 {
        ws.send_bytes(&chunk).expect("send");
    }
    within(10_000, "ready", ws.ready()).await.expect("ready");
    let buffered = ws.buffered_amount();
    assert!(buffered <= 256 * 1024, "{buffered}");
}
