//! Bad clients never stop the server.

use std::time::Duration;

use tokio::{io::AsyncWriteExt, net::TcpStream};
use tokio_tungstenite::tungstenite::Message;

use echo_server::Config;

use crate::common::{
    assert_echo, config, connect, raw_answer_head, raw_handshake, start, start_with, within,
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
