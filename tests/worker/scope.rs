//! Where a binary's tests run: the name of the global scope's constructor
//! (`Window`, `DedicatedWorkerGlobalScope`, `SharedWorkerGlobalScope`,
//! `ServiceWorkerGlobalScope`), so that a binary proves it ran where it says.

use wasm_bindgen::JsCast;

/// The constructor name of `globalThis`.
pub fn global_scope() -> String {
    js_sys::global()
        .unchecked_into::<js_sys::Object>()
        .constructor()
        .name()
        .into()
}

/// Whether the global scope has a `window` (a worker has none).
pub fn has_window() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"window".into()).unwrap_or(true)
}
