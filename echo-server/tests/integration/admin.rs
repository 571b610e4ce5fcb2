//! Admin paths (`--admin` only, WebSocket handshakes, `Origin` checked):
//!
//! - without `--admin` they are `404`, and the server keeps serving
//! - a plain `GET` (what an `<img>` sends: no `Origin`) gets `426` and starts no outage
//! - a handshake from another origin (or `null`, or the server's host on another
//!   port) gets `403` and starts no outage; no response carries CORS headers
//! - the server's own origins (`127.0.0.1`, `localhost`, `[::1]` on its port), the
//!   `--admin-origin` ones, and native clients without `Origin` are answered
//! - `/admin/outage`: answers and closes with 1000, drops every other WebSocket
//!   without a close frame, refuses connections, then serves the same port again;
//!   over a minute is `400`; of concurrent requests one is answered and every
//!   other gets `409` (none is dropped, none is told of an outage it did not start)
//! - `/admin/requests`: counts by path, only the routed paths (`400` for another;
//!   `memory.rs` checks that distinct paths cost no memory)

use std::time::{Duration, Instant};

use echo_server::Config;
use futures_util::StreamExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

use crate::common::{
    admin, admin_config, assert_echo, connect, expect_close, http_get, http_get_with,
    raw_handshake, refused_handshake, start, start_with, url, within,
};

#[tokio::test]
async fn admin_paths_are_404_without_the_admin_flag() {
    let server = start().await;
    let addr = server.local_addr();
    let mut ws = connect(&server, "/echo").await;
    for path in ["/admin/outage?ms=60000", "/admin/requests?path=/echo"] {
        assert_eq!(http_get(addr, path).await.status, 404, "{path}");
        assert_eq!(refused_handshake(&server, path, &[]).await.status, 404);
    }
    assert_echo(&mut ws, Message::text("no outage")).await;
}

#[tokio::test]
async fn a_plain_get_starts_no_outage() {
    let server = start_with(admin_config()).await;
    let addr = server.local_addr();
    let mut ws = connect(&server, "/echo").await;
    // What an <img src="http://127.0.0.1:PORT/admin/outage?ms=60000"> sends.
    for extra in [
        &[][..],
        &["Referer: http://attacker.example/", "Sec-Fetch-Dest: image"][..],
    ] {
        let response = http_get_with(addr, "/admin/outage?ms=60000", extra).await;
        assert_eq!(response.status, 426);
        assert_eq!(response.header("access-control-allow-origin"), None);
    }
    assert_eq!(
        http_get(addr, "/admin/requests?path=/echo").await.status,
        426
    );
    assert_echo(&mut ws, Message::text("still connected")).await;
    let mut fresh = connect(&server, "/echo").await;
    assert_echo(&mut fresh, Message::text("still listening")).await;
}

#[tokio::test]
async fn a_page_from_another_origin_is_refused() {
    let server = start_with(Config {
        admin_origins: vec!["http://127.0.0.1:9".to_owned()],
        ..admin_config()
    })
    .await;
    let port = server.local_addr().port();
    let mut ws = connect(&server, "/echo").await;
    let other_port = format!("Origin: http://127.0.0.1:{}", port.wrapping_add(1));
    let https = format!("Origin: https://127.0.0.1:{port}");
    for origin in [
        "Origin: http://attacker.example",
        "Origin: null",
        other_port.as_str(),
        https.as_str(),
        "Origin: http://127.0.0.1:10",
    ] {
        for path in ["/admin/outage?ms=60000", "/admin/requests?path=/echo"] {
            let response = refused_handshake(&server, path, &[origin]).await;
            assert_eq!(response.status, 403, "{path} with {origin}");
            assert_eq!(response.header("access-control-allow-origin"), None);
        }
    }
    // A cross-origin fetch (no upgrade) is refused the same way.
    let response = http_get_with(
        server.local_addr(),
        "/admin/outage?ms=60000",
        &["Origin: http://attacker.example"],
    )
    .await;
    assert_eq!(response.status, 403);
    assert_echo(&mut ws, Message::text("no outage")).await;
}

#[tokio::test]
async fn own_origins_listed_origins_and_native_clients_are_answered() {
    let server = start_with(Config {
        admin_origins: vec!["http://127.0.0.1:9/".to_owned()],
        ..admin_config()
    })
    .await;
    let port = server.local_addr().port();
    let own = [
        format!("Origin: http://127.0.0.1:{port}"),
        format!("Origin: http://localhost:{port}"),
        format!("Origin: http://[::1]:{port}"),
        "Origin: http://127.0.0.1:9".to_owned(),
    ];
    for origin in &own {
        let (_tcp, response) =
            raw_handshake(server.local_addr(), "/admin/requests?path=/echo", &[origin]).await;
        assert_eq!(response.status, 101, "{origin}");
        assert_eq!(response.header("access-control-allow-origin"), None);
    }
    assert_eq!(admin(&server, "/admin/requests?path=/echo").await, "0");
}

#[tokio::test]
async fn an_outage_drops_websockets_refuses_then_serves_the_same_port_again() {
    let server = start_with(admin_config()).await;
    let addr = server.local_addr();
    let mut echo = connect(&server, "/echo").await;
    let mut silent = connect(&server, "/silent").await;
    assert_echo(&mut echo, Message::text("before")).await;

    let started = Instant::now();
    let mut control = connect(&server, "/admin/outage?ms=600").await;
    match within("the answer", control.next()).await {
        Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), "outage of 600 ms"),
        other => panic!("expected the answer, got {other:?}"),
    }

    // The admin connection closes normally...
    assert_eq!(
        expect_close(&mut control).await.map(|frame| frame.code),
        Some(CloseCode::Normal)
    );
    // ...every other session ends without a close frame.
    for ws in [&mut echo, &mut silent] {
        match within("abrupt end", ws.next()).await {
            None | Some(Err(_)) => {}
            Some(Ok(message)) => panic!("expected an abrupt end, got {message:?}"),
        }
    }
    // Refused during the outage...
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still listening during the outage"
    );
    assert!(tokio_tungstenite::connect_async(url(&server, "/echo"))
        .await
        .is_err());
    // ...and back on the same port after it.
    let back = within("the server comes back", async {
        loop {
            if TcpStream::connect(addr).await.is_ok() {
                return Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    let away = back - started;
    assert!(away >= Duration::from_millis(550), "back after {away:?}");
    assert!(away < Duration::from_secs(3), "back after {away:?}");
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("after")).await;
    // And a second outage works too.
    assert_eq!(
        admin(&server, "/admin/outage?ms=50").await,
        "outage of 50 ms"
    );
}

#[tokio::test]
async fn outages_over_a_minute_are_refused() {
    let server = start_with(admin_config()).await;
    let response = refused_handshake(&server, "/admin/outage?ms=60001", &[]).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.header("access-control-allow-origin"), None);
    // Still serving.
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still here")).await;
}

#[tokio::test]
async fn requests_are_counted_for_the_routed_paths_only() {
    let server = start_with(admin_config()).await;
    let count = |path: &'static str| {
        let server = &server;
        async move {
            admin(server, &format!("/admin/requests?path={path}"))
                .await
                .parse::<u64>()
                .expect("a number")
        }
    };
    assert_eq!(count("/reject").await, 0);
    for _ in 0..3 {
        assert!(tokio_tungstenite::connect_async(url(&server, "/reject"))
            .await
            .is_err());
    }
    let _ws = connect(&server, "/echo?x=1").await;
    assert_eq!(count("/reject").await, 3);
    assert_eq!(count("/echo").await, 1);
    // The counting request itself is counted (three before it).
    assert_eq!(count("/admin/requests").await, 4);
    for path in ["/nowhere", "/echo/", ""] {
        let response =
            refused_handshake(&server, &format!("/admin/requests?path={path}"), &[]).await;
        assert_eq!(response.status, 400, "path={path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_outages_one_is_answered_the_others_get_409() {
    const CLIENTS: usize = 32;
    let server = start_with(admin_config()).await;
    let addr = server.local_addr();
    let request = format!(
        "GET /admin/outage?ms=500 HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    );
    let (head, last) = request.as_bytes().split_at(request.len() - 1);
    // Every client has sent all of its request but the last byte (so the server is
    // reading it when the outage starts)...
    let mut streams = Vec::new();
    for _ in 0..CLIENTS {
        let mut tcp = within("connect", TcpStream::connect(addr))
            .await
            .expect("connect");
        within("write", tcp.write_all(head)).await.expect("write");
        streams.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...then all of them complete it at once.
    for tcp in &mut streams {
        within("write", tcp.write_all(last)).await.expect("write");
    }
    let clients: Vec<_> = streams
        .into_iter()
        .map(|mut tcp| {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0_u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match tcp.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                head.split(' ')
                    .nth(1)
                    .and_then(|code| code.parse::<u16>().ok())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for client in clients {
        statuses.push(within("an answer", client).await.expect("client task"));
    }
    statuses.sort_unstable();
    let mut expected = vec![409; CLIENTS - 1];
    expected.push(101);
    expected.sort_unstable();
    assert_eq!(statuses, expected, "0 is a dropped connection");
}
