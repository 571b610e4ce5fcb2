//! Starting (and failing to start) and gracefully stopping an in-process server.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

use echo_server::{Config, Error};

use crate::common::{assert_echo, config, connect, expect_close, start, within};

#[tokio::test]
async fn a_port_in_use_is_a_bind_error() {
    let server = start().await;
    let result = echo_server::serve(Config {
        port: server.local_addr().port(),
        ..config()
    })
    .await;
    assert!(matches!(result, Err(Error::Bind { .. })), "{result:?}");
    // The first server is unaffected.
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("first one")).await;
}

#[tokio::test]
async fn a_missing_www_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let result = echo_server::serve(Config {
        www: Some(dir.path().join("nope")),
        ..config()
    })
    .await;
    assert!(matches!(result, Err(Error::Www(_))), "{result:?}");
}

#[tokio::test]
async fn shutdown_closes_websockets_with_1001_and_stops_listening() {
    let server = start().await;
    let addr = server.local_addr();
    let mut ws = connect(&server, "/echo").await;
    let _silent = connect(&server, "/silent").await;
    assert_echo(&mut ws, Message::text("before shutdown")).await;

    let handle = server.shutdown_handle();
    assert!(!handle.is_shutdown());
    let started = Instant::now();
    let stopping = tokio::spawn(server.shutdown());

    let frame = expect_close(&mut ws).await.expect("close frame has a code");
    assert_eq!(frame.code, CloseCode::Away);
    within("shutdown", stopping)
        .await
        .expect("shutdown task")
        .expect("clean shutdown");
    assert!(handle.is_shutdown());
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(TcpStream::connect(addr).await.is_err(), "still listening");
}
