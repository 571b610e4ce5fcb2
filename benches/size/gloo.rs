//! The minimal app with gloo-net: connect, send a text and a binary message, receive
//! both echoes. `cargo xtask size` compares it with `ours.rs`.

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::Message;
use wasm_bindgen::prelude::*;

/// Connects to an echo server at `url`, sends `hello` and three bytes, and returns the
/// number of bytes echoed back.
///
/// # Errors
/// gloo-net's error, as a JS `Error`.
#[wasm_bindgen]
pub async fn run(url: String) -> Result<usize, JsError> {
    let mut ws = WebSocket::open(&url).map_err(failed)?;
    ws.send(Message::Text("hello".to_owned()))
        .await
        .map_err(failed)?;
    ws.send(Message::Bytes(vec![1, 2, 3]))
        .await
        .map_err(failed)?;
    let mut received = 0;
    for _ in 0..2 {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => received += text.len(),
            Some(Ok(Message::Bytes(bytes))) => received += bytes.len(),
            Some(Err(error)) => return Err(failed(error)),
            None => break,
        }
    }
    ws.close(None, None).map_err(failed)?;
    Ok(received)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
