//! The minimal app of `ours.rs` through `ReconnectingWebSocket` (feature `reconnect`):
//! what reconnection costs an app that uses it.

use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_websocket::reconnect::{Event, ReconnectConfig};
use wasm_websocket::{Message, ReconnectingWebSocket, WebSocket};

/// Connects to an echo server at `url` (reconnecting if the connection is lost), sends
/// `hello` and three bytes, and returns the number of bytes echoed back.
///
/// # Errors
/// The library's error, as a JS `Error`.
#[wasm_bindgen]
pub async fn run(url: String) -> Result<usize, JsError> {
    let mut ws = ReconnectingWebSocket::new(WebSocket::builder(&url), ReconnectConfig::default());
    ws.send_text("hello").map_err(failed)?;
    ws.send_bytes(&[1, 2, 3]).map_err(failed)?;
    let mut received = 0;
    let mut messages = 0;
    while messages < 2 {
        match ws.next().await {
            Some(Event::Message(Message::Text(text))) => received += text.len(),
            Some(Event::Message(Message::Binary(bytes))) => received += bytes.len(),
            Some(Event::GaveUp { .. }) | None => return Err(failed(())),
            Some(_) => continue,
        }
        messages += 1;
    }
    ws.close().map_err(failed)?;
    Ok(received)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
