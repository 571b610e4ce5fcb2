//! Helpers shared by the browser tests: the echo server's address, a timeout for every
//! await, and shortcuts for connecting and receiving.
#![allow(dead_code)]

use core::future::Future;

use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_websocket::{Message, WebSocket};

/// The echo server the test harness (`cargo xtask test`) started, as `ws://host:port`
/// (`wss://host:port`, its TLS port, for tests/wss.rs).
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
export function admin_answer(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let answered = false;
    ws.onmessage = (event) => {
      answered = true;
      resolve(String(event.data));
      ws.close();
    };
    ws.onclose = (event) => {
      if (!answered) {
        reject(new Error(`${url}: closed (${event.code}) before answering; the echo server ` +
          `must run with --admin --admin-origin ${location.origin} (cargo xtask test does)`));
      }
    };
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn admin_answer(url: &str) -> Result<JsValue, JsValue>;
}

/// Asks an admin path of the echo server (e.g. `/admin/outage?ms=500`) and returns its
/// answer. Admin paths are WebSocket handshakes that answer with one text message; the
/// server accepts them from this page's origin because the harness starts it with
/// `--admin --admin-origin <the test runner's origin>`.
pub async fn admin(path_and_query: &str) -> String {
    let url = format!("{ECHO_BASE}{path_and_query}");
    wait(&format!("admin {url}"), admin_answer(&url))
        .await
        .unwrap_or_else(|e| panic!("admin {url}: {e:?}"))
        .as_string()
        .expect("a text answer")
}

/// How many requests for `path` the echo server has received since it started.
pub async fn requests(path: &str) -> u64 {
    admin(&format!("/admin/requests?path={path}"))
        .await
        .parse()
        .expect("a count")
}

/// Runs the test binary in the page. A suite calls it as `crate::place!()` after
/// `use common::in_the_page as place;`: as its own test binary, that is this macro;
/// compiled as a module of another binary (tests/worker/*.rs, tests/wss.rs), whose
/// own `place!` expands to nothing, the suite runs where that binary says.
/// (`wasm-bindgen-test-runner` reads the setting from the whole binary, and "in the
/// page" wins over any other, so a suite must not say it there.)
#[allow(unused_macros)] // in those other binaries
macro_rules! in_the_page {
    () => {
        wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
    };
}
#[allow(unused_imports)] // in suites that are not compiled into other binaries
pub(crate) use in_the_page;

/// Milliseconds since the epoch, for measuring.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The wasm linear memory's size in bytes (it only ever grows).
pub fn wasm_memory() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            f64::from(
                memory
                    .buffer()
                    .unchecked_into::<js_sys::ArrayBuffer>()
                    .byte_length(),
            )
        })
        .unwrap_or_default()
}
