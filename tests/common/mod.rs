//! Helpers shared by the browser tests: the echo server's address, a timeout for every
//! await, and shortcuts for connecting and receiving.
#![allow(dead_code)]

use core::future::Future;

use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_websocket::{Message, WebSocket};

/// The echo server the test harness (`cargo xtask test`) started, as `ws://host:port`.
pub const ECHO_BASE: &str = match option_env!("WASM_WEBSOCKET_ECHO") {
    Some(url) => url,
    None => "ws://127.0.0.1:47301",
};

/// A `ws://` URL on which nothing listens, chosen by the harness.
pub const CLOSED_URL: &str = match option_env!("WASM_WEBSOCKET_CLOSED_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9/",
};

/// How long one await may take before its test fails.
pub const TIMEOUT_MS: u32 = 10_000;

/// A path on the echo server, e.g. `url("/echo")`.
pub fn url(path: &str) -> String {
    format!("{ECHO_BASE}{path}")
}

/// Awaits `future`, failing the test if it takes longer than `ms`.
pub async fn within<F: Future>(ms: u32, what: &str, future: F) -> F::Output {
    let future = Box::pin(future);
    match select(future, TimeoutFuture::new(ms)).await {
        Either::Left((output, _)) => output,
        Either::Right(_) => panic!("timed out after {ms} ms: {what}"),
    }
}

/// Awaits `future` with the default timeout.
pub async fn wait<F: Future>(what: &str, future: F) -> F::Output {
    within(TIMEOUT_MS, what, future).await
}

/// Connects to the echo path.
pub async fn echo() -> WebSocket {
    wait("connect to /echo", WebSocket::connect(&url("/echo")))
        .await
        .expect("connect to /echo")
}

/// Connects to the echo path with binary messages received as Blobs.
pub async fn echo_blob_mode() -> WebSocket {
    wait(
        "connect to /echo in Blob mode",
        WebSocket::builder(url("/echo"))
            .binary_type(wasm_websocket::BinaryType::Blob)
            .connect(),
    )
    .await
    .expect("connect to /echo in Blob mode")
}

/// The next message, which must be there and not an error.
pub async fn next<S>(stream: &mut S) -> Message
where
    S: futures::Stream<Item = wasm_websocket::Result<Message>> + Unpin,
{
    wait("next message", stream.next())
        .await
        .expect("the stream ended early")
        .expect("an error instead of a message")
}

/// Waits for a few turns of the event loop, so that events already queued are seen.
pub async fn settle(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Bytes with a recognisable pattern.
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[wasm_bindgen(inline_js = r#"
export async function fetch_text(url) {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
  return text;
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn fetch_text(url: &str) -> Result<JsValue, JsValue>;
}

/// GETs an admin path of the echo server over HTTP (e.g. `/admin/outage?ms=500`) and
/// returns the body.
pub async fn admin(path_and_query: &str) -> String {
    let base = ECHO_BASE.replacen("ws://", "http://", 1);
    let url = format!("{base}{path_and_query}");
    wait(&format!("GET {url}"), fetch_text(&url))
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e:?}"))
        .as_string()
        .expect("a text body")
}

/// How many requests for `path` the echo server has received since it started.
pub async fn requests(path: &str) -> u64 {
    admin(&format!("/admin/requests?path={path}"))
        .await
        .parse()
        .expect("a count")
}

/// Milliseconds since the epoch, for measuring.
pub fn now() -> f64 {
    js_sys::Date::now()
}
