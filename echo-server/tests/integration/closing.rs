//! Closing on `/echo`: the client's close is mirrored, `Goodbye` closes with
//! 1000, and an over-limit message gets 1009 (the default limit is 4 MiB).

use echo_server::Config;
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::{
    protocol::{
        frame::{
            coding::{CloseCode, Data, OpCode},
            Frame,
        },
        CloseFrame,
    },
    Message,
};

use crate::common::{
    assert_echo, config, connect, expect_close, expect_end, pattern, send, start, start_with,
    within,
};

#[tokio::test]
async fn mirrors_the_clients_close_code_and_reason() {
    let server = start().await;
    for (code, reason) in [(4001, "bye now"), (1000, "fertig — ✓"), (3000, "")] {
        let mut ws = connect(&server, "/echo").await;
        assert_echo(&mut ws, Message::text("before close")).await;
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        within("close", ws.close(Some(frame.clone())))
            .await
            .expect("close sent");
        assert_eq!(expect_close(&mut ws).await, Some(frame));
        expect_end(&mut ws).await;
    }
}

#[tokio::test]
async fn answers_an_empty_close_with_an_empty_close() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    within("close", ws.close(None)).await.expect("close sent");
    assert_eq!(expect_close(&mut ws).await, None);
    expect_end(&mut ws).await;
}

#[tokio::test]
async fn goodbye_closes_with_1000() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("hello")).await;
    send(&mut ws, Message::text("Goodbye")).await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Normal);
    assert_eq!(frame.reason.as_str(), "Goodbye");
    expect_end(&mut ws).await;
}

fn small_limit() -> Config {
    Config {
        max_message_size: 1024,
        ..config()
    }
}

#[tokio::test]
async fn a_message_at_the_limit_is_echoed() {
    let server = start_with(small_limit()).await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::binary(pattern(1024))).await;
    assert_echo(&mut ws, Message::text("é".repeat(512))).await;
}

#[tokio::test]
async fn an_over_limit_message_gets_1009() {
    let server = start_with(small_limit()).await;
    for message in [
        Message::binary(pattern(1025)),
        Message::text("x".repeat(4096)),
    ] {
        let mut ws = connect(&server, "/echo").await;
        assert_echo(&mut ws, Message::text("fine")).await;
        send(&mut ws, message).await;
        let frame = expect_close(&mut ws).await.expect("close frame has a code");
        assert_eq!(frame.code, CloseCode::Size);
    }
}

#[tokio::test]
async fn an_over_limit_fragmented_message_gets_1009() {
    let server = start_with(small_limit()).await;
    let mut ws = connect(&server, "/echo").await;
    // Three 512-byte frames: each frame is fine, the message is not.
    let frames = [
        Frame::message(pattern(512), OpCode::Data(Data::Binary), false),
        Frame::message(pattern(512), OpCode::Data(Data::Continue), false),
        Frame::message(pattern(512), OpCode::Data(Data::Continue), true),
    ];
    for frame in frames {
        within("feed", ws.feed(Message::Frame(frame)))
            .await
            .expect("frame queued");
    }
    within("flush", ws.flush()).await.expect("flushed");
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Size);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limit_is_four_mebibytes() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::binary(pattern(4 << 20))).await;
    send(&mut ws, Message::binary(pattern((4 << 20) + 1))).await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Size);
}
