//! W5 with this crate: a 512x512 canvas sent as a PNG (`send_canvas_image`) or as raw
//! pixels (`send_canvas_pixels`), echoed, and drawn into another canvas
//! (`draw_message`). Resolves with the time of each round trip, in ms.

use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_websocket::canvas::{draw_message, send_canvas_image, send_canvas_pixels, ImageFormat};
use wasm_websocket::{Message, WebSocket};
use web_sys::HtmlCanvasElement;

use crate::check::{ended, failed, now};
use crate::ours_stream::finish;

/// Checks an echo's length and what was drawn.
fn check(
    index: u32,
    echo: &Message,
    sent: usize,
    drawn: (u32, u32),
    source: &HtmlCanvasElement,
) -> Result<(), JsError> {
    let len = echo.as_bytes().map_or(0, <[u8]>::len);
    if len != sent {
        return Err(JsError::new(&format!(
            "canvas echo {index}: {len} bytes, sent {sent}"
        )));
    }
    if drawn != (source.width(), source.height()) {
        return Err(JsError::new(&format!(
            "canvas echo {index}: drew {drawn:?}"
        )));
    }
    Ok(())
}

#[wasm_bindgen]
pub async fn ours_canvas_image(
    url: String,
    source: HtmlCanvasElement,
    target: HtmlCanvasElement,
    count: u32,
) -> Result<Vec<f64>, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let mut times = Vec::with_capacity(count as usize);
    for index in 0..count {
        let start = now();
        let blob = send_canvas_image(&ws, &source, ImageFormat::Png)
            .await
            .map_err(failed)?;
        let echo = ws
            .next()
            .await
            .ok_or_else(|| ended(index))?
            .map_err(failed)?;
        let drawn = draw_message(&target, &echo).await.map_err(failed)?;
        times.push(now() - start);
        check(index, &echo, blob.size() as usize, drawn, &source)?;
    }
    finish(ws).await?;
    Ok(times)
}

#[wasm_bindgen]
pub async fn ours_canvas_pixels(
    url: String,
    source: HtmlCanvasElement,
    target: HtmlCanvasElement,
    count: u32,
) -> Result<Vec<f64>, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let mut times = Vec::with_capacity(count as usize);
    for index in 0..count {
        let start = now();
        let sent = send_canvas_pixels(&ws, &source).map_err(failed)?;
        let echo = ws
            .next()
            .await
            .ok_or_else(|| ended(index))?
            .map_err(failed)?;
        let drawn = draw_message(&target, &echo).await.map_err(failed)?;
        times.push(now() - start);
        check(index, &echo, sent, drawn, &source)?;
    }
    finish(ws).await?;
    Ok(times)
}
