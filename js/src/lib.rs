//! The JavaScript-facing API of `wasm-websocket`: [`WasmSocket`] and
//! `ReconnectingSocket`, exported with `#[wasm_bindgen]` for web apps that import the
//! npm package `cargo xtask pack` builds from this crate.
//!
//! It only adapts the library's Rust types to JavaScript ones; every behaviour (URL and
//! close checks, ordering, owned listeners) is the Rust API's.
//!
//! | JavaScript | Rust |
//! |---|---|
//! | `WasmSocket.connect(url, options?)` | [`WebSocket::builder`](wasm_websocket::WebSocket::builder)`(..).connect()` |
//! | `sendText`, `sendBytes`, `sendArrayBuffer`, `sendBlob` | `send_text`, `send_view`, `send_array_buffer`, `send_blob` |
//! | `onMessage`, `onClose`, `onError` | `on_message`, `on_close`, `on_error` (the [`Subscription`](wasm_websocket::Subscription)s are held until `free()`) |
//! | `nextMessage()` | the socket's `Stream` |
//! | `close(code?, reason?)`, `closed` | `close_with`, `closed()` |
//! | `sendCanvas`, `sendCanvasPixels`, `drawMessage` | [`canvas`](wasm_websocket::canvas) (feature `canvas`) |
//! | a thrown or rejected `Error` named after the kind | [`Error`](wasm_websocket::Error) |
//! | `new ReconnectingSocket(url, { reconnect })`, `nextEvent()`, `onEvent` | [`ReconnectingWebSocket`](wasm_websocket::ReconnectingWebSocket) and its [`Event`](wasm_websocket::reconnect::Event)s (feature `reconnect`) |
//! | `WasmSocket.connect(url, { reconnect })` | the same `ReconnectingSocket`, from the one entry point |
//! | a `UrlProvider` function instead of the URL, `retryPolicy` | [`Provider`](wasm_websocket::reconnect::Provider), [`RetryPolicy`](wasm_websocket::reconnect::RetryPolicy) |
//! | `ready()`, `sendWhenReady(data)` | `ready()`, `send_*_when_ready` |
//!
//! ```js
//! import init, { WasmSocket } from "wasm-websocket";
//!
//! await init();
//! const ws = await WasmSocket.connect("wss://example.com/echo", { protocols: ["echo"] });
//! ws.sendText("hello");
//! console.log(await ws.nextMessage()); // "hello"
//! ws.close(4000, "done");
//! console.log(await ws.closed); // { code: 4000, reason: "done", wasClean: true }
//! ws.free();
//! ```

mod callbacks;
#[cfg(feature = "canvas")]
mod canvas;
mod convert;
mod error;
#[cfg(feature = "reconnect")]
mod events;
mod in_order;
#[cfg(feature = "reconnect")]
mod network_options;
mod number;
mod options;
#[cfg(feature = "reconnect")]
mod policy;
#[cfg(feature = "reconnect")]
mod provider;
mod reader;
#[cfg(feature = "reconnect")]
mod reconnect_options;
#[cfg(feature = "reconnect")]
mod reconnecting;
mod socket;
mod typescript;

#[cfg(feature = "reconnect")]
pub use reconnecting::WasmReconnectingSocket;
pub use socket::{live_listeners_js, WasmSocket};
