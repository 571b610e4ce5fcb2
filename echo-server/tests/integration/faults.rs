//! Fault paths: `/close`, `/abrupt`, `/slow`, `/silent`.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::{
    protocol::frame::coding::CloseCode, Error as WsError, Message,
};

use crate::common::{
    assert_echo, connect, expect_close, expect_end, send, start, url, within, Client,
};

#[tokio::test]
async fn close_path_closes_with_code_and_reason() {
    let server = start().await;
    let mut ws = connect(
        &server,
        "/close?code=4000&reason=custom%20reason%20%E2%9C%93",
    )
    .await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::from(4000));
    assert_eq!(frame.reason.as_str(), "custom reason ✓");
    expect_end(&mut ws).await;

    let mut ws = connect(&server, "/close?code=1011").await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Error);
    assert_eq!(frame.reason.as_str(), "");
}

#[tokio::test]
async fn close_path_defaults_to_1000_and_empty_reason() {
    let server = start().await;
    let mut ws = connect(&server, "/close").await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Normal);
    assert_eq!(frame.reason.as_str(), "");
    expect_end(&mut ws).await;
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
async fn close_path_refuses_invalid_codes_and_reasons() {
    let server = start().await;
    let long = "r".repeat(124);
    for query in [
        "code=1005".to_owned(),
        "code=1006".to_owned(),
        "code=1015".to_owned(),
        "code=999".to_owned(),
        "code=2000".to_owned(),
        "code=5000".to_owned(),
        "code=70000".to_owned(),
        "code=abc".to_owned(),
        format!("reason={long}"),
    ] {
        let status = refused_status(url(&server, &format!("/close?{query}"))).await;
        assert_eq!(status, 400, "/close?{query}");
    }
    // 123 bytes is the longest reason that fits a close frame.
    let mut ws = connect(
        &server,
        &format!("/close?code=3001&reason={}", "r".repeat(123)),
    )
    .await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.reason.len(), 123);
}

/// The stream must end or fail, never with a close frame.
async fn expect_abrupt_end(ws: &mut Client) {
    match within("abrupt end", ws.next()).await {
        None | Some(Err(_)) => {}
        Some(Ok(message)) => panic!("expected no more frames, got {message:?}"),
    }
}

#[tokio::test]
async fn abrupt_echoes_n_messages_then_drops_without_close() {
    let server = start().await;
    let mut ws = connect(&server, "/abrupt?after=3").await;
    for i in 0..3 {
        assert_echo(&mut ws, Message::text(format!("message {i}"))).await;
    }
    expect_abrupt_end(&mut ws).await;
}

#[tokio::test]
async fn abrupt_after_zero_drops_right_after_open() {
    let server = start().await;
    for path in ["/abrupt?after=0", "/abrupt"] {
        let mut ws = connect(&server, path).await;
        expect_abrupt_end(&mut ws).await;
    }
}

#[tokio::test]
async fn slow_delays_the_handshake_then_echoes() {
    let server = start().await;
    let started = Instant::now();
    let mut ws = connect(&server, "/slow?ms=300").await;
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300),
        "handshake took only {elapsed:?}"
    );
    assert_echo(&mut ws, Message::text("slow but fine")).await;
    send(&mut ws, Message::text("Goodbye")).await;
    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Normal);
}

#[tokio::test]
async fn slow_refuses_absurd_delays() {
    let server = start().await;
    assert_eq!(refused_status(url(&server, "/slow?ms=600000")).await, 400);
    assert_eq!(refused_status(url(&server, "/slow?ms=-1")).await, 400);
}

#[tokio::test]
async fn silent_never_sends_anything_but_stays_open() {
    let server = start().await;
    let mut ws = connect(&server, "/silent").await;
    send(&mut ws, Message::text("anyone?")).await;
    send(&mut ws, Message::Ping(b"ping".to_vec().into())).await;
    let waited = tokio::time::timeout(Duration::from_millis(300), ws.next()).await;
    assert!(waited.is_err(), "silent sent {waited:?}");
    // Even a close gets no answer, and the connection is not dropped.
    within("close", ws.close(None)).await.expect("close sent");
    let waited = tokio::time::timeout(Duration::from_millis(300), ws.next()).await;
    assert!(waited.is_err(), "silent answered the close: {waited:?}");
}
