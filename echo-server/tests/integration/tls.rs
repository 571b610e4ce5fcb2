//! The TLS port (`--tls-port`), through a rustls client that trusts the server's
//! certificate (made at startup) and nothing else:
//!
//! - `/echo` over `wss://` echoes text and binary (1 MiB too), for every name the
//!   certificate is made for (`127.0.0.1`, `localhost`); the plain port still serves
//! - each start makes a new certificate; a client that trusts another one fails
//! - the same `Host` check (403 for another name), message limit (1009) and admin
//!   `Origin` check (the TLS port's own `https://` origins pass, its port over
//!   `http://` does not) as the plain port
//! - a client that sends no TLS handshake, or plain HTTP, is dropped within the
//!   request-head timeout
//! - an outage closes both ports and both come back
//! - the binary prints `listening on ws://.. wss://..` with `--tls-port 0`

use std::{net::SocketAddr, sync::Arc, time::Duration};

use echo_server::{Config, Server};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_rustls::{client::TlsStream, TlsConnector};
use tokio_tungstenite::{
    client_async_with_config,
    tungstenite::{protocol::frame::coding::CloseCode, Message},
    WebSocketStream,
};

use crate::binary::spawn;
use crate::common::{connect, pattern, start_with, within};

type TlsClient = WebSocketStream<TlsStream<TcpStream>>;

fn tls_config() -> Config {
    Config {
        port: 0,
        tls_port: Some(0),
        ..Config::default()
    }
}

fn tls_addr(server: &Server) -> SocketAddr {
    server.tls_addr().expect("a TLS port")
}

/// A TLS connector that trusts `certificate` only.
fn trusting(certificate: &CertificateDer<'static>) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(certificate.clone())
        .expect("a usable certificate");
    #[allow(deprecated)] // the same provider as the server (see src/tls.rs)
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// A TLS connection to the server's TLS port, for `name`.
async fn tls_connect(
    server: &Server,
    certificate: &CertificateDer<'static>,
    name: &str,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(tls_addr(server)).await?;
    let name = ServerName::try_from(name.to_owned()).expect("a server name");
    trusting(certificate).connect(name, tcp).await
}

/// A `wss://` WebSocket to `path` on the server, verified for `name`.
async fn wss(server: &Server, name: &str, path: &str) -> TlsClient {
    within("wss connect", async {
        let certificate = server.tls_certificate().expect("a certificate");
        let tls = tls_connect(server, certificate, name)
            .await
            .expect("TLS handshake");
        let url = format!("wss://{name}:{}{path}", tls_addr(server).port());
        let (ws, _) = client_async_with_config(url, tls, None)
            .await
            .expect("WebSocket handshake");
        ws
    })
    .await
}

async fn echo_over(ws: &mut TlsClient, message: Message) {
    use futures_util::{SinkExt, StreamExt};
    within("send", ws.send(message.clone()))
        .await
        .expect("send");
    let back = within("echo", ws.next())
        .await
        .expect("an answer")
        .expect("no error");
    assert_eq!(back, message);
}

/// Sends `request` over TLS and reads the answer until the server closes.
async fn https_exchange(server: &Server, request: String) -> String {
    within("https exchange", async {
        let certificate = server.tls_certificate().expect("a certificate");
        let mut tls = tls_connect(server, certificate, "127.0.0.1")
            .await
            .expect("TLS handshake");
        tls.write_all(request.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        // The server may end without close_notify after `Connection: close`.
        let _ = tls.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
}

fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

#[tokio::test]
async fn wss_echoes_for_every_certificate_name_and_the_plain_port_still_serves() {
    let server = start_with(tls_config()).await;
    assert_eq!(
        server.wss_url(),
        Some(format!("wss://{}", tls_addr(&server)))
    );
    for name in ["127.0.0.1", "localhost"] {
        let mut ws = wss(&server, name, "/echo").await;
        echo_over(&mut ws, Message::text("héllo over TLS")).await;
        echo_over(&mut ws, Message::binary(pattern(1 << 20))).await;
    }
    let mut plain = connect(&server, "/echo").await;
    crate::common::assert_echo(&mut plain, Message::text("plain")).await;
}

#[tokio::test]
async fn each_start_makes_a_certificate_other_servers_do_not_share() {
    let first = start_with(tls_config()).await;
    let second = start_with(tls_config()).await;
    let first_certificate = first.tls_certificate().expect("a certificate");
    assert_ne!(
        Some(first_certificate),
        second.tls_certificate(),
        "two servers made the same certificate"
    );
    let refused = within(
        "TLS handshake",
        tls_connect(&second, first_certificate, "127.0.0.1"),
    )
    .await;
    assert!(
        refused.is_err(),
        "a certificate from another start was accepted"
    );
    assert!(start_with(Config {
        port: 0,
        ..Config::default()
    })
    .await
    .tls_certificate()
    .is_none());
}

#[tokio::test]
async fn the_host_check_holds_on_the_tls_port() {
    let server = start_with(tls_config()).await;
    let port = tls_addr(&server).port();
    let refused = https_exchange(
        &server,
        format!("GET /echo HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status_of(&refused), 403, "{refused}");
    let missing = https_exchange(
        &server,
        "GET /image.png HTTP/1.1\r\nConnection: close\r\n\r\n".to_owned(),
    )
    .await;
    assert_eq!(status_of(&missing), 400, "{missing}");
    let served = https_exchange(
        &server,
        format!("GET /image.png HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status_of(&served), 200, "{served}");
    assert!(served.contains("nosniff"), "{served}");
}

#[tokio::test]
async fn the_message_limit_holds_on_the_tls_port() {
    use futures_util::{SinkExt, StreamExt};
    let server = start_with(Config {
        max_message_size: 1024,
        ..tls_config()
    })
    .await;
    let mut ws = wss(&server, "127.0.0.1", "/echo").await;
    echo_over(&mut ws, Message::binary(pattern(1024))).await;
    within("send", ws.send(Message::binary(pattern(1025))))
        .await
        .expect("send");
    match within("close", ws.next()).await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Size),
        other => panic!("expected close 1009, got {other:?}"),
    }
}

/// The status of a WebSocket handshake to `path` over TLS with `origin`.
async fn tls_handshake_status(server: &Server, path: &str, origin: &str) -> u16 {
    let port = tls_addr(server).port();
    within("handshake over TLS", async {
        let certificate = server.tls_certificate().expect("a certificate");
        let mut tls = tls_connect(server, certificate, "127.0.0.1")
            .await
            .expect("TLS handshake");
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
        );
        tls.write_all(request.as_bytes()).await.expect("write");
        // An accepted handshake stays open: read only the head.
        let mut head = Vec::new();
        let mut byte = [0_u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            let n = tls.read(&mut byte).await.expect("read the head");
            assert_eq!(n, 1, "closed inside the response head");
            head.push(byte[0]);
        }
        status_of(&String::from_utf8_lossy(&head))
    })
    .await
}

#[tokio::test]
async fn admin_paths_over_tls_take_the_tls_ports_own_origins() {
    let server = start_with(Config {
        admin: true,
        ..tls_config()
    })
    .await;
    let port = tls_addr(&server).port();
    let path = "/admin/requests?path=/echo";
    for refused in [
        format!("http://127.0.0.1:{port}"),
        format!("https://attacker.example:{port}"),
        "null".to_owned(),
    ] {
        assert_eq!(
            tls_handshake_status(&server, path, &refused).await,
            403,
            "{refused}"
        );
    }
    for allowed in [
        format!("https://127.0.0.1:{port}"),
        format!("https://localhost:{port}"),
    ] {
        assert_eq!(
            tls_handshake_status(&server, path, &allowed).await,
            101,
            "{allowed}"
        );
    }
}

#[tokio::test]
async fn a_client_without_a_tls_handshake_is_dropped_within_the_head_timeout() {
    let server = start_with(Config {
        header_timeout: Duration::from_millis(300),
        ..tls_config()
    })
    .await;
    for request in [&b""[..], b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"] {
        let started = std::time::Instant::now();
        let mut tcp = TcpStream::connect(tls_addr(&server))
            .await
            .expect("connect");
        tcp.write_all(request).await.expect("write");
        let mut rest = Vec::new();
        // Plain HTTP is no ClientHello: the server gives up at once or at the timeout.
        let _ = within(
            "the server drops the connection",
            tcp.read_to_end(&mut rest),
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(!String::from_utf8_lossy(&rest).contains("HTTP/1.1 101"));
    }
}

#[tokio::test]
async fn an_outage_closes_both_ports_and_both_come_back() {
    let server = start_with(Config {
        admin: true,
        ..tls_config()
    })
    .await;
    let answer = crate::common::admin(&server, "/admin/outage?ms=300").await;
    assert!(answer.starts_with("outage of 300 ms"), "{answer}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(TcpStream::connect(tls_addr(&server)).await.is_err());
    assert!(TcpStream::connect(server.local_addr()).await.is_err());
    within("the ports come back", async {
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if TcpStream::connect(tls_addr(&server)).await.is_ok()
                && TcpStream::connect(server.local_addr()).await.is_ok()
            {
                break;
            }
        }
    })
    .await;
    let mut ws = wss(&server, "localhost", "/echo").await;
    echo_over(&mut ws, Message::text("back")).await;
}

#[tokio::test]
async fn the_binary_announces_both_urls() {
    let (_child, _stdout, urls) = spawn(&["--port", "0", "--tls-port", "0"]).await;
    let (ws, wss) = urls.split_once(' ').expect("two URLs");
    assert!(ws.starts_with("ws://127.0.0.1:"), "{urls}");
    let port: u16 = wss
        .strip_prefix("wss://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected {urls:?}"));
    assert_ne!(port, 0);
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_ok());
}
