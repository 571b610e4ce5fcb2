//! The network and back/forward cache fields of `ReconnectOptions` (`network`,
//! `backForwardCache`), read into a [`ReconnectConfig`]'s [`Network`] and
//! [`back_forward_cache`](ReconnectConfig::back_forward_cache).

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;

use crate::convert::describe;
use crate::error::type_error;
use wasm_websocket::reconnect::{Network, ReconnectConfig};

/// `reconnect.network` (absent: every behaviour on; `false`: all off; an object of
/// booleans `waitWhileOffline`, `attemptWhenOnline`, `attemptWhenVisible`,
/// `pingWhenVisible`, each on unless `false`) and `reconnect.backForwardCache` (a
/// boolean, default `true`), applied to `config`.
///
/// # Errors
/// A `TypeError` for a field of the wrong type.
pub(crate) fn apply(
    mut config: ReconnectConfig,
    reconnect: &JsValue,
) -> Result<ReconnectConfig, JsValue> {
    let network = Reflect::get(reconnect, &"network".into())?;
    if network == JsValue::FALSE {
        config = config.network(Network::ignore());
    } else if !network.is_undefined() {
        if !network.is_object() || Array::is_array(&network) {
            return Err(type_error(&format!(
                "reconnect.network must be an object or false, got {}",
                describe(&network)
            )));
        }
        let mut chosen = Network::default();
        if let Some(on) = boolean(&network, "reconnect.network", "waitWhileOffline")? {
            chosen = chosen.wait_while_offline(on);
        }
        if let Some(on) = boolean(&network, "reconnect.network", "attemptWhenOnline")? {
            chosen = chosen.attempt_when_online(on);
        }
        if let Some(on) = boolean(&network, "reconnect.network", "attemptWhenVisible")? {
            chosen = chosen.attempt_when_visible(on);
        }
        if let Some(on) = boolean(&network, "reconnect.network", "pingWhenVisible")? {
            chosen = chosen.ping_when_visible(on);
        }
        config = config.network(chosen);
    }
    if let Some(on) = boolean(reconnect, "reconnect", "backForwardCache")? {
        config = config.back_forward_cache(on);
    }
    Ok(config)
}

/// The boolean field `key` of `object` (named `name` in errors); `None` when absent.
fn boolean(object: &JsValue, name: &str, key: &str) -> Result<Option<bool>, JsValue> {
    let value = Reflect::get(object, &key.into())?;
    if value.is_undefined() {
        return Ok(None);
    }
    value.as_bool().map(Some).ok_or_else(|| {
        type_error(&format!(
            "{name}: {key} must be a boolean, got {}",
            describe(&value)
        ))
    })
}
