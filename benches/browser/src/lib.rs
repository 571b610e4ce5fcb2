//! The Rust contenders of `cargo xtask bench`, exported to the bench page
//! (`benches/browser/www/`), which also holds the JavaScript ones.
//!
//! Every contender runs the same workloads, as a user of its API would write them:
//!
//! - `*_binary(url, count, size)`: `count` binary messages of `size` bytes sent at
//!   once (pipelined), then every echo received; resolves with the time taken in ms.
//!   Each message carries its index in its first 4 bytes; every echo is checked for
//!   length and index (so order is checked too). W1 and W3.
//! - `*_text(url, count, size)`: the same with distinct texts of `size` ASCII bytes,
//!   every echo compared with what was sent. W2.
//! - `*_round_trips(url, count, size)`: `count` sequential round trips of `size`
//!   bytes; resolves with the time of each in ms. W4.
//!
//! Contenders: [`ours_stream`] (this crate's `Stream` and `Sink`), [`ours_callbacks`]
//! (`send_bytes`/`send_text` and `on_message`), [`gloo`] (gloo-net's futures
//! WebSocket), [`ws_stream`] (ws_stream_wasm's `WsStream`). [`canvas`] has the canvas round trips (W5) with this crate, and
//! [`memory`] the connect/close cycles and the message flood whose memory the page
//! samples.
//!
//! Connecting and closing are outside the timed part. Each function closes its socket
//! and waits for the close before resolving, so the next run starts clean.
#![allow(missing_docs)] // The exports are documented at the module level.

pub mod canvas;
mod check;
pub mod gloo;
pub mod memory;
pub mod ours_callbacks;
pub mod ours_stream;
pub mod ws_stream;

use wasm_bindgen::prelude::wasm_bindgen;

/// How many event listeners wasm-websocket holds in this page.
#[wasm_bindgen]
#[must_use]
pub fn live_listeners() -> usize {
    wasm_websocket::live_listeners()
}
