//! Errors as JavaScript sees them: an `Error` whose `name` is the kind of failure (the
//! Rust variant's name) and whose `message` is its `Display`.

use wasm_bindgen::JsValue;

use crate::convert::close_info;
#[cfg(feature = "canvas")]
use wasm_websocket::canvas::CanvasError;
#[cfg(feature = "reconnect")]
use wasm_websocket::reconnect::{ProviderError, ReconnectError, SendError};
use wasm_websocket::{CloseEvent, Error};

/// A Rust error as JavaScript sees it: the kind (the variant's name) and the text.
pub(crate) trait Kind: core::fmt::Display {
    /// The `name` of the JavaScript `Error`.
    fn name(&self) -> String;
    /// The `message`: the `Display` text, or a browser exception's own message.
    fn message(&self) -> String {
        self.to_string()
    }
    /// The close event it carries, if any.
    fn close_event(&self) -> Option<&CloseEvent> {
        None
    }
}

/// The JavaScript `Error` for a Rust error: `name` is the variant's name
/// (`InvalidUrl`, `NotOpen`...), `message` its text. A browser exception
/// ([`Error::Js`]) keeps its own name (`SyntaxError`...), and a `TypeError` or
/// `RangeError` is made one again, so that `instanceof` tells it as it tells this
/// API's own argument errors. Errors that carry a close event get it as a
/// `closeInfo` property.
pub(crate) fn to_js(error: &impl Kind) -> JsValue {
    js_error(&error.name(), &error.message(), error.close_event())
}

/// The JavaScript `Error` of `to_js` (not generic, so made once).
fn js_error(name: &str, message: &str, event: Option<&CloseEvent>) -> JsValue {
    let js: js_sys::Error = match name {
        "TypeError" => js_sys::TypeError::new(message).into(),
        "RangeError" => js_sys::RangeError::new(message).into(),
        _ => {
            let js = js_sys::Error::new(message);
            js.set_name(name);
            js
        }
    };
    if let Some(event) = event {
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

impl Kind for Error {
    fn name(&self) -> String {
        let kind = match self {
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
            Error::MessageTooLarge { .. } => "MessageTooLarge",
            Error::BacklogFull { .. } => "BacklogFull",
            Error::Js(js) => return js.name.clone(),
            // A kind added later: its Rust name, as Debug shows it.
            other => return variant_name(other),
        };
        kind.to_owned()
    }

    fn message(&self) -> String {
        match self {
            Error::Js(js) => js.message.clone(),
            other => other.to_string(),
        }
    }

    fn close_event(&self) -> Option<&CloseEvent> {
        match self {
            Error::ConnectionFailed { event } | Error::AbnormalClose { event } => Some(event),
            _ => None,
        }
    }
}

/// Canvas errors keep the names the JavaScript API has always given them.
#[cfg(feature = "canvas")]
impl Kind for CanvasError {
    fn name(&self) -> String {
        let kind = match self {
            CanvasError::EncodeFailed { .. } => "CanvasEncodeFailed",
            CanvasError::NoContext2d => "NoContext2d",
            CanvasError::PixelsTruncated { .. } => "PixelsTruncated",
            CanvasError::BadPixelsMagic { .. } => "BadPixelsMagic",
            CanvasError::InvalidPixels { .. } => "InvalidPixels",
            CanvasError::InvalidDimensions { .. } => "InvalidDimensions",
            CanvasError::TooLarge { .. } => "TooLarge",
            CanvasError::NotAnImage { .. } => "NotAnImage",
            CanvasError::Socket(error) => return error.name(),
            CanvasError::Js(js) => return js.name.clone(),
            other => return variant_name(other),
        };
        kind.to_owned()
    }

    fn message(&self) -> String {
        match self {
            CanvasError::Socket(error) => error.message(),
            CanvasError::Js(js) => js.message.clone(),
            other => other.to_string(),
        }
    }

    fn close_event(&self) -> Option<&CloseEvent> {
        match self {
            CanvasError::Socket(error) => error.close_event(),
            _ => None,
        }
    }
}

#[cfg(feature = "reconnect")]
impl Kind for ReconnectError {
    fn name(&self) -> String {
        match self {
            ReconnectError::OutboxFull { .. } => "OutboxFull".to_owned(),
            ReconnectError::Socket(error) => error.name(),
            other => variant_name(other),
        }
    }

    fn message(&self) -> String {
        match self {
            ReconnectError::Socket(error) => error.message(),
            other => other.to_string(),
        }
    }

    fn close_event(&self) -> Option<&CloseEvent> {
        match self {
            ReconnectError::Socket(error) => error.close_event(),
            _ => None,
        }
    }
}

#[cfg(feature = "reconnect")]
impl Kind for SendError {
    fn name(&self) -> String {
        self.error().name()
    }

    fn message(&self) -> String {
        self.error().message()
    }

    fn close_event(&self) -> Option<&CloseEvent> {
        self.error().close_event()
    }
}

/// `ProviderFailed` (with the text of what the provider threw or rejected with) or
/// `ProviderTimeout`.
#[cfg(feature = "reconnect")]
impl Kind for ProviderError {
    fn name(&self) -> String {
        match self {
            ProviderError::Failed { .. } => "ProviderFailed".to_owned(),
            ProviderError::Timeout { .. } => "ProviderTimeout".to_owned(),
            other => variant_name(other),
        }
    }
}

/// The variant's name from its `Debug` form (`Name { .. }` or `Name(..)`), for kinds
/// of a non-exhaustive enum this facade does not know yet.
fn variant_name(error: &impl core::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("Error")
        .to_owned()
}

/// The `InvalidCloseCode` error for a number that is not even a 16-bit integer, worded
/// as the Rust API's for the codes it checks.
pub(crate) fn invalid_close_code(code: f64) -> JsValue {
    let js = js_sys::Error::new(&format!(
        "invalid close code {}: only 1000 and 3000..=4999 may be sent",
        crate::number::number(code)
    ));
    js.set_name("InvalidCloseCode");
    js.into()
}
