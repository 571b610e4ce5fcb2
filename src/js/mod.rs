//! The JavaScript-facing API (cargo feature `js`): [`WasmSocket`], exported with
//! `#[wasm_bindgen]` for web apps that import the npm package `cargo xtask pack` builds.
//!
//! It only adapts this crate's Rust types to JavaScript ones; every behaviour (URL and
//! close checks, ordering, owned listeners) is the Rust API's.
//!
//! | JavaScript | Rust |
//! |---|---|
//! | `WasmSocket.connect(url, options?)` | [`WebSocket::builder`](crate::WebSocket::builder)`(..).connect()` |
//! | `sendText`, `sendBytes`, `sendArrayBuffer`, `sendBlob` | `send_text`, `send_view`, `send_array_buffer`, `send_blob` |
//! | `onMessage`, `onClose`, `onError` | `on_message`, `on_close`, `on_error` (the [`Subscription`](crate::Subscription)s are held until `free()`) |
//! | `nextMessage()` | the socket's `Stream` |
//! | `close(code?, reason?)`, `closed` | `close_with`, `closed()` |
//! | `sendCanvas`, `sendCanvasPixels`, `drawMessage` | [`canvas`](crate::canvas) (feature `canvas`) |
//! | a thrown or rejected `Error` named after the kind | [`Error`](crate::Error) |
//! | `new ReconnectingSocket(url, { reconnect })`, `nextEvent()`, `onEvent` | [`ReconnectingWebSocket`](crate::ReconnectingWebSocket) and its [`Event`](crate::reconnect::Event)s (feature `reconnect`) |
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
mod options;
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
