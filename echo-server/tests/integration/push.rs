//! `/push`: a feed the client only reads.
//!
//! - nothing is sent before the client's first message; then exactly `count`
//!   binary messages of `size` bytes, in order, each carrying its index and the
//!   pattern; the start signal is not echoed, later messages are
//! - the defaults are 1000 messages of 1024 bytes
//! - a count of 0 or over the bound, a size under 4 or over 1 MiB or the message
//!   limit, or more than 1 GiB in all get HTTP 400
//! - a client that starts a push and never reads is dropped after the idle timeout,
//!   and the server still serves others

use std::time::Duration;

use echo_server::{Config, MAX_PUSH_COUNT, MAX_PUSH_SIZE};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::{
    assert_echo, config, connect, next_message, raw_handshake, send, start, start_with, url,
    within, Client,
};

/// Reads `count` pushed messages of `size` bytes, checking each.
async fn expect_push(ws: &mut Client, count: u32, size: usize) {
    for index in 0..count {
        let Message::Binary(bytes) = next_message(ws).await else {
            panic!("push {index}: not a binary message");
        };
        assert_eq!(bytes.len(), size, "push {index}: length");
        assert_eq!(bytes[..4], index.to_le_bytes(), "push {index}: index");
        assert!(
            bytes
                .iter()
                .enumerate()
                .skip(4)
                .all(|(j, b)| usize::from(*b) == j % 251),
            "push {index}: pattern"
        );
    }
}

#[tokio::test]
async fn push_waits_for_the_start_then_sends_count_messages_in_order() {
    let server = start().await;
    let mut ws = connect(&server, "/push?count=300&size=700").await;
    // Nothing arrives before the start signal.
    let early = tokio::time::timeout(Duration::from_millis(200), ws.next()).await;
    assert!(
        early.is_err(),
        "the server sent before the start: {early:?}"
    );
    send(&mut ws, Message::text("go")).await;
    expect_push(&mut ws, 300, 700).await;
    // Then it echoes; the start signal itself was not echoed.
    assert_echo(&mut ws, Message::text("after the push")).await;
}

#[tokio::test]
async fn push_defaults_to_1000_messages_of_1_kib() {
    let server = start().await;
    let mut ws = connect(&server, "/push").await;
    send(&mut ws, Message::binary(vec![1, 2, 3])).await;
    expect_push(&mut ws, 1000, 1024).await;
    assert_echo(&mut ws, Message::binary(vec![9; 5])).await;
}

/// The HTTP status of a refused handshake.
async fn refused_status(path_url: String) -> u16 {
    match within("connect", tokio_tungstenite::connect_async(path_url)).await {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected the handshake to be refused"),
    }
}

#[tokio::test]
async fn push_refuses_what_is_out_of_bounds() {
    let server = start_with(Config {
        max_message_size: 64 << 10,
        ..config()
    })
    .await;
    for query in [
        "count=0".to_owned(),
        format!("count={}", MAX_PUSH_COUNT + 1),
        "count=-1".to_owned(),
        "size=3".to_owned(),
        format!("size={}", MAX_PUSH_SIZE + 1),
        // Over the server's message limit of 64 KiB.
        "size=65537".to_owned(),
        // 1,000,000 x 65,536 bytes: over 1 GiB in all.
        "count=1000000&size=65536".to_owned(),
    ] {
        assert_eq!(
            refused_status(url(&server, &format!("/push?{query}"))).await,
            400,
            "{query}"
        );
    }
    let mut ws = connect(&server, "/push?count=2&size=65536").await;
    send(&mut ws, Message::text("go")).await;
    expect_push(&mut ws, 2, 65536).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_starts_a_push_and_never_reads_is_dropped() {
    let server = start_with(Config {
        idle_timeout: Duration::from_millis(800),
        ..config()
    })
    .await;
    let (mut tcp, response) =
        raw_handshake(server.local_addr(), "/push?count=1000000&size=1024", &[]).await;
    assert_eq!(response.status, 101);
    // A masked text frame "go" (a zero mask leaves the payload as is).
    tcp.write_all(&[0x81, 0x82, 0, 0, 0, 0, b'g', b'o'])
        .await
        .expect("write the start");
    // Not read for longer than the idle timeout: the server gives up on it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut sink = vec![0_u8; 1 << 16];
    let mut read = 0_usize;
    within("the connection ends", async {
        while let Ok(n) = tcp.read(&mut sink).await {
            if n == 0 {
                break;
            }
            read += n;
        }
    })
    .await;
    assert!(
        read < 64 << 20,
        "{read} bytes arrived: the server did not stop at the idle timeout"
    );
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("a reader is served")).await;
}
