//! Contender "ws_stream_wasm": its `WsStream` (`Sink` and `Stream` of owned
//! `WsMessage`s) from `WsMeta::connect`, as its documentation shows.

use futures::{SinkExt, StreamExt};
use wasm_bindgen::prelude::*;
use ws_stream_wasm::{WsMessage, WsMeta, WsStream};

use crate::check::{self, ended, failed, now};

async fn open(url: &str) -> Result<(WsMeta, WsStream), JsError> {
    WsMeta::connect(url, None).await.map_err(failed)
}

fn bytes(message: Option<WsMessage>, index: u32) -> Result<Vec<u8>, JsError> {
    match message {
        Some(WsMessage::Binary(bytes)) => Ok(bytes),
        Some(WsMessage::Text(_)) => {
            Err(JsError::new(&format!("echo {index}: not a binary message")))
        }
        None => Err(ended(index)),
    }
}

/// Closes (code 1000) and waits for the close.
async fn finish(meta: &WsMeta) -> Result<(), JsError> {
    meta.close().await.map_err(failed)?;
    Ok(())
}

#[wasm_bindgen]
pub async fn ws_stream_binary(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let (meta, mut ws) = open(&url).await?;
    let template = check::payload(size);
    let start = now();
    for index in 0..count {
        let mut payload = template.clone();
        check::stamp(&mut payload, index);
        ws.feed(WsMessage::Binary(payload)).await.map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for index in 0..count {
        let echo = bytes(ws.next().await, index)?;
        check::binary(Some(&echo), index, size)?;
    }
    let elapsed = now() - start;
    finish(&meta).await?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn ws_stream_text(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let (meta, mut ws) = open(&url).await?;
    let texts = check::texts(count, size);
    let start = now();
    for text in &texts {
        ws.feed(WsMessage::Text(text.clone()))
            .await
            .map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for (index, expected) in (0..count).zip(&texts) {
        let text = match ws.next().await {
            Some(WsMessage::Text(text)) => Some(text),
            Some(WsMessage::Binary(_)) => None,
            None => return Err(ended(index)),
        };
        check::text(text.as_deref(), expected, index)?;
    }
    let elapsed = now() - start;
    finish(&meta).await?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn ws_stream_round_trips(
    url: String,
    count: u32,
    size: u32,
) -> Result<Vec<f64>, JsError> {
    let (meta, mut ws) = open(&url).await?;
    let mut payload = check::payload(size);
    let mut times = Vec::with_capacity(count as usize);
    for index in 0..count {
        check::stamp(&mut payload, index);
        let start = now();
        ws.send(WsMessage::Binary(payload.clone()))
            .await
            .map_err(failed)?;
        let echo = bytes(ws.next().await, index)?;
        times.push(now() - start);
        check::binary(Some(&echo), index, size)?;
    }
    finish(&meta).await?;
    Ok(times)
}

/// W6: the server pushes `count` messages (after the start signal); each is read
/// from the `Stream` and checked.
#[wasm_bindgen]
pub async fn ws_stream_push(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let (meta, mut ws) = open(&url).await?;
    ws.send(WsMessage::Text(check::START.to_owned()))
        .await
        .map_err(failed)?;
    let start = now();
    for index in 0..count {
        let echo = bytes(ws.next().await, index)?;
        check::binary(Some(&echo), index, size)?;
    }
    let elapsed = now() - start;
    finish(&meta).await?;
    Ok(elapsed)
}
