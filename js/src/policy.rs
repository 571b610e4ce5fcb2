//! `retryPolicy`: a JavaScript function as the [`RetryPolicy`] of a
//! `ReconnectingSocket`, with the info it gets (`RetryInfo` in the TypeScript
//! declarations).

use core::time::Duration;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::callbacks::report;
use crate::convert::{close_info, describe};
use crate::error::{to_js, type_error};
use wasm_websocket::reconnect::{
    Backoff, DisconnectReason, Retry, RetryCause, RetryInfo, RetryPolicy,
};

/// A policy that asks `function` with a `RetryInfo` object: a finite number `>= 0` is
/// the delay in ms, `null` gives up. Anything else, or an exception, is reported (as
/// an uncaught exception would be) and `fallback`'s delay is used for that attempt, so
/// that a bug in the policy neither stops nor stalls reconnecting.
pub(crate) fn retry_policy(function: Function, fallback: Backoff) -> RetryPolicy {
    RetryPolicy::new(move |info: &RetryInfo| {
        let backoff = || Retry::After(fallback.delay(info.attempt, js_sys::Math::random()));
        match function.call1(&JsValue::UNDEFINED, &info_to_js(info)) {
            Ok(value) if value.is_null() => Retry::GiveUp,
            Ok(value) => match value.as_f64() {
                Some(ms) if ms.is_finite() && ms >= 0.0 => {
                    Retry::After(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default())
                }
                _ => {
                    report(&type_error(&format!(
                        "retryPolicy must return a delay in ms (a finite number >= 0) or null, \
                         got {}; the backoff's delay is used",
                        describe(&value)
                    )));
                    backoff()
                }
            },
            Err(thrown) => {
                report(&thrown);
                backoff()
            }
        }
    })
}

/// `{ attempt, sinceLostMs, cause, closeInfo?, error?, silentForMs? }`.
fn info_to_js(info: &RetryInfo) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: &JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &key.into(), value);
    };
    set("attempt", &info.attempt.into());
    set(
        "sinceLostMs",
        &(info.since_lost.as_secs_f64() * 1000.0).into(),
    );
    let cause = match &info.cause {
        RetryCause::Disconnected(reason) => match reason {
            DisconnectReason::Closed(event) => {
                set("closeInfo", &close_info(event));
                "closed"
            }
            DisconnectReason::HeartbeatTimeout { silent_for } => {
                set("silentForMs", &(silent_for.as_secs_f64() * 1000.0).into());
                "heartbeatTimeout"
            }
            DisconnectReason::ReceiveLimit { error, event } => {
                set("error", &to_js(error));
                set("closeInfo", &close_info(event));
                "receiveLimit"
            }
            _ => "other",
        },
        RetryCause::AttemptFailed(error) => {
            set("error", &to_js(error));
            "attemptFailed"
        }
        RetryCause::ProviderFailed(error) => {
            set("error", &to_js(error));
            "providerFailed"
        }
        _ => "other",
    };
    set("cause", &cause.into());
    object.into()
}
