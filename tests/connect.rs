//! Connecting: what opens, what is refused and how.
//!
//! - connect resolves open, reporting url, protocol, extensions, bufferedAmount
//! - the first subprotocol the server knows is selected and reported
//! - offering only subprotocols the server does not know fails the handshake
//! - http:// becomes ws:// (https:// wss://); a relative URL resolves against the page
//! - invalid URLs (space or other forbidden host characters, other schemes, a
//!   fragment, no host) give `InvalidUrl` in every browser
//! - empty, malformed and repeated subprotocols give `InvalidProtocol`
//! - a refused upgrade, an unknown path and a closed port give `ConnectionFailed` (1006)
//! - the connect timeout fires against a slow handshake and closes the socket
//! - `WebSocket::connect` (no builder) opens nothing until polled (its default
//!   timeout is tested in time.rs, which runs only in the page: it takes 10 s)
//! - `WebSocket::connect` takes the URL as a `String` or a `&str`
//! - on_open fires for a socket built without waiting
//! - dropping a connecting socket, or the connect future, closes it and frees listeners
//! - closing a connecting socket aborts it (1006, not clean: no close frame to carry
//!   the code) and the stream yields `ConnectionFailed`, then ends

mod common;

use std::time::Duration;

use common::{url, wait, within, CLOSED_URL};
use futures::channel::oneshot;
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;
use wasm_websocket::{live_listeners, Error, ReadyState, WebSocket};

// In the page; a binary that compiles this file as its module runs it elsewhere.
#[allow(unused_imports)]
use common::in_the_page as place;
crate::place!();

#[wasm_bindgen_test]
async fn connect_resolves_open_and_reports_state() {
    let ws = common::echo().await;
    assert_eq!(ws.ready_state(), ReadyState::Open);
    assert_eq!(ws.url(), url("/echo"));
    assert_eq!(ws.protocol(), "");
    assert_eq!(ws.buffered_amount(), 0);
    assert_eq!(ws.as_raw().url(), ws.url());
    let _ = ws.extensions();
}

#[wasm_bindgen_test]
async fn connect_takes_the_url_as_a_string_or_a_str() {
    let owned: String = url("/echo");
    let by_value = wait("connect with a String", WebSocket::connect(owned.clone()))
        .await
        .expect("connect");
    let by_ref = wait("connect with a &str", WebSocket::connect(owned.as_str()))
        .await
        .expect("connect");
    assert_eq!(by_value.url(), by_ref.url());
}

#[wasm_bindgen_test]
async fn the_first_known_subprotocol_is_selected() {
    for (offered, selected) in [
        (vec!["chat", "echo"], "chat"),
        (vec!["echo", "chat"], "echo"),
        (vec!["unknown", "echo"], "echo"),
    ] {
        let ws = wait(
            "connect with subprotocols",
            WebSocket::builder(url("/echo"))
                .protocols(offered.clone())
                .connect(),
        )
        .await
        .unwrap_or_else(|e| panic!("connect offering {offered:?}: {e}"));
        assert_eq!(ws.protocol(), selected, "offered {offered:?}");
    }
}

#[wasm_bindgen_test]
async fn offering_only_unknown_subprotocols_fails_the_handshake() {
    // The server selects none; browsers then fail the connection (RFC 6455 §4.1).
    let result = wait(
        "connect with an unknown subprotocol",
        WebSocket::builder(url("/echo"))
            .protocol("unknown")
            .connect(),
    )
    .await;
    match result {
        Err(Error::ConnectionFailed { event }) => assert_eq!(event.code, 1006),
        other => panic!("expected ConnectionFailed, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn http_urls_become_ws_urls() {
    // ws:// → http://, or wss:// → https:// in the run over TLS (tests/wss.rs).
    let http = url("/echo").replacen("ws", "http", 1);
    let ws = wait("connect over http://", WebSocket::connect(&http))
        .await
        .expect("connect with an http:// URL");
    assert_eq!(ws.url(), url("/echo"));
}

#[wasm_bindgen_test]
fn relative_urls_resolve_against_the_page() {
    let ws = WebSocket::builder("/relative/path").build().expect("build");
    let resolved = ws.url();
    assert!(resolved.starts_with("ws://"), "{resolved}");
    assert!(resolved.ends_with("/relative/path"), "{resolved}");
}

#[wasm_bindgen_test]
fn invalid_urls_are_refused_the_same_in_every_browser() {
    for bad in [
        "ws://foo bar.com/",
        "ws://foo%20bar.com/",
        "ws://exa^mple.com/",
        "ws://exa|mple.com/",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ws://127.0.0.1/#fragment",
        "ws://127.0.0.1/#",
        "ws://",
        "http://[::1",
    ] {
        match WebSocket::builder(bad).build() {
            Err(Error::InvalidUrl { url, reason }) => {
                assert_eq!(url, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("{bad:?}: expected InvalidUrl, got {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn ipv6_and_international_hosts_are_accepted() {
    for good in [
        "ws://[::1]:1/",
        "ws://bücher.example/",
        "wss://127.0.0.1/x?y=1",
    ] {
        let ws = WebSocket::builder(good)
            .build()
            .unwrap_or_else(|e| panic!("{good}: {e}"));
        assert!(ws.url().starts_with("ws"), "{}", ws.url());
    }
}

#[wasm_bindgen_test]
fn invalid_subprotocols_are_refused() {
    for (protocols, offender) in [
        (vec!["chat", "chat"], "chat"),
        (vec![""], ""),
        (vec!["a b"], "a b"),
        (vec!["echo", "bad,comma"], "bad,comma"),
        (vec!["ünicode"], "ünicode"),
    ] {
        match WebSocket::builder(url("/echo"))
            .protocols(protocols.clone())
            .build()
        {
            Err(Error::InvalidProtocol { protocol, .. }) => assert_eq!(protocol, offender),
            other => panic!("{protocols:?}: expected InvalidProtocol, got {other:?}"),
        }
    }
}

async fn assert_connection_fails(target: &str) {
    match wait("a failing connect", WebSocket::connect(target)).await {
        Err(Error::ConnectionFailed { event }) => {
            assert_eq!(event.code, 1006, "{target}");
            assert!(!event.was_clean, "{target}");
        }
        other => panic!("{target}: expected ConnectionFailed, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_refused_upgrade_is_a_failed_connection() {
    assert_connection_fails(&url("/reject")).await;
}

#[wasm_bindgen_test]
async fn an_unknown_path_is_a_failed_connection() {
    assert_connection_fails(&url("/no-such-path")).await;
}

#[wasm_bindgen_test]
async fn a_closed_port_is_a_failed_connection() {
    assert_connection_fails(CLOSED_URL).await;
}

#[wasm_bindgen_test]
async fn the_connect_timeout_fires_against_a_slow_handshake() {
    let before = live_listeners();
    let timeout = Duration::from_millis(300);
    let result = wait(
        "a connect that times out",
        WebSocket::builder(url("/slow?ms=3000"))
            .connect_timeout(Some(timeout))
            .connect(),
    )
    .await;
    assert_eq!(result.err(), Some(Error::Timeout { after: timeout }));
    assert_eq!(live_listeners(), before);
}

#[wasm_bindgen_test]
async fn the_plain_connect_opens_nothing_until_polled() {
    let before = live_listeners();
    let connect = WebSocket::connect(&url("/echo"));
    assert_eq!(live_listeners(), before, "a future that is not polled");
    drop(connect);
    let ws = wait("connect", WebSocket::connect(&url("/echo")))
        .await
        .expect("connect");
    assert_eq!(ws.ready_state(), ReadyState::Open);
}

#[wasm_bindgen_test]
async fn a_slow_handshake_within_the_timeout_connects() {
    let ws = wait(
        "a slow connect",
        WebSocket::builder(url("/slow?ms=200"))
            .connect_timeout(Some(Duration::from_secs(5)))
            .connect(),
    )
    .await
    .expect("connect through a slow handshake");
    assert_eq!(ws.ready_state(), ReadyState::Open);
}

#[wasm_bindgen_test]
async fn on_open_fires_for_a_socket_built_without_waiting() {
    let ws = WebSocket::builder(url("/echo")).build().expect("build");
    assert_eq!(ws.ready_state(), ReadyState::Connecting);
    let (tx, rx) = oneshot::channel();
    let mut tx = Some(tx);
    let _open = ws.on_open(move || {
        if let Some(tx) = tx.take() {
            let _ = tx.send(());
        }
    });
    wait("on_open", rx).await.expect("on_open fired");
    assert_eq!(ws.ready_state(), ReadyState::Open);
}

#[wasm_bindgen_test]
async fn dropping_a_connecting_socket_closes_it() {
    let before = live_listeners();
    let ws = WebSocket::builder(url("/slow?ms=1000"))
        .build()
        .expect("build");
    let raw = ws.as_raw().clone();
    assert_eq!(raw.ready_state(), web_sys::WebSocket::CONNECTING);
    drop(ws);
    assert!(raw.ready_state() >= web_sys::WebSocket::CLOSING);
    assert_eq!(live_listeners(), before);
}

#[wasm_bindgen_test]
async fn closing_a_connecting_socket_aborts_it_and_the_stream_says_it_never_opened() {
    let mut ws = WebSocket::builder(url("/slow?ms=1000"))
        .build()
        .expect("build");
    assert_eq!(ws.ready_state(), ReadyState::Connecting);
    // The code and reason are checked, but a connection not yet open has no
    // handshake to carry them: the browser aborts it.
    assert_eq!(
        ws.close_with(1001, "early"),
        Err(Error::InvalidCloseCode { code: 1001 })
    );
    ws.close_with(4000, "early")
        .expect("close while connecting");
    let event = wait("closed", ws.closed()).await;
    assert_eq!((event.code, event.was_clean), (1006, false));
    match wait("the error item", ws.next()).await {
        Some(Err(Error::ConnectionFailed { event: failed })) => assert_eq!(failed, event),
        other => panic!("expected ConnectionFailed, got {other:?}"),
    }
    assert_eq!(wait("stream end", ws.next()).await, None);
}

#[wasm_bindgen_test]
async fn dropping_the_connect_future_half_way_closes_the_socket() {
    let before = live_listeners();
    let connect = Box::pin(WebSocket::connect(&url("/slow?ms=2000")));
    let raced = within(5_000, "race", select(connect, TimeoutFuture::new(100))).await;
    match raced {
        Either::Right((_, connect)) => {
            assert!(
                live_listeners() > before,
                "the connect future holds its listeners"
            );
            drop(connect);
        }
        Either::Left((result, _)) => panic!("connect finished first: {result:?}"),
    }
    assert_eq!(live_listeners(), before);
    // The server saw the socket go; a fresh connect still works.
    let _ = common::echo().await;
}
