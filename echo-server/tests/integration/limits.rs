//! Limits on what a client controls, each followed by a normal client being served:
//!
//! - a connection that sends no request head, or only part of one, or that idles
//!   after a keep-alive request, is closed after the header timeout
//! - connections over the cap (HTTP or WebSocket) get `503` and a close; once
//!   some close, new clients are served again
//! - a WebSocket on `/echo` (and `/slow`) that receives nothing for the idle timeout
//!   is closed with 1001 `idle timeout`; one that keeps talking stays open
//! - `/silent` drops an idle connection without a frame (it never sends one)
//! - a client that stops reading is dropped once a write has waited for the idle
//!   timeout (`memory.rs` checks what it costs meanwhile)
//! - so is an HTTP client that does not read its response (a large static file):
//!   its connection ends after the idle timeout and its slot of the cap is freed

use std::{
    fs,
    time::{Duration, Instant},
};

use echo_server::{Config, IDLE_REASON};
use futures_util::StreamExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};
use tokio_tungstenite::tungstenite::{
    protocol::frame::coding::CloseCode, Error as WsError, Message,
};

use crate::common::{
    assert_echo, config, connect, expect_close, http_get, pattern, raw_handshake, start_with, url,
    within,
};

/// Reads until the server closes the connection; returns what came and when.
async fn read_until_closed(tcp: &mut TcpStream) -> (Vec<u8>, Instant) {
    within("the server closes the connection", async {
        let mut received = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => return (received, Instant::now()),
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
}

fn short_header_timeout() -> Config {
    Config {
        header_timeout: Duration::from_millis(400),
        ..config()
    }
}

#[tokio::test]
async fn a_connection_without_a_complete_request_head_is_closed() {
    let server = start_with(short_header_timeout()).await;
    let addr = server.local_addr();
    for sent in [&b""[..], b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr"] {
        let started = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        tcp.write_all(sent).await.expect("write");
        let (received, closed) = read_until_closed(&mut tcp).await;
        let waited = closed - started;
        assert!(
            waited >= Duration::from_millis(350),
            "closed after {waited:?}"
        );
        assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
        let text = String::from_utf8_lossy(&received);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text:?}"
        );
    }
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("served")).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start_with(short_header_timeout()).await;
    let addr = server.local_addr();
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET /image.png HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.expect("write");
    let started = Instant::now();
    let (received, closed) = read_until_closed(&mut tcp).await;
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
    let waited = closed - started;
    assert!(
        waited >= Duration::from_millis(350),
        "closed after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn connections_over_the_cap_get_503_then_clients_are_served_again() {
    let server = start_with(Config {
        max_connections: 4,
        header_timeout: Duration::from_millis(500),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    // Four idle connections fill the cap.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut fifth = TcpStream::connect(addr).await.expect("connect");
    let (received, _) = read_until_closed(&mut fifth).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 503"), "{text:?}");
    assert!(text.ends_with("too many connections\n"), "{text:?}");
    // The header timeout frees them, and a client is served again.
    for tcp in &mut idle {
        read_until_closed(tcp).await;
    }
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("served again")).await;

    // Open WebSockets count too.
    let mut open = vec![ws];
    for _ in 0..3 {
        open.push(connect(&server, "/echo").await);
    }
    match within(
        "connect",
        tokio_tungstenite::connect_async(url(&server, "/echo")),
    )
    .await
    {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 503),
        Err(_) => {} // the close may win over the 503
        Ok(_) => panic!("a fifth connection was accepted"),
    }
    let mut first = open.remove(0);
    within("close", first.close(None)).await.expect("close");
    while let Some(Ok(_)) = within("closed", first.next()).await {}
    let mut ws = within("a connection once one is free", async {
        loop {
            if let Ok((ws, _)) = tokio_tungstenite::connect_async(url(&server, "/echo")).await {
                return ws;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_echo(&mut ws, Message::text("a free slot")).await;
}

fn short_idle_timeout() -> Config {
    Config {
        idle_timeout: Duration::from_millis(400),
        ..config()
    }
}

#[tokio::test]
async fn an_idle_websocket_is_closed_with_1001() {
    let server = start_with(short_idle_timeout()).await;
    for path in ["/echo", "/slow?ms=10", "/abrupt?after=5"] {
        let mut ws = connect(&server, path).await;
        let started = Instant::now();
        let frame = expect_close(&mut ws).await.expect("a close code");
        assert_eq!(frame.code, CloseCode::Away, "{path}");
        assert_eq!(frame.reason.as_str(), IDLE_REASON);
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(350), "{path}: {waited:?}");
    }
}

#[tokio::test]
async fn a_websocket_that_keeps_talking_stays_open() {
    let server = start_with(short_idle_timeout()).await;
    let mut ws = connect(&server, "/echo").await;
    for i in 0..8 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_echo(&mut ws, Message::text(format!("still here {i}"))).await;
    }
}

#[tokio::test]
async fn silent_drops_an_idle_connection_without_a_frame() {
    let server = start_with(short_idle_timeout()).await;
    let (mut tcp, response) = raw_handshake(server.local_addr(), "/silent", &[]).await;
    assert_eq!(response.status, 101);
    let started = Instant::now();
    let (received, closed) = read_until_closed(&mut tcp).await;
    assert!(received.is_empty(), "silent sent {received:?}");
    let waited = closed - started;
    assert!(
        waited >= Duration::from_millis(350),
        "closed after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_is_dropped() {
    let server = start_with(Config {
        idle_timeout: Duration::from_millis(800),
        ..config()
    })
    .await;
    let (mut tcp, response) = raw_handshake(server.local_addr(), "/echo", &[]).await;
    assert_eq!(response.status, 101);
    // Masked 1 MiB binary frames, written until the server stops taking them.
    let payload = pattern(1 << 20);
    let mut frame = vec![0x82, 0xff];
    frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    frame.extend_from_slice(&[0, 0, 0, 0]); // a zero mask leaves the payload as is
    frame.extend_from_slice(&payload);
    let mut written = 0_usize;
    loop {
        match tokio::time::timeout(Duration::from_millis(300), tcp.write_all(&frame)).await {
            Ok(Ok(())) => written += 1,
            Ok(Err(_)) | Err(_) => break,
        }
        assert!(written < 4096, "the server took 4 GiB without being read");
    }
    // The server gives up on it: the connection ends (after what was echoed).
    let mut sink = vec![0_u8; 1 << 16];
    within("the connection ends", async {
        while matches!(tcp.read(&mut sink).await, Ok(n) if n > 0) {}
    })
    .await;
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("a reader is served")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_client_that_does_not_read_its_response_frees_its_slot() {
    const BIG: usize = 32 << 20;
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("big.bin"), pattern(BIG)).expect("write big file");
    fs::write(dir.path().join("small.txt"), "small").expect("write small file");
    let idle = Duration::from_secs(1);
    let server = start_with(Config {
        max_connections: 1,
        idle_timeout: idle,
        www: Some(dir.path().to_path_buf()),
        ..config()
    })
    .await;
    let addr = server.local_addr();
    // A client with a small receive window asks for the big file and never reads.
    let socket = TcpSocket::new_v4().expect("socket");
    let _ = socket.set_recv_buffer_size(4096);
    let mut stuck = within("connect", socket.connect(addr))
        .await
        .expect("connect");
    let started = Instant::now();
    within(
        "write request",
        stuck.write_all(format!("GET /big.bin HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()),
    )
    .await
    .expect("write request");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        http_get(addr, "/small.txt").await.status,
        503,
        "the slot is taken"
    );
    // Once a write has waited for the idle timeout, the slot is free again.
    let served = within("a client is served again", async {
        loop {
            let response = http_get(addr, "/small.txt").await;
            if response.status == 200 {
                return response;
            }
            assert_eq!(response.status, 503);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert_eq!(served.body, b"small");
    assert!(
        started.elapsed() >= idle,
        "freed after {:?}",
        started.elapsed()
    );
    // The stuck client's connection ended before the whole file was sent.
    let (received, _) = read_until_closed(&mut stuck).await;
    assert!(received.len() < BIG, "the whole file was sent");
}
