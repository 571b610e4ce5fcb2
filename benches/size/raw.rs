//! The minimal app on web-sys alone, the floor the libraries are compared against:
//! connect, send a text and a binary message, receive both echoes, with no library
//! between the app and the browser (one promise per awaited event, nothing else).

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// Connects to an echo server at `url`, sends `hello` and three bytes, and returns the
/// number of bytes echoed back.
///
/// # Errors
/// A JS `Error` when the browser refuses the URL or the connection fails.
#[wasm_bindgen]
pub async fn run(url: String) -> Result<usize, JsError> {
    let ws = WebSocket::new(&url).map_err(failed)?;
    ws.set_binary_type(BinaryType::Arraybuffer);
    let opened = Promise::new(&mut |resolve, reject| {
        ws.set_onopen(Some(&resolve));
        ws.set_onerror(Some(&reject));
    });
    JsFuture::from(opened).await.map_err(failed)?;
    ws.send_with_str("hello").map_err(failed)?;
    ws.send_with_u8_array(&[1, 2, 3]).map_err(failed)?;
    let mut received = 0;
    for _ in 0..2 {
        // Set again before the next message event: the promise settles in a microtask.
        let next = Promise::new(&mut |resolve, _| ws.set_onmessage(Some(&resolve)));
        let event: MessageEvent = JsFuture::from(next).await.map_err(failed)?.unchecked_into();
        let data = event.data();
        if let Some(text) = data.as_string() {
            received += text.len();
        } else if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
            received += Uint8Array::new(buffer).to_vec().len();
        }
    }
    ws.close().map_err(failed)?;
    Ok(received)
}

fn failed<E>(_: E) -> JsError {
    JsError::new("failed")
}
