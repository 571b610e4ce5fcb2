//! `/echo`: text and binary come back byte for byte (8 MiB under a raised limit), a
//! pipelined flood in order, pings get pongs.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use echo_server::Config;

use crate::common::{
    assert_echo, config, connect, next_message, pattern, send, start, start_with, within,
};

#[tokio::test]
async fn echoes_text_as_text() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    for text in [
        "hello",
        "",
        "héllo wörld ✓ — 日本語 🎉🦀",
        "Goodbye!",
        "goodbye",
    ] {
        assert_echo(&mut ws, Message::text(text)).await;
    }
    let long: String = "ünïcødé ".repeat(10_000);
    assert_echo(&mut ws, Message::text(long)).await;
}

#[tokio::test]
async fn echoes_binary_as_binary() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::binary(Vec::new())).await;
    assert_echo(&mut ws, Message::binary((0..=255).collect::<Vec<u8>>())).await;
    // Binary that is not valid UTF-8 must not be treated as text.
    assert_echo(&mut ws, Message::binary(vec![0xff, 0xfe, 0x00, 0xc3])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoes_a_multi_mebibyte_binary_message_under_a_raised_limit() {
    // Over the 4 MiB default: the browser tests raise the limit the same way.
    let server = start_with(Config {
        max_message_size: 16 << 20,
        ..config()
    })
    .await;
    let mut ws = connect(&server, "/echo").await;
    let data = pattern(8 * 1024 * 1024 + 7);
    send(&mut ws, Message::binary(data.clone())).await;
    match next_message(&mut ws).await {
        Message::Binary(echoed) => {
            assert_eq!(echoed.len(), data.len());
            assert!(echoed[..] == data[..], "payload differs");
        }
        other => panic!("expected binary, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoes_a_pipelined_flood_in_order() {
    const COUNT: usize = 3_000;
    let server = start().await;
    let ws = connect(&server, "/echo").await;
    let (mut sink, mut stream) = ws.split();
    let sender = tokio::spawn(async move {
        for i in 0..COUNT {
            let mut payload = pattern(1024);
            payload[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let message = if i % 2 == 0 {
                Message::binary(payload)
            } else {
                Message::text(format!("{i:08}{}", "x".repeat(1016)))
            };
            sink.feed(message).await.expect("feed");
        }
        sink.flush().await.expect("flush");
    });
    within("flood echoes", async {
        for i in 0..COUNT {
            match stream.next().await.expect("open").expect("no error") {
                Message::Binary(data) => {
                    assert_eq!(i % 2, 0);
                    assert_eq!(data.len(), 1024);
                    assert_eq!(data[..8], (i as u64).to_le_bytes());
                }
                Message::Text(text) => {
                    assert_eq!(i % 2, 1);
                    assert_eq!(&text.as_str()[..8], format!("{i:08}"));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await;
    within("sender", sender).await.expect("sender task");
}

#[tokio::test]
async fn answers_pings_with_pongs_and_echoes_application_pings() {
    let server = start().await;
    let mut ws = connect(&server, "/echo").await;
    send(&mut ws, Message::Ping(b"are you there".to_vec().into())).await;
    assert_eq!(
        next_message(&mut ws).await,
        Message::Pong(b"are you there".to_vec().into())
    );
    // An application-level ping is just data.
    assert_echo(&mut ws, Message::text(r#"{"type":"ping"}"#)).await;
    // An unsolicited pong gets no answer; the next echo comes first.
    send(&mut ws, Message::Pong(b"ignored".to_vec().into())).await;
    assert_echo(&mut ws, Message::text("after pong")).await;
}
