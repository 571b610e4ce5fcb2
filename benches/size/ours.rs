//! The minimal app with wasm-websocket: connect, send a text and a binary message,
//! receive both echoes. `cargo xtask size` compares it with `gloo.rs`.

use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_websocket::{Message, WebSocket};

/// Connects to an echo server at `url`, sends `hello` and three bytes, and returns the
/// number of bytes echoed back.
///
/// # Errors
/// The library's error, as a JS `Error`.
#[wasm_bindgen]
pub async fn run(url: String) -> Result<usize, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    ws.send_text("hello").map_err(failed)?;
    ws.send_bytes(&[1, 2, 3]).map_err(failed)?;
    let mut received = 0;
    for _ in 0..2 {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => received += text.len(),
            Some(Ok(Message::Binary(bytes))) => received += bytes.len(),
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(failed(error)),
            None => break,
        }
    }
    ws.close().map_err(failed)?;
    Ok(received)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
