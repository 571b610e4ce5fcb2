//! Errors as JavaScript sees them: an `Error` whose `name` is the kind of failure (the
//! [`Error`] variant's name) and whose `message` is its `Display`.

use wasm_bindgen::JsValue;

use super::convert::close_info;
use crate::Error;

/// The JavaScript `Error` for a Rust [`Error`]: `name` is the variant's name
/// (`InvalidUrl`, `NotOpen`...), `message` its text. A browser exception
/// ([`Error::Js`]) keeps its own name (`SyntaxError`...). Errors that carry a close
/// event get it as a `closeInfo` property.
pub(crate) fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&message(error));
    js.set_name(&name(error));
    if let Error::ConnectionFailed { event } | Error::AbnormalClose { event } = error {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &"closeInfo".into(), &close_info(event));
    }
    js.into()
}

/// A JavaScript `TypeError`, for an argument of the wrong type.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A JavaScript `RangeError`, for a number out of range.
pub(crate) fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

/// The error's kind, as the JavaScript `name`.
fn name(error: &Error) -> String {
    let kind = match error {
        Error::InvalidUrl { .. } => "InvalidUrl",
        Error::InvalidProtocol { .. } => "InvalidProtocol",
        Error::ConnectionFailed { .. } => "ConnectionFailed",
        Error::Timeout { .. } => "Timeout",
        Error::NotOpen { .. } => "NotOpen",
        Error::InvalidCloseCode { .. } => "InvalidCloseCode",
        Error::CloseReasonTooLong { .. } => "CloseReasonTooLong",
        Error::AbnormalClose { .. } => "AbnormalClose",
        Error::BufferFull { .. } => "BufferFull",
        Error::UnexpectedData { .. } => "UnexpectedData",
        #[cfg(feature = "reconnect")]
        Error::OutboxFull { .. } => "OutboxFull",
        #[cfg(feature = "canvas")]
        Error::CanvasEncodeFailed { .. } => "CanvasEncodeFailed",
        #[cfg(feature = "canvas")]
        Error::NoContext2d => "NoContext2d",
        #[cfg(feature = "canvas")]
        Error::PixelsTruncated { .. } => "PixelsTruncated",
        #[cfg(feature = "canvas")]
        Error::BadPixelsMagic { .. } => "BadPixelsMagic",
        #[cfg(feature = "canvas")]
        Error::InvalidPixels { .. } => "InvalidPixels",
        #[cfg(feature = "canvas")]
        Error::InvalidDimensions { .. } => "InvalidDimensions",
        #[cfg(feature = "canvas")]
        Error::NotAnImage { .. } => "NotAnImage",
        Error::Js(js) => return js.name.clone(),
    };
    kind.to_owned()
}

/// The error's text; for a browser exception, its own message (the name is already
/// in `name`).
fn message(error: &Error) -> String {
    match error {
        Error::Js(js) => js.message.clone(),
        other => other.to_string(),
    }
}

/// The `InvalidCloseCode` error for a number that is not even a 16-bit integer, worded
/// as the Rust API's for the codes it checks.
pub(crate) fn invalid_close_code(code: f64) -> JsValue {
    let js = js_sys::Error::new(&format!(
        "invalid close code {code}: only 1000 and 3000..=4999 may be sent"
    ));
    js.set_name("InvalidCloseCode");
    js.into()
}
