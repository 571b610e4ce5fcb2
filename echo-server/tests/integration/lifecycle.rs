//! Starting (and failing to start) and gracefully stopping an in-process server:
//!
//! - a port in use is [`Error::Bind`], a missing `www` folder [`Error::Www`]
//! - a host that resolves to an address other than loopback (`0.0.0.0`, `::`) is
//!   refused ([`Error::NotLoopback`]) unless `allow_remote` is set; `localhost` and
//!   `::1` are loopback
//! - the admin paths are never served on such an address, `allow_remote` or not
//!   ([`Error::RemoteAdmin`])
//! - shutdown closes WebSockets with 1001 and stops listening

use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

use echo_server::{Config, Error};

use crate::common::{assert_echo, config, connect, expect_close, start, start_with, within};

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
async fn a_host_that_is_not_loopback_needs_allow_remote() {
    for host in ["0.0.0.0", "::", "[::]"] {
        let result = echo_server::serve(Config {
            host: host.to_owned(),
            ..config()
        })
        .await;
        assert!(
            matches!(result, Err(Error::NotLoopback { .. })),
            "{host}: {result:?}"
        );
    }
    let server = start_with(Config {
        host: "0.0.0.0".to_owned(),
        allow_remote: true,
        ..config()
    })
    .await;
    assert!(server.local_addr().ip().is_unspecified());
    within("shutdown", server.shutdown())
        .await
        .expect("clean shutdown");
    // Loopback names need nothing.
    let server = start_with(Config {
        host: "localhost".to_owned(),
        ..config()
    })
    .await;
    assert!(server.local_addr().ip().is_loopback());
    let mut ws = connect(&server, "/echo").await;
    assert_echo(&mut ws, Message::text("on localhost")).await;
}

#[tokio::test]
async fn admin_paths_are_never_served_on_an_address_that_is_not_loopback() {
    for allow_remote in [false, true] {
        let result = echo_server::serve(Config {
            host: "0.0.0.0".to_owned(),
            allow_remote,
            admin: true,
            ..config()
        })
        .await;
        let refused = if allow_remote {
            matches!(result, Err(Error::RemoteAdmin { .. }))
        } else {
            matches!(result, Err(Error::NotLoopback { .. }))
        };
        assert!(refused, "allow_remote {allow_remote}: {result:?}");
    }
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
