//! The minimal app of `ours.rs` that also sends a canvas as raw pixels and draws the
//! echo into another (feature `canvas`): what the canvas functions cost an app that
//! uses them.

use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_websocket::canvas::{draw_message, send_canvas_pixels};
use wasm_websocket::WebSocket;
use web_sys::HtmlCanvasElement;

/// Connects to an echo server at `url`, sends `hello` and the pixels of `source`, and
/// draws the pixels that come back into `destination`; returns their width.
///
/// # Errors
/// The library's error, as a JS `Error`.
#[wasm_bindgen]
pub async fn run(
    url: String,
    source: HtmlCanvasElement,
    destination: HtmlCanvasElement,
) -> Result<u32, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    ws.send_text("hello").map_err(failed)?;
    send_canvas_pixels(&ws, &source).map_err(failed)?;
    let mut width = 0;
    for _ in 0..2 {
        match ws.next().await {
            Some(Ok(message)) if !message.is_text() => {
                width = draw_message(&destination, &message)
                    .await
                    .map_err(failed)?
                    .0;
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(failed(error)),
            None => break,
        }
    }
    ws.close().map_err(failed)?;
    Ok(width)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
