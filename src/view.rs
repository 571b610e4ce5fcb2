//! The typed-array views a socket can send without copying.

use wasm_bindgen::JsCast;

mod sealed {
    pub trait Sealed {}
}

/// An `ArrayBufferView`: a typed array or a `DataView`. Sending one sends only the
/// bytes the view covers (its `byteOffset` and `byteLength`), not the whole buffer.
///
/// Implemented for every `js_sys` typed array and for `js_sys::DataView`; sealed.
pub trait BufferView: sealed::Sealed + AsRef<js_sys::Object> {}

macro_rules! buffer_views {
    ($($view:ty),* $(,)?) => {$(
        impl sealed::Sealed for $view {}
        impl BufferView for $view {}
    )*};
}

buffer_views!(
    js_sys::Int8Array,
    js_sys::Uint8Array,
    js_sys::Uint8ClampedArray,
    js_sys::Int16Array,
    js_sys::Uint16Array,
    js_sys::Int32Array,
    js_sys::Uint32Array,
    js_sys::Float32Array,
    js_sys::Float64Array,
    js_sys::BigInt64Array,
    js_sys::BigUint64Array,
    js_sys::DataView,
);

pub(crate) fn as_object(view: &impl BufferView) -> &js_sys::Object {
    view.as_ref().unchecked_ref()
}
