//! Conversions of this crate's values into the JavaScript ones the API hands out:
//! messages (`string | Uint8Array | Blob`) and close events
//! (`{ code, reason, wasClean }`).

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{range_error, type_error};
use crate::number::number as shown;
use wasm_websocket::{CloseEvent, Message};

/// A message as JavaScript receives it: a `string`, a `Uint8Array` (a copy of the
/// bytes, owned by JavaScript) or the `Blob` itself.
pub(crate) fn message_to_js(message: Message) -> JsValue {
    match message {
        Message::Text(text) => JsValue::from(text),
        Message::Binary(bytes) => Uint8Array::from(bytes.as_slice()).into(),
        Message::Blob(blob) => blob.into(),
    }
}

/// A message to send from what JavaScript gave `method`: a `string`, a `Uint8Array`
/// (the bytes it covers, copied), an `ArrayBuffer` (copied) or a `Blob`; a
/// `TypeError` naming `method` for anything else.
pub(crate) fn message_from_js(value: &JsValue, method: &str) -> Result<Message, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Message::Text(text));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(Message::Binary(bytes.to_vec()));
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Message::Binary(Uint8Array::new(buffer).to_vec()));
    }
    if let Some(blob) = value.dyn_ref::<web_sys::Blob>() {
        return Ok(Message::Blob(blob.clone()));
    }
    Err(type_error(&format!(
        "{method}: expected a string, Uint8Array, ArrayBuffer or Blob, got {}",
        describe(value)
    )))
}

/// A message event's `data` as JavaScript receives it, without copying: a `string`
/// or a `Blob` as it is, an `ArrayBuffer` as a `Uint8Array` over it (the socket made
/// it for this message alone). `None` for data the standard never delivers.
pub(crate) fn event_data_to_js(data: JsValue) -> Option<JsValue> {
    if data.is_string() {
        return Some(data);
    }
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        return Some(Uint8Array::new(buffer).into());
    }
    data.is_instance_of::<web_sys::Blob>().then_some(data)
}

/// A close event as the plain object `{ code, reason, wasClean }`.
pub(crate) fn close_info(event: &CloseEvent) -> JsValue {
    let info = Object::new();
    // Setting properties on a fresh plain object cannot fail.
    let _ = Reflect::set(&info, &"code".into(), &event.code.into());
    let _ = Reflect::set(&info, &"reason".into(), &event.reason.as_str().into());
    let _ = Reflect::set(&info, &"wasClean".into(), &event.was_clean.into());
    info.into()
}

/// A short description of a value for error messages: its constructor's name, or its
/// `typeof`.
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_owned();
    }
    value
        .dyn_ref::<Object>()
        .map(|object| String::from(object.constructor().name()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| value.js_typeof().as_string().unwrap_or_default())
}

/// A string in double quotes as Rust's `{:?}` shows printable text: `"` and `\`
/// escaped, `\t`, `\r`, `\n` and `\0` as such, other ASCII control characters as
/// `\u{1b}`, every other character as it is (without the Unicode tables `{:?}` brings
/// into the package to escape the non-ASCII characters Unicode does not print).
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\0' => out.push_str("\\0"),
            c if c.is_ascii_control() => {
                // `\u{1b}`: lowercase hex without leading zeros (at most 0x7f).
                let code = u32::from(c);
                out.push_str("\\u{");
                if code >= 16 {
                    out.extend(char::from_digit(code >> 4, 16));
                }
                out.extend(char::from_digit(code & 0xf, 16));
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An optional string argument: `None` for `undefined` or `null`, a `TypeError`
/// naming `what` for anything but a string (wasm-bindgen's own conversion of a
/// `string | null` parameter assumes a string and fails inside the module on
/// another value).
pub(crate) fn optional_string(value: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| type_error(&format!("{what} must be a string, got {}", describe(value))))
}

/// A whole number in `0..=max`, as an `f64` (so exact for the limits used here).
pub(crate) fn whole(value: &JsValue, what: &str, max: f64) -> Result<u64, JsValue> {
    let Some(number) = value.as_f64() else {
        return Err(type_error(&format!(
            "{what} must be a number, got {}",
            describe(value)
        )));
    };
    if number.fract() != 0.0 || !(0.0..=max).contains(&number) {
        return Err(range_error(&format!(
            "{what} must be a whole number from 0 to {}, got {}",
            shown(max),
            shown(number)
        )));
    }
    // Checked above: a whole number in 0..=max (at most 2^64).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(number as u64)
}
