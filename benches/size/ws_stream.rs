//! The minimal app with ws_stream_wasm: connect, send a text and a binary message,
//! receive both echoes. `cargo xtask size` compares it with `ours.rs`.

use futures::{SinkExt, StreamExt};
use wasm_bindgen::prelude::*;
use ws_stream_wasm::{WsMessage, WsMeta};

/// Connects to an echo server at `url`, sends `hello` and three bytes, and returns the
/// number of bytes echoed back.
///
/// # Errors
/// ws_stream_wasm's error, as a JS `Error`.
#[wasm_bindgen]
pub async fn run(url: String) -> Result<usize, JsError> {
    let (meta, mut ws) = WsMeta::connect(&url, None).await.map_err(failed)?;
    ws.send(WsMessage::Text("hello".to_owned()))
        .await
        .map_err(failed)?;
    ws.send(WsMessage::Binary(vec![1, 2, 3]))
        .await
        .map_err(failed)?;
    let mut received = 0;
    for _ in 0..2 {
        match ws.next().await {
            Some(WsMessage::Text(text)) => received += text.len(),
            Some(WsMessage::Binary(bytes)) => received += bytes.len(),
            None => break,
        }
    }
    meta.close().await.map_err(failed)?;
    Ok(received)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
