//! `ReconnectOptions`, the `reconnect` field of the options of
//! `new ReconnectingSocket(url, options)`, read into a [`ReconnectConfig`].

use core::time::Duration;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::convert::{describe, whole};
use crate::error::{range_error, type_error};
use crate::number::number;
use crate::{policy, provider};
use wasm_websocket::reconnect::{
    Backoff, Heartbeat, ReconnectConfig, WhenFull, MAX_OUTBOX_BYTES, MAX_OUTBOX_MESSAGES,
    MIN_HEARTBEAT_INTERVAL,
};
use wasm_websocket::Message;

/// The `reconnect` field of `options` (absent, `undefined` or an object) as a config,
/// with `url` (a `UrlProvider` function given instead of a URL, if it was) as the
/// provider of each attempt's endpoint.
///
/// # Errors
/// A `TypeError` for a field of the wrong type, a `RangeError` for a number out of
/// range (negative, not finite, not an integer where one is needed), a heartbeat
/// `intervalMs` under the floor ([`MIN_HEARTBEAT_INTERVAL`], 50 ms), or an outbox
/// limit over its ceiling ([`MAX_OUTBOX_MESSAGES`], [`MAX_OUTBOX_BYTES`]). Delays
/// over 2^31 - 1 ms are lowered to it, as in the Rust API. A `retryPolicy` that is
/// not a function is a `TypeError`.
pub(crate) fn config(options: &JsValue, url: Option<Function>) -> Result<ReconnectConfig, JsValue> {
    let mut config = ReconnectConfig::default();
    let reconnect = if options.is_object() {
        Reflect::get(options, &"reconnect".into())?
    } else {
        JsValue::UNDEFINED
    };
    if reconnect.is_undefined() {
        return Ok(config.provider(url.map(|url| provider::provider(url, None))));
    }
    let fields = Fields::of(&reconnect, "reconnect")?;

    let mut backoff = Backoff::default();
    if let Some(initial) = fields.millis("initialDelayMs")? {
        backoff = backoff.initial(initial);
    }
    if let Some(max) = fields.millis("maxDelayMs")? {
        backoff = backoff.max(max);
    }
    if let Some(factor) = fields.number("factor")? {
        if !(factor.is_finite() && factor >= 1.0) {
            return Err(range_error(&format!(
                "reconnect: factor must be a finite number >= 1, got {}",
                number(factor)
            )));
        }
        backoff = backoff.factor(factor);
    }
    if let Some(jitter) = fields.number("jitter")? {
        if !(0.0..=1.0).contains(&jitter) {
            return Err(range_error(&format!(
                "reconnect: jitter must be between 0 and 1, got {}",
                number(jitter)
            )));
        }
        backoff = backoff.jitter(jitter);
    }
    config = config.backoff(backoff);

    let max_attempts = fields.get("maxAttempts")?;
    if max_attempts.is_null() {
        config = config.max_attempts(None);
    } else if !max_attempts.is_undefined() {
        let attempts = whole(&max_attempts, "reconnect: maxAttempts", u32::MAX.into())?;
        config = config.max_attempts(Some(u32::try_from(attempts).unwrap_or(u32::MAX)));
    }
    if let Some(stable) = fields.millis("stableAfterMs")? {
        config = config.stable_after(stable);
    }
    let codes = fields.get("finalCloseCodes")?;
    if !codes.is_undefined() {
        if !Array::is_array(&codes) {
            return Err(type_error(&format!(
                "reconnect: finalCloseCodes must be an array of numbers, got {}",
                describe(&codes)
            )));
        }
        let codes = codes
            .unchecked_ref::<Array>()
            .iter()
            .map(|code| {
                let code = whole(&code, "reconnect: finalCloseCodes", u16::MAX.into())?;
                Ok(u16::try_from(code).unwrap_or(u16::MAX))
            })
            .collect::<Result<Vec<u16>, JsValue>>()?;
        config = config.final_close_codes(codes);
    }
    if let Some(replay) = fields.boolean("replay")? {
        config = config.replay(replay);
    }

    let outbox = fields.get("outbox")?;
    if !outbox.is_undefined() {
        let outbox = Fields::of(&outbox, "reconnect.outbox")?;
        let max_messages = outbox.size("maxMessages", MAX_OUTBOX_MESSAGES)?;
        let max_bytes = outbox.size("maxBytes", MAX_OUTBOX_BYTES)?;
        let when_full = outbox.get("whenFull")?;
        let when_full = match when_full.as_string().as_deref() {
            _ if when_full.is_undefined() => WhenFull::Reject,
            Some("reject") => WhenFull::Reject,
            Some("dropOldest") => WhenFull::DropOldest,
            _ => {
                return Err(type_error(&format!(
                    "reconnect.outbox: whenFull must be \"reject\" or \"dropOldest\", got {}",
                    crate::options::shown(&when_full)
                )))
            }
        };
        config = config.outbox(
            max_messages.unwrap_or(wasm_websocket::reconnect::DEFAULT_OUTBOX_MESSAGES),
            max_bytes.unwrap_or(wasm_websocket::reconnect::DEFAULT_OUTBOX_BYTES),
            when_full,
        );
    }

    let heartbeat = fields.get("heartbeat")?;
    if heartbeat.is_null() {
        config = config.heartbeat(None);
    } else if !heartbeat.is_undefined() {
        let beat = Fields::of(&heartbeat, "reconnect.heartbeat")?;
        let (Some(interval), Some(timeout)) =
            (beat.millis("intervalMs")?, beat.millis("timeoutMs")?)
        else {
            return Err(type_error(
                "reconnect.heartbeat: intervalMs and timeoutMs are required numbers",
            ));
        };
        if interval < MIN_HEARTBEAT_INTERVAL {
            return Err(range_error(&format!(
                "reconnect.heartbeat: intervalMs must be at least {}, got {}",
                number(MIN_HEARTBEAT_INTERVAL.as_secs_f64() * 1000.0),
                number(interval.as_secs_f64() * 1000.0)
            )));
        }
        let mut heartbeat = Heartbeat::new(interval, timeout);
        if let Some(message) = beat.string("message")? {
            heartbeat = heartbeat.message(Message::Text(message));
        }
        if let Some(reply) = beat.string("reply")? {
            heartbeat = heartbeat.reply(Message::Text(reply));
        }
        config = config.heartbeat(Some(heartbeat));
    }

    let retry = fields.get("retryPolicy")?;
    if !retry.is_undefined() {
        let Some(retry) = retry.dyn_ref::<Function>() else {
            return Err(type_error(&format!(
                "reconnect: retryPolicy must be a function, got {}",
                describe(&retry)
            )));
        };
        // The backoff's delays stand in for a policy that throws or returns nonsense.
        config = config.retry_policy(policy::retry_policy(retry.clone(), backoff));
    }
    let timeout = fields.millis("providerTimeoutMs")?;
    let config = config.provider(url.map(|url| provider::provider(url, timeout)));
    crate::network_options::apply(config, &reconnect)
}

/// The fields of one options object, read with error messages that name it.
struct Fields<'a> {
    object: &'a JsValue,
    name: &'static str,
}

impl<'a> Fields<'a> {
    fn of(object: &'a JsValue, name: &'static str) -> Result<Self, JsValue> {
        if object.is_object() && !Array::is_array(object) {
            Ok(Self { object, name })
        } else {
            Err(type_error(&format!(
                "{name} must be an object, got {}",
                describe(object)
            )))
        }
    }

    fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        Reflect::get(self.object, &key.into())
    }

    fn number(&self, key: &str) -> Result<Option<f64>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() {
            return Ok(None);
        }
        value.as_f64().map(Some).ok_or_else(|| {
            type_error(&format!(
                "{}: {key} must be a number, got {}",
                self.name,
                describe(&value)
            ))
        })
    }

    fn millis(&self, key: &str) -> Result<Option<Duration>, JsValue> {
        let Some(ms) = self.number(key)? else {
            return Ok(None);
        };
        Duration::try_from_secs_f64(ms / 1000.0)
            .map(Some)
            .map_err(|_| {
                range_error(&format!(
                    "{}: {key} must be a finite number >= 0, got {}",
                    self.name,
                    number(ms)
                ))
            })
    }

    /// A whole number from 0 to `max`.
    fn size(&self, key: &str, max: usize) -> Result<Option<usize>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() {
            return Ok(None);
        }
        let size = whole(&value, &format!("{}: {key}", self.name), usize::MAX as f64)?;
        // `whole` checked 0..=usize::MAX and no fraction.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let size = size as usize;
        if size > max {
            return Err(range_error(&format!(
                "{}: {key} must be at most {max}, got {size}",
                self.name
            )));
        }
        Ok(Some(size))
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() {
            return Ok(None);
        }
        value.as_bool().map(Some).ok_or_else(|| {
            type_error(&format!(
                "{}: {key} must be a boolean, got {}",
                self.name,
                describe(&value)
            ))
        })
    }

    fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        let value = self.get(key)?;
        if value.is_undefined() {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or_else(|| {
            type_error(&format!(
                "{}: {key} must be a string, got {}",
                self.name,
                describe(&value)
            ))
        })
    }
}
