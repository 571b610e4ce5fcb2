//! Contender "ours (callbacks)": messages go out through `send_bytes` / `send_text`
//! (no copy) and come back to an `on_message` callback; the socket's receiving half
//! is dropped, so it keeps no message for a stream.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::prelude::*;
use wasm_websocket::{Message, WebSocket, WebSocketSender};

use crate::check::{self, failed, now};

/// What a callback reports when it is done: `Ok` after the last echo, or the first
/// failed check.
type Done = oneshot::Sender<Result<(), JsError>>;

async fn connect(url: &str) -> Result<WebSocketSender, JsError> {
    let (sender, receiver) = WebSocket::connect(url).await.map_err(failed)?.split();
    drop(receiver);
    Ok(sender)
}

/// Reports `result` once: on failure, or when `done_now` (the last echo).
fn report(done: &mut Option<Done>, result: Result<(), JsError>, done_now: bool) {
    if result.is_err() || done_now {
        if let Some(done) = done.take() {
            let _ = done.send(result);
        }
    }
}

async fn wait(done: oneshot::Receiver<Result<(), JsError>>) -> Result<(), JsError> {
    done.await
        .map_err(|_| JsError::new("the callback was dropped before the last echo"))?
}

#[wasm_bindgen]
pub async fn ours_callbacks_binary(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let sender = connect(&url).await?;
    let (done, finished) = oneshot::channel();
    let mut done = Some(done);
    let mut next = 0;
    let subscription = sender.on_message(move |message: Message| {
        let result = check::binary(message.as_bytes(), next, size);
        next += 1;
        report(&mut done, result, next == count);
    });
    let mut payload = check::payload(size);
    let start = now();
    for index in 0..count {
        check::stamp(&mut payload, index);
        sender.send_bytes(&payload).map_err(failed)?;
    }
    wait(finished).await?;
    let elapsed = now() - start;
    drop(subscription);
    finish(&sender).await?;
    Ok(elapsed)
}

#[wasm_bindgen]
pub async fn ours_callbacks_text(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let sender = connect(&url).await?;
    let texts = Rc::new(check::texts(count, size));
    let (done, finished) = oneshot::channel();
    let mut done = Some(done);
    let mut next = 0;
    let expected = Rc::clone(&texts);
    let subscription = sender.on_message(move |message: Message| {
        let result = match expected.get(next as usize) {
            Some(expected) => check::text(message.as_text(), expected, next),
            None => Err(JsError::new("more echoes than messages sent")),
        };
        next += 1;
        report(&mut done, result, next == count);
    });
    let start = now();
    for text in texts.iter() {
        sender.send_text(text).map_err(failed)?;
    }
    wait(finished).await?;
    let elapsed = now() - start;
    drop(subscription);
    finish(&sender).await?;
    Ok(elapsed)
}

/// Each echo's callback sends the next message.
#[wasm_bindgen]
pub async fn ours_callbacks_round_trips(
    url: String,
    count: u32,
    size: u32,
) -> Result<Vec<f64>, JsError> {
    let sender = connect(&url).await?;
    let times = Rc::new(RefCell::new(Vec::with_capacity(count as usize)));
    let (done, finished) = oneshot::channel();
    let mut done = Some(done);
    let mut payload = check::payload(size);
    let mut next = 0;
    let mut sent_at = 0.0;
    let socket = sender.clone();
    let recorded = Rc::clone(&times);
    let mut send = move |index: u32, sent_at: &mut f64| {
        check::stamp(&mut payload, index);
        *sent_at = now();
        socket.send_bytes(&payload).map_err(failed)
    };
    send(0, &mut sent_at)?;
    let subscription = sender.on_message(move |message: Message| {
        recorded.borrow_mut().push(now() - sent_at);
        let mut result = check::binary(message.as_bytes(), next, size);
        next += 1;
        if result.is_ok() && next < count {
            result = send(next, &mut sent_at);
        }
        report(&mut done, result, next == count);
    });
    wait(finished).await?;
    drop(subscription);
    finish(&sender).await?;
    let times = times.take();
    Ok(times)
}

/// Closes (code 1000) and waits for the close.
pub(crate) async fn finish(sender: &WebSocketSender) -> Result<(), JsError> {
    sender.close().map_err(failed)?;
    sender.closed().await;
    Ok(())
}

/// W6: the server pushes `count` messages (after the start signal) to an
/// `on_message` callback, which checks each.
#[wasm_bindgen]
pub async fn ours_callbacks_push(url: String, count: u32, size: u32) -> Result<f64, JsError> {
    let sender = connect(&url).await?;
    let (done, finished) = oneshot::channel();
    let mut done = Some(done);
    let mut next = 0;
    let subscription = sender.on_message(move |message: Message| {
        let result = check::binary(message.as_bytes(), next, size);
        next += 1;
        report(&mut done, result, next == count);
    });
    sender.send_text(check::START).map_err(failed)?;
    let start = now();
    wait(finished).await?;
    let elapsed = now() - start;
    drop(subscription);
    finish(&sender).await?;
    Ok(elapsed)
}
