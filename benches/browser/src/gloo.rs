//! Contender "gloo-net": gloo-net's futures `WebSocket` (`Sink` and `Stream` of
//! owned messages), as its documentation shows.

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::Message;
use wasm_bindgen::prelude::*;

use crate::check::{self, ended, failed, now};

/// Opens a socket and waits until it is open, with one round trip (gloo-net has no
/// connect future: its first send waits for the open, which must not be timed).
async fn open(url: &str) -> Result<WebSocket, JsError> {
    let mut ws = WebSocket::open(url).map_err(failed)?;
    ws.send(Message::Text("open".to_owned()))
        .await
        .map_err(failed)?;
    match ws.next().await {
        Some(Ok(Message::Text(text))) if text == "open" => Ok(ws),
        _ => Err(JsError::new("gloo-net: no echo of the first message")),
    }
}

fn bytes(
    message: Option<Result<Message, gloo_net::websocket::WebSocketError>>,
    index: u32,
) -> Result<Vec<u8>, JsError> {
    match message {
        Some(Ok(Message::Bytes(bytes))) => Ok(bytes),
        Some(Ok(Message::Text(_))) => {
            Err(JsError::new(&format!("echo {index}: not a binary message")))
        }
        Some(Err(error)) => Err(failed(error)),
        None => Err(ended(index)),
    }
}

#[wasm_bindgen]
pub async fn gloo_binary(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = open(&url).await?;
    let template = check::payload(size);
    let start = now();
    for index in 0..count {
        let mut payload = template.clone();
        check::stamp(&mut payload, index);
        ws.feed(Message::Bytes(payload)).await.map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for index in 0..count {
        let echo = bytes(ws.next().await, index)?;
        check::binary(Some(&echo), index, size)?;
    }
    let elapsed = now() - start;
    ws.close(Some(1000), None).map_err(failed)?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn gloo_text(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = open(&url).await?;
    let texts = check::texts(count, size);
    let start = now();
    for text in &texts {
        ws.feed(Message::Text(text.clone())).await.map_err(failed)?;
    }
    ws.flush().await.map_err(failed)?;
    for (index, expected) in (0..count).zip(&texts) {
        let text = match ws.next().await {
            Some(Ok(Message::Text(text))) => Some(text),
            Some(Ok(Message::Bytes(_))) => None,
            Some(Err(error)) => return Err(failed(error)),
            None => return Err(ended(index)),
        };
        check::text(text.as_deref(), expected, index)?;
    }
    let elapsed = now() - start;
    ws.close(Some(1000), None).map_err(failed)?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn gloo_round_trips(url: String, count: u32, size: u32) -> Result<Vec<f64>, JsError> {
    let mut ws = open(&url).await?;
    let mut payload = check::payload(size);
    let mut times = Vec::with_capacity(count as usize);
    for index in 0..count {
        check::stamp(&mut payload, index);
        let start = now();
        ws.send(Message::Bytes(payload.clone()))
            .await
            .map_err(failed)?;
        let echo = bytes(ws.next().await, index)?;
        times.push(now() - start);
        check::binary(Some(&echo), index, size)?;
    }
    ws.close(Some(1000), None).map_err(failed)?;
    Ok(times)
}

/// W6: the server pushes `count` messages (after the start signal, whose send waits
/// for the open); each is read from the `Stream` and checked.
#[wasm_bindgen]
pub async fn gloo_push(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let mut ws = WebSocket::open(&url).map_err(failed)?;
    ws.send(Message::Text(check::START.to_owned()))
        .await
        .map_err(failed)?;
    let start = now();
    for index in 0..count {
        let echo = bytes(ws.next().await, index)?;
        check::binary(Some(&echo), index, size)?;
    }
    let elapsed = now() - start;
    ws.close(Some(1000), None).map_err(failed)?;
    Ok(elapsed)
}
