//! Admin paths: `/admin/outage` (a restart on the same port, as the network sees it)
//! and `/admin/requests` (requests counted by path).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::common::{assert_echo, connect, http_get, start, url, within};

#[tokio::test]
async fn an_outage_drops_websockets_refuses_then_serves_the_same_port_again() {
    let server = start().await;
    let addr = server.local_addr();
    let mut echo = connect(&server, "/echo").await;
    let mut silent = connect(&server, "/silent").await;
    assert_echo(&mut echo, Message::text("before")).await;

    let started = Instant::now();
    let response = http_get(addr, "/admin/outage?ms=600").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.body, b"outage of 600 ms");

    // Both sessions end without a close frame.
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
    assert_eq!(http_get(addr, "/admin/outage?ms=50").await.status, 200);
}

#[tokio::test]
async fn outages_over_a_minute_are_refused() {
    let server = start().await;
    let addr = server.local_addr();
    let response = http_get(addr, "/admin/outage?ms=60001").await;
    assert_eq!(response.status, 400);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    // Still serving.
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("still here")).await;
}

#[tokio::test]
async fn requests_are_counted_by_path() {
    let server = start().await;
    let addr = server.local_addr();
    let count = |path: &'static str| async move {
        let response = http_get(addr, &format!("/admin/requests?path={path}")).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
        String::from_utf8(response.body)
            .expect("UTF-8")
            .parse::<u64>()
            .expect("a number")
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
    assert_eq!(count("/nowhere").await, 0);
    // The counting request itself is counted.
    assert_eq!(count("/admin/requests").await, 5);
}
