//! `UrlProvider`: a JavaScript function, given instead of a URL, as the [`Provider`]
//! of each attempt's endpoint.

use core::time::Duration;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::convert::describe;
use wasm_websocket::reconnect::{Endpoint, Provider};

/// A provider that calls `function` before each attempt. It may return a URL string,
/// `{ url, protocols? }`, or a promise of either; a throw, a rejection or another
/// value is a failed attempt (`providerFailed`), and so is a promise that does not
/// settle within `timeout` (the provider's default, 10 s, when `None`).
pub(crate) fn provider(function: Function, timeout: Option<Duration>) -> Provider {
    let provider = Provider::new(move || {
        let returned = function.call0(&JsValue::UNDEFINED);
        async move {
            let value = returned.map_err(|thrown| thrown_message(&thrown))?;
            // A promise, or any thenable, is awaited; a plain value is used as it is.
            let value = if is_thenable(&value) {
                JsFuture::from(Promise::resolve(&value))
                    .await
                    .map_err(|thrown| thrown_message(&thrown))?
            } else {
                value
            };
            endpoint(&value)
        }
    });
    match timeout {
        Some(timeout) => provider.timeout(timeout),
        None => provider,
    }
}

/// Whether `value` has a `then` method.
fn is_thenable(value: &JsValue) -> bool {
    value.is_object() && Reflect::get(value, &"then".into()).is_ok_and(|then| then.is_function())
}

/// The endpoint a provider gave: a string, or `{ url, protocols? }`.
fn endpoint(value: &JsValue) -> Result<Endpoint, String> {
    if let Some(url) = value.as_string() {
        return Ok(Endpoint::new(url));
    }
    let wrong = || {
        format!(
            "a URL provider must give a string or {{ url, protocols? }}, got {}",
            describe(value)
        )
    };
    if !value.is_object() {
        return Err(wrong());
    }
    let url = Reflect::get(value, &"url".into())
        .ok()
        .and_then(|url| url.as_string())
        .ok_or_else(wrong)?;
    let mut endpoint = Endpoint::new(url);
    let protocols = Reflect::get(value, &"protocols".into()).unwrap_or(JsValue::UNDEFINED);
    if !protocols.is_undefined() {
        let list = protocols.dyn_ref::<Array>().ok_or_else(wrong)?;
        let list = list
            .iter()
            .map(|protocol| protocol.as_string().ok_or_else(wrong))
            .collect::<Result<Vec<_>, _>>()?;
        endpoint = endpoint.protocols(list);
    }
    Ok(endpoint)
}

/// The text of what a provider threw or rejected with: an `Error`'s `name: message`,
/// a string as it is, else a description of the value.
fn thrown_message(thrown: &JsValue) -> String {
    if let Some(error) = thrown.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    thrown
        .as_string()
        .unwrap_or_else(|| format!("threw {}", describe(thrown)))
}
