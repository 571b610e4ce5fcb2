//! A received text copied into a Rust `String` by the browser's `TextEncoder.encodeInto`,
//! which writes UTF-8 straight into the `String`'s buffer in wasm memory.
//!
//! wasm-bindgen's own conversion (`JsValue::as_string`) copies a string one UTF-16
//! unit at a time in a JavaScript loop until the first non-ASCII character. In
//! Chromium's CPU profile of the bench's W2 (1 KiB texts) that loop took 4.2 µs a
//! message for gloo-net and ws_stream_wasm, and `encodeInto` 1.6-2.3 µs here; in V8
//! alone (Node 20) 3.7 µs against 0.1-0.3 µs, and 62 µs against 1.1 µs for 16 KiB.
//!
//! The buffer starts at one byte per UTF-16 unit, exactly what an ASCII text needs;
//! a text with other characters is encoded in two steps, the rest with room for
//! three bytes per unit (the most one UTF-16 unit takes in UTF-8). Where
//! `TextEncoder` is missing or the result is not UTF-8 (neither happens in a browser
//! that has WebSocket and WebAssembly), wasm-bindgen's conversion is used instead.

use js_sys::JsString;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    /// The browser's `TextEncoder` (UTF-8).
    #[wasm_bindgen(js_name = TextEncoder)]
    type Utf8Encoder;

    #[wasm_bindgen(catch, constructor, js_class = "TextEncoder")]
    fn new() -> Result<Utf8Encoder, JsValue>;

    /// `encodeInto(source, destination)`: wasm-bindgen hands the function a
    /// `Uint8Array` view on `destination` in wasm memory, so the browser writes into
    /// it directly.
    #[wasm_bindgen(method, js_class = "TextEncoder", js_name = encodeInto)]
    fn encode_into(this: &Utf8Encoder, source: &JsString, destination: &mut [u8]) -> Encoded;

    /// The `{ read, written }` that `encodeInto` returns.
    type Encoded;

    /// UTF-16 units of the source that were encoded.
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;

    /// Bytes written into the destination.
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

thread_local! {
    /// One encoder per thread (a page or a worker), made when first needed.
    static ENCODER: Option<Utf8Encoder> = Utf8Encoder::new().ok();
}

/// The text of a JS string as a `String` (`None` only if even wasm-bindgen's
/// conversion fails, which it does not for a string).
pub(crate) fn text_from_js(text: &JsString) -> Option<String> {
    ENCODER
        .try_with(|encoder| encoder.as_ref().and_then(|encoder| encode(encoder, text)))
        .ok()
        .flatten()
        .or_else(|| text.as_string())
}

/// Encodes `text` with `encoder`; `None` if the browser did not encode all of it
/// or its output is not UTF-8.
fn encode(encoder: &Utf8Encoder, text: &JsString) -> Option<String> {
    let units = text.length();
    let mut bytes = vec![0; units as usize];
    let first = encoder.encode_into(text, &mut bytes);
    let read = first.read();
    let mut written = first.written() as usize;
    if read < units {
        // A character took more than one byte: the rest gets room for the most it
        // can take. `encodeInto` never splits a surrogate pair, so `read` is at a
        // character's start.
        let rest = text.slice(read, units);
        let room = written.saturating_add(((units - read) as usize).saturating_mul(3));
        bytes.resize(room, 0);
        let second = encoder.encode_into(&rest, bytes.get_mut(written..)?);
        if second.read() != units - read {
            return None;
        }
        written = written.saturating_add(second.written() as usize);
    }
    bytes.truncate(written);
    if bytes.capacity() > written.saturating_add(written / 2) {
        bytes.shrink_to_fit();
    }
    String::from_utf8(bytes).ok()
}
