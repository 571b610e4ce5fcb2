//! `ConnectOptions`, read from a plain JavaScript object into a
//! [`WebSocketBuilder`].

use core::time::Duration;

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::convert::{describe, quoted, whole};
use crate::error::{range_error, type_error};
use crate::number::number;
use wasm_websocket::{BinaryType, WebSocketBuilder};

/// Applies `options` (`undefined`, `null` or a `ConnectOptions` object) to `builder`.
/// A `reconnect` field is read elsewhere ([`crate::reconnect_options`]): with it,
/// `WasmSocket.connect` makes a `ReconnectingSocket`.
///
/// # Errors
/// A `TypeError` when `options` is not an object or a field has the wrong type; a
/// `RangeError` for a negative or non-finite `connectTimeoutMs`, or a `maxBufferedAmount` that is not a whole number of bytes
/// from 0 to 2^32 - 1, or a `maxMessageSize`, `maxBacklogMessages` or
/// `maxBacklogBytes` that is not a whole number from 0 to 2^32 - 1. Subprotocols are checked later, by
/// [`WebSocketBuilder::connect`] (`InvalidProtocol`).
///
/// As in the Rust API, a `connectTimeoutMs` above 2^31 - 1 (what `setTimeout` takes)
/// is lowered to it, and a `maxBufferedAmount` lowers the backpressure marks under it
/// ([`WebSocketBuilder::max_buffered_amount`]).
pub(crate) fn apply(
    mut builder: WebSocketBuilder,
    options: &JsValue,
) -> Result<WebSocketBuilder, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(builder);
    }
    if !options.is_object() {
        return Err(type_error(&format!(
            "connect: options must be an object, got {}",
            describe(options)
        )));
    }
    let field = |key: &str| Reflect::get(options, &key.into());

    let protocols = field("protocols")?;
    if !protocols.is_undefined() {
        builder = builder.protocols(protocols_of(&protocols)?);
    }

    let binary_type = field("binaryType")?;
    if !binary_type.is_undefined() {
        builder = builder.binary_type(match binary_type.as_string().as_deref() {
            Some("arraybuffer") => BinaryType::ArrayBuffer,
            Some("blob") => BinaryType::Blob,
            _ => {
                return Err(type_error(&format!(
                    "connect: binaryType must be \"arraybuffer\" or \"blob\", got {}",
                    shown(&binary_type)
                )))
            }
        });
    }

    let timeout = field("connectTimeoutMs")?;
    if timeout.is_null() {
        builder = builder.connect_timeout(None);
    } else if !timeout.is_undefined() {
        let Some(ms) = timeout.as_f64() else {
            return Err(type_error(&format!(
                "connect: connectTimeoutMs must be a number or null, got {}",
                describe(&timeout)
            )));
        };
        let after = Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
            range_error(&format!(
                "connect: connectTimeoutMs must be a finite number >= 0, got {}",
                number(ms)
            ))
        })?;
        builder = builder.connect_timeout(Some(after));
    }

    let limit = field("maxBufferedAmount")?;
    if limit.is_null() {
        builder = builder.max_buffered_amount(None);
    } else if !limit.is_undefined() {
        let bytes = whole(&limit, "connect: maxBufferedAmount", u32::MAX.into())?;
        builder = builder.max_buffered_amount(Some(u32::try_from(bytes).unwrap_or(u32::MAX)));
    }

    let size = field("maxMessageSize")?;
    if !size.is_undefined() {
        builder = builder.max_message_size(count(&size, "connect: maxMessageSize")?);
    }

    let messages = field("maxBacklogMessages")?;
    let bytes = field("maxBacklogBytes")?;
    if !messages.is_undefined() || !bytes.is_undefined() {
        let messages = if messages.is_undefined() {
            wasm_websocket::DEFAULT_MAX_BACKLOG_MESSAGES
        } else {
            count(&messages, "connect: maxBacklogMessages")?
        };
        let bytes = if bytes.is_undefined() {
            wasm_websocket::DEFAULT_MAX_BACKLOG_BYTES
        } else {
            count(&bytes, "connect: maxBacklogBytes")?
        };
        builder = builder.max_backlog(messages, bytes);
    }
    Ok(builder)
}

/// A whole number from 0 to 2^32 - 1 (what a `usize` holds on wasm32).
fn count(value: &JsValue, what: &str) -> Result<usize, JsValue> {
    let number = whole(value, what, u32::MAX.into())?;
    Ok(usize::try_from(number).unwrap_or(usize::MAX))
}

/// The subprotocols of a `protocols` field: an array of strings.
fn protocols_of(value: &JsValue) -> Result<Vec<String>, JsValue> {
    let not_strings = || {
        type_error(&format!(
            "connect: protocols must be an array of strings, got {}",
            shown(value)
        ))
    };
    if !Array::is_array(value) {
        return Err(not_strings());
    }
    value
        .unchecked_ref::<Array>()
        .iter()
        .map(|protocol| protocol.as_string().ok_or_else(not_strings))
        .collect()
}

/// A value for an error message: strings quoted, other values described.
pub(crate) fn shown(value: &JsValue) -> String {
    match value.as_string() {
        Some(text) => quoted(&text),
        None => describe(value),
    }
}
