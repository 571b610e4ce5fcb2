//! The memory workloads: connect/close cycles and a long message flood with this
//! crate, calling the page's `sample()` (which collects garbage and records the wasm
//! memory, the JS heap and the live listeners) every `every` cycles or messages.

use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_websocket::WebSocket;

use crate::check::{self, ended, failed};
use crate::ours_stream::finish;

fn sample(sampler: &js_sys::Function) -> Result<(), JsError> {
    sampler
        .call0(&JsValue::UNDEFINED)
        .map(drop)
        .map_err(|_| JsError::new("the page's sample() threw"))
}

/// `cycles` times: connect, close, wait for the close.
#[wasm_bindgen]
pub async fn memory_cycles(
    url: String,
    cycles: u32,
    every: u32,
    sampler: js_sys::Function,
) -> Result<(), JsError> {
    sample(&sampler)?;
    for cycle in 1..=cycles {
        let ws = WebSocket::connect(&url).await.map_err(failed)?;
        finish(ws).await?;
        if cycle % every.max(1) == 0 {
            sample(&sampler)?;
        }
    }
    Ok(())
}

/// `count` binary messages of `size` bytes on one socket, in batches of `batch`
/// pipelined messages, each echo checked.
#[wasm_bindgen]
pub async fn memory_messages(
    url: String,
    count: u32,
    size: u32,
    batch: u32,
    every: u32,
    sampler: js_sys::Function,
) -> Result<(), JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let mut payload = check::payload(size);
    let batch = batch.max(1);
    let every = every.max(1);
    sample(&sampler)?;
    let mut sent = 0;
    while sent < count {
        let first = sent;
        let end = count.min(first + batch);
        for index in first..end {
            check::stamp(&mut payload, index);
            ws.send_bytes(&payload).map_err(failed)?;
        }
        for index in first..end {
            let echo = ws
                .next()
                .await
                .ok_or_else(|| ended(index))?
                .map_err(failed)?;
            check::binary(echo.as_bytes(), index, size)?;
        }
        sent = end;
        if sent / every != first / every {
            sample(&sampler)?;
        }
    }
    finish(ws).await
}

/// `count` messages pushed by the server (`url` is its `/push`), read from the
/// stream and checked, sampling every `every` messages.
#[wasm_bindgen]
pub async fn memory_push(
    url: String,
    count: u32,
    size: u32,
    every: u32,
    sampler: js_sys::Function,
) -> Result<(), JsError> {
    let mut ws = WebSocket::connect(&url).await.map_err(failed)?;
    let every = every.max(1);
    sample(&sampler)?;
    ws.send_text(check::START).map_err(failed)?;
    for index in 0..count {
        let message = ws
            .next()
            .await
            .ok_or_else(|| ended(index))?
            .map_err(failed)?;
        check::binary(message.as_bytes(), index, size)?;
        if (index + 1) % every == 0 {
            sample(&sampler)?;
        }
    }
    finish(ws).await
}
