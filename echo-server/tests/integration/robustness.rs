//! Bad clients never stop the server:
//!
//! - garbage requests get a `4xx` (or nothing), and the server keeps serving
//! - clients that vanish mid-request or mid-frame cost nothing
//! - a handshake whose `Sec-WebSocket-Key` is not the base64 of 16 bytes, or that
//!   has two of them, gets `400` and no upgrade
//! - 200 clients at once are served under a raised cap

use std::time::Duration;

use tokio::{io::AsyncWriteExt, net::TcpStream};
use tokio_tungstenite::tungstenite::Message;

use echo_server::Config;

use crate::common::{
    assert_echo, config, connect, raw_answer_head, raw_handshake, refused_handshake, start,
    start_with, within,
};

#[tokio::test]
async fn survives_garbage_requests() {
    let server = start().await;
    let addr = server.local_addr();
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"[..],
        b"NOT HTTP AT ALL\r\n\r\n",
        b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Version: 13\r\n\r\n",
        b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 8\r\n\r\n",
    ] {
        let response = raw_answer_head(addr, garbage).await;
        if !response.is_empty() {
            let head = String::from_utf8_lossy(&response);
            assert!(head.starts_with("HTTP/1.1 4"), "unexpected answer {head:?}");
        }
    }
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still serving")).await;
}

#[tokio::test]
async fn survives_clients_that_vanish() {
    let server = start().await;
    let addr = server.local_addr();

    // Vanishes in the middle of the HTTP request.
    let mut tcp = within("connect", TcpStream::connect(addr))
        .await
        .expect("connect");
    within(
        "write",
        tcp.write_all(b"GET /echo HTTP/1.1\r\nHost: x\r\nUpg"),
    )
    .await
    .expect("write");
    drop(tcp);

    // Vanishes in the middle of a 64 KiB masked binary frame.
    let (mut tcp, response) = raw_handshake(addr, "/echo", &[]).await;
    assert_eq!(response.status, 101);
    let mut frame = vec![0x82, 0xfe, 0x00, 0x00, 1, 2, 3, 4];
    frame[2..4].copy_from_slice(&60_000_u16.to_be_bytes());
    frame.extend_from_slice(&[0x55; 100]);
    within("write", tcp.write_all(&frame)).await.expect("write");
    drop(tcp);

    // Vanishes in the middle of the frame header of a slow handshake.
    let (mut tcp, response) = raw_handshake(addr, "/slow?ms=1", &[]).await;
    assert_eq!(response.status, 101);
    within("write", tcp.write_all(&[0x81]))
        .await
        .expect("write");
    drop(tcp);

    // Vanishes while the server is still waiting to answer.
    let mut tcp = within("connect", TcpStream::connect(addr))
        .await
        .expect("connect");
    let request = format!(
        "GET /slow?ms=200 HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    within("write", tcp.write_all(request.as_bytes()))
        .await
        .expect("write");
    drop(tcp);

    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still serving")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_many_clients_at_once_under_a_raised_cap() {
    let server = start_with(Config {
        max_connections: 256,
        ..config()
    })
    .await;
    let url = format!("{}/echo", server.ws_url());
    let clients: Vec<_> = (0..200)
        .map(|i| {
            let url = url.clone();
            tokio::spawn(async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(url)
                    .await
                    .expect("connect");
                assert_echo(&mut ws, Message::text(format!("client {i}"))).await;
            })
        })
        .collect();
    for client in clients {
        within("client", client).await.expect("client task");
    }
}

/// The status of a handshake to `/echo` with the given `Sec-WebSocket-Key` lines.
async fn status_with_keys(addr: std::net::SocketAddr, keys: &[&str]) -> u16 {
    let mut request = format!(
        "GET /echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\n"
    );
    for key in keys {
        request.push_str(&format!("Sec-WebSocket-Key: {key}\r\n"));
    }
    request.push_str("\r\n");
    let head = raw_answer_head(addr, request.as_bytes()).await;
    let head = String::from_utf8_lossy(&head);
    head.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"))
}

#[tokio::test]
async fn a_malformed_or_repeated_websocket_key_is_400() {
    let server = start().await;
    let addr = server.local_addr();
    assert_eq!(
        status_with_keys(addr, &["dGhlIHNhbXBsZSBub25jZQ=="]).await,
        101
    );
    for key in [
        "",
        "short",
        "dGhlIHNhbXBsZSBub25jZQ!=",
        "dGhlIHNhbXBsZSBub25jZQAA",
        "dGhlIHNhbXBsZSBub25jZQ=A",
        "========================",
        "dGhlIHNhbXBsZSBub25jZ===",
        "dGhlIHNhbXBsZSBub25jZR==",
        "dGhlIHNhbXBsZSBub25jZQ==A",
        "dGhl IHNhbXBsZSBub25jZQ=",
        "dGhlIHNhbXBsZSBub25jZQ_=",
    ] {
        assert_eq!(status_with_keys(addr, &[key]).await, 400, "{key:?}");
    }
    // Two keys, valid or not, whatever their order.
    let response = refused_handshake(
        &server,
        "/echo",
        &["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="],
    )
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        status_with_keys(addr, &["short", "dGhlIHNhbXBsZSBub25jZQ=="]).await,
        400
    );
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still serving")).await;
}
