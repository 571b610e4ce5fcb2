//! Contender "ours (Stream/Sink)": messages go out through wasm-websocket's `Sink`
//! (owned [`Message`]s, as a `Sink` user builds them) and come back through its
//! `Stream`.

use futures::{SinkExt, StreamExt};
use wasm_bindgen::prelude::*;
use wasm_websocket::{Message, WebSocket};

use crate::check::{self, ended, failed, now};

#[wasm_bindgen]
pub async fn ours_stream_binary(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let template = check::payload(size);
    let start = now();
    for index in 0..count {
        let mut bytes = template.clone();
        check::stamp(&mut bytes, index);
        ws.feed(Message::Binary(bytes)).await.map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for index in 0..count {
        let message = ws.next().await.ok_or_else(|| ended(index))?;
        check::binary(message.map_err(failed)?.as_bytes(), index, size)?;
    }
    let elapsed = now() - start;
    finish(ws).await?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn ours_stream_text(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let texts = check::texts(count, size);
    let start = now();
    for text in &texts {
        ws.feed(Message::Text(text.clone())).await.map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for (index, expected) in (0..count).zip(&texts) {
        let message = ws.next().await.ok_or_else(|| ended(index))?;
        check::text(message.map_err(failed)?.as_text(), expected, index)?;
    }
    let elapsed = now() - start;
    finish(ws).await?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn ours_stream_round_trips(
    url: String,
    count: u32,
    size: u32,
) -> Result<Vec<f64>, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let mut bytes = check::payload(size);
    let mut times = Vec::with_capacity(count as usize);
    for index in 0..count {
        check::stamp(&mut bytes, index);
        let start = now();
        ws.send(Message::Binary(bytes.clone()))
            .await
            .map_err(failed)?;
        let message = ws.next().await.ok_or_else(|| ended(index))?;
        times.push(now() - start);
        check::binary(message.map_err(failed)?.as_bytes(), index, size)?;
    }
    finish(ws).await?;
    Ok(times)
}

/// Closes (code 1000) and waits for the close.
pub(crate) async fn finish(ws: WebSocket) -> Result<(), JsError> {
    ws.close().map_err(failed)?;
    ws.closed().await;
    Ok(())
}

/// W6: the server pushes `count` messages (after the start signal); each is read
/// from the `Stream` and checked.
#[wasm_bindgen]
pub async fn ours_stream_push(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    ws.send_text(check::START).map_err(failed)?;
    let start = now();
    for index in 0..count {
        let message = ws.next().await.ok_or_else(|| ended(index))?;
        check::binary(message.map_err(failed)?.as_bytes(), index, size)?;
    }
    let elapsed = now() - start;
    finish(ws).await?;
    Ok(elapsed)
}
