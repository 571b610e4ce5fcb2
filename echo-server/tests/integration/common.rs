//! Helpers shared by the integration tests.

use std::{future::Future, net::SocketAddr, time::Duration};

use echo_server::{Config, Server};
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{
    connect_async_with_config,
    tungstenite::{protocol::CloseFrame, Message},
    MaybeTlsStream, WebSocketStream,
};

/// Upper bound for any single step of a test.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A WebSocket client connection.
pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Runs `future`, failing the test if it takes longer than [`TIMEOUT`].
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(TIMEOUT, future).await {
        Ok(output) => output,
        Err(_) => panic!("timed out after {TIMEOUT:?}: {what}"),
    }
}

/// A configuration on 127.0.0.1 with a free port.
pub fn config() -> Config {
    Config {
        port: 0,
        ..Config::default()
    }
}

/// [`config`] with the admin paths on.
pub fn admin_config() -> Config {
    Config {
        admin: true,
        ..config()
    }
}

/// Starts a server with `config`.
pub async fn start_with(config: Config) -> Server {
    within("server start", echo_server::serve(config))
        .await
        .expect("server starts")
}

/// Starts a server with the default settings on a free port.
pub async fn start() -> Server {
    start_with(config()).await
}

/// `ws://127.0.0.1:PORT` + `path`.
pub fn url(server: &Server, path: &str) -> String {
    format!("{}{path}", server.ws_url())
}

/// Opens a WebSocket to `path`, panicking if the handshake fails.
pub async fn connect(server: &Server, path: &str) -> Client {
    let (ws, _response) = within(
        "connect",
        connect_async_with_config(url(server, path), None, true),
    )
    .await
    .unwrap_or_else(|err| panic!("handshake with {path} failed: {err}"));
    ws
}

/// The next message, panicking on timeout, end of stream or error.
pub async fn next_message(ws: &mut Client) -> Message {
    within("next message", ws.next())
        .await
        .expect("stream ended early")
        .expect("read error")
}

/// Sends one message and flushes it.
pub async fn send(ws: &mut Client, message: Message) {
    within("send", ws.send(message)).await.expect("send works");
}

/// Sends `message` and checks that the same message comes back.
pub async fn assert_echo(ws: &mut Client, message: Message) {
    send(ws, message.clone()).await;
    assert_eq!(next_message(ws).await, message);
}

/// The next message must be a close frame; returns its payload.
pub async fn expect_close(ws: &mut Client) -> Option<CloseFrame> {
    match next_message(ws).await {
        Message::Close(frame) => frame,
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// After a close exchange, the stream must end cleanly.
pub async fn expect_end(ws: &mut Client) {
    match within("end of stream", ws.next()).await {
        None => {}
        Some(other) => panic!("expected the end of the stream, got {other:?}"),
    }
}

/// The head (and body, when read to the end) of a raw HTTP response.
#[derive(Debug)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Header lines in order.
    pub headers: Vec<(String, String)>,
    /// Bytes after the head.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn parse(bytes: &[u8]) -> Self {
        let end = find(bytes, b"\r\n\r\n").expect("complete response head");
        let head = std::str::from_utf8(&bytes[..end]).expect("ASCII response head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line");
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Self {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends raw bytes and reads until the server closes the connection.
pub async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    within("raw exchange", async {
        let mut tcp = TcpStream::connect(addr).await.expect("TCP connect");
        tcp.write_all(request).await.expect("write request");
        let mut response = Vec::new();
        // A reset after the answer is fine: keep what was read.
        let _ = tcp.read_to_end(&mut response).await;
        response
    })
    .await
}

/// Sends raw bytes and reads until the end of a response head or until the
/// server closes the connection (a refused upgrade may keep it alive).
pub async fn raw_answer_head(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    within("raw answer", async {
        let mut tcp = TcpStream::connect(addr).await.expect("TCP connect");
        tcp.write_all(request).await.expect("write request");
        let mut response = Vec::new();
        let mut chunk = [0_u8; 1024];
        while find(&response, b"\r\n\r\n").is_none() {
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&chunk[..n]),
            }
        }
        response
    })
    .await
}

/// A plain `GET path` with `Connection: close`, read to the end.
pub async fn http_get(addr: SocketAddr, path: &str) -> RawResponse {
    http_get_with(addr, path, &[]).await
}

/// [`http_get`] with `extra` header lines; a `Host:` line among them replaces
/// the default `Host: IP:PORT`.
pub async fn http_get_with(addr: SocketAddr, path: &str, extra: &[&str]) -> RawResponse {
    let mut request = format!(
        "GET {path} HTTP/1.1\r\n{}Connection: close\r\n",
        host_line(addr, extra)
    );
    for line in extra {
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    RawResponse::parse(&raw_exchange(addr, request.as_bytes()).await)
}

/// `Host: IP:PORT\r\n`, or nothing when `extra` has a `Host:` line of its own.
fn host_line(addr: SocketAddr, extra: &[&str]) -> String {
    if extra
        .iter()
        .any(|line| line.to_ascii_lowercase().starts_with("host:"))
    {
        String::new()
    } else {
        format!("Host: {addr}\r\n")
    }
}

/// Sends a WebSocket handshake by hand (with `extra` header lines; a `Host:`
/// line among them replaces the default) and reads the response head; returns
/// the still open connection too.
pub async fn raw_handshake(
    addr: SocketAddr,
    path: &str,
    extra: &[&str],
) -> (TcpStream, RawResponse) {
    within("raw handshake", async {
        let mut tcp = TcpStream::connect(addr).await.expect("TCP connect");
        let mut request = format!(
            "GET {path} HTTP/1.1\r\n{}Upgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
            host_line(addr, extra)
        );
        for line in extra {
            request.push_str(line);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        tcp.write_all(request.as_bytes())
            .await
            .expect("write handshake");
        let mut head = Vec::new();
        let mut byte = [0_u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            let n = tcp.read(&mut byte).await.expect("read response head");
            assert_eq!(n, 1, "connection closed inside the response head");
            head.push(byte[0]);
        }
        (tcp, RawResponse::parse(&head))
    })
    .await
}

/// Opens the admin WebSocket `path_and_query` (as a native client: no `Origin`)
/// and returns its one text answer.
pub async fn admin(server: &Server, path_and_query: &str) -> String {
    let mut ws = connect(server, path_and_query).await;
    match next_message(&mut ws).await {
        Message::Text(text) => text.as_str().to_owned(),
        other => panic!("expected a text answer from {path_and_query}, got {other:?}"),
    }
}

/// The HTTP status of a refused WebSocket handshake to `path` with `extra` headers.
pub async fn refused_handshake(server: &Server, path: &str, extra: &[&str]) -> RawResponse {
    let (_tcp, response) = raw_handshake(server.local_addr(), path, extra).await;
    assert_ne!(response.status, 101, "{path} {extra:?} was accepted");
    response
}

/// Deterministic pseudo-random bytes.
pub fn pattern(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}
