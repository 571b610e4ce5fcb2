//! A reconnecting socket's [`Event`]s as the plain objects JavaScript receives:
//! `{ type: "message", data }`, `{ type: "reconnecting", attempt, delayMs }`, ...
//! (`ReconnectEvent` in the TypeScript declarations).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::convert::{close_info, message_to_js};
use crate::error::to_js;
use wasm_websocket::reconnect::{DisconnectReason, Event, UnsentReason};

/// The event as a plain object with a `type` and its data.
pub(crate) fn event_to_js(event: Event) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: &JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &key.into(), value);
    };
    let millis = |duration: core::time::Duration| JsValue::from(duration.as_secs_f64() * 1000.0);
    match event {
        Event::Message(message) => {
            set("type", &"message".into());
            set("data", &message_to_js(message));
        }
        Event::Open => set("type", &"open".into()),
        Event::Reconnected { attempt } => {
            set("type", &"reconnected".into());
            set("attempt", &attempt.into());
        }
        Event::Disconnected { reason, buffered } => {
            set("type", &"disconnected".into());
            set("buffered", &buffered.into());
            match reason {
                DisconnectReason::Closed(event) => {
                    set("reason", &"closed".into());
                    set("closeInfo", &close_info(&event));
                }
                DisconnectReason::HeartbeatTimeout { silent_for } => {
                    set("reason", &"heartbeatTimeout".into());
                    set("silentForMs", &millis(silent_for));
                }
                DisconnectReason::Requested => set("reason", &"requested".into()),
                DisconnectReason::PageHidden => set("reason", &"pageHidden".into()),
                DisconnectReason::ReceiveLimit { error, event } => {
                    set("reason", &"receiveLimit".into());
                    set("error", &to_js(&error));
                    set("closeInfo", &close_info(&event));
                }
                _ => set("reason", &"other".into()),
            }
        }
        Event::Reconnecting { attempt, delay } => {
            set("type", &"reconnecting".into());
            set("attempt", &attempt.into());
            set("delayMs", &millis(delay));
        }
        Event::Offline => set("type", &"offline".into()),
        Event::AttemptFailed { attempt, error } => {
            set("type", &"attemptFailed".into());
            set("attempt", &attempt.into());
            set("error", &to_js(&error));
        }
        Event::ProviderFailed { attempt, error } => {
            set("type", &"providerFailed".into());
            set("attempt", &attempt.into());
            set("error", &to_js(&error));
        }
        Event::Unsent { messages, reason } => {
            set("type", &"unsent".into());
            let list: Array = messages.into_iter().map(message_to_js).collect();
            set("messages", &list);
            let reason = match reason {
                UnsentReason::DroppedOldest => "droppedOldest",
                UnsentReason::NotReplayed => "notReplayed",
                UnsentReason::Closed => "closed",
                UnsentReason::GaveUp => "gaveUp",
                UnsentReason::Failed(error) => {
                    set("error", &to_js(&error));
                    "failed"
                }
                _ => "other",
            };
            set("reason", &reason.into());
        }
        Event::Dropped { messages, bytes } => {
            set("type", &"dropped".into());
            set("messages", &messages.into());
            set("bytes", &bytes.into());
        }
        Event::GaveUp { attempts } => {
            set("type", &"gaveUp".into());
            set("attempts", &attempts.into());
        }
        Event::Closed(event) => {
            set("type", &"closed".into());
            set(
                "closeInfo",
                &event.as_ref().map_or(JsValue::NULL, close_info),
            );
        }
        _ => set("type", &"other".into()),
    }
    object.into()
}
