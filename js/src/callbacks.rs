//! `onMessage`, `onClose` and `onError`: JavaScript callbacks on the Rust callback
//! layer, their [`Subscription`](wasm_websocket::Subscription)s held by the `WasmSocket` until
//! `free()`.

use js_sys::Function;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::convert::{close_info, describe, event_data_to_js};
use crate::error::type_error;
use crate::WasmSocket;

#[wasm_bindgen]
extern "C" {
    /// `reportError(error)`: reports an exception as if it were uncaught (to the
    /// console and `window.onerror`), as the browser does for its event listeners.
    #[wasm_bindgen(catch, js_name = reportError)]
    fn report_error(error: &JsValue) -> Result<(), JsValue>;

    /// `console.error(value)`, for browsers without `reportError`.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(value: &JsValue);
}

#[wasm_bindgen]
impl WasmSocket {
    /// Calls `callback` with every message received from now on, in order: a
    /// `string`, a `Uint8Array`, or a `Blob` with `binaryType: "blob"`.
    ///
    /// The first message callback ends the queue of `nextMessage()` (see there), so a
    /// page that reads through callbacks keeps no message in memory. An exception the
    /// callback throws is reported like one from an event listener and does not stop
    /// later calls. Callbacks are removed by `free()`.
    ///
    /// Throws `TypeError` if `callback` is not a function.
    #[wasm_bindgen(js_name = onMessage)]
    pub fn on_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(message: WsMessage) => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let callback = function(callback, "onMessage")?;
        self.reader.stop_queue();
        let subscription = self.sender.on_message_data(move |data| {
            if let Some(message) = event_data_to_js(data) {
                call(&callback, &message);
            }
        });
        self.callbacks.borrow_mut().push(subscription);
        Ok(())
    }

    /// Calls `callback` with `{ code, reason, wasClean }` when the socket closes,
    /// whoever closed it. Not called after `free()`.
    ///
    /// Throws `TypeError` if `callback` is not a function.
    #[wasm_bindgen(js_name = onClose)]
    pub fn on_close(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(info: CloseInfo) => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let callback = function(callback, "onClose")?;
        let subscription = self
            .sender
            .on_close(move |event| call(&callback, &close_info(&event)));
        self.callbacks.borrow_mut().push(subscription);
        Ok(())
    }

    /// Calls `callback` when the browser fires `error` on the socket. The event tells
    /// nothing of the cause (by design, for privacy); a close with code 1006 always
    /// follows. Not called after `free()`.
    ///
    /// Throws `TypeError` if `callback` is not a function.
    #[wasm_bindgen(js_name = onError)]
    pub fn on_error(
        &self,
        #[wasm_bindgen(unchecked_param_type = "() => void")] callback: JsValue,
    ) -> Result<(), JsValue> {
        let callback = function(callback, "onError")?;
        let subscription = self
            .sender
            .on_error(move || call(&callback, &JsValue::UNDEFINED));
        self.callbacks.borrow_mut().push(subscription);
        Ok(())
    }
}

/// `value` as a function, or a `TypeError` naming the method.
pub(super) fn function(value: JsValue, method: &str) -> Result<Function, JsValue> {
    value.dyn_into::<Function>().map_err(|value| {
        type_error(&format!(
            "{method}: the callback must be a function, got {}",
            describe(&value)
        ))
    })
}

/// Calls a user callback; an exception it throws is reported, not propagated into
/// the event dispatch (which runs in Rust).
pub(super) fn call(callback: &Function, argument: &JsValue) {
    if let Err(thrown) = callback.call1(&JsValue::UNDEFINED, argument) {
        report(&thrown);
    }
}

/// Reports an exception as if it were uncaught, as the browser does for its event
/// listeners (or logs it where `reportError` is missing).
pub(crate) fn report(thrown: &JsValue) {
    if report_error(thrown).is_err() {
        console_error(thrown);
    }
}
