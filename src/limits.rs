//! Receive limits: how large one message may be, and how many messages (and bytes)
//! may wait unread, so that a hostile or buggy server cannot take the page down.
//!
//! Sizes are read from the JavaScript value the browser made (`byteLength` of an
//! `ArrayBuffer`, `size` of a `Blob`, the UTF-8 length of a string) before anything is
//! copied into wasm memory: a refused message never reaches it.

use wasm_bindgen::{JsCast, JsValue};

use crate::message::DataKind;

/// The largest message received unless set: 16 MiB (16,777,216 bytes).
///
/// A received message is copied into wasm memory when it is read, and wasm memory
/// never shrinks: this bound is what one message can make a page keep for good. 16 MiB
/// holds any image, file chunk or document a page is likely to expect in one message,
/// and stays a small part of what a tab may use (phones included), so a server
/// sending gigabytes (Chromium accepts 64 MiB and more) fails one socket, not the page.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 << 20;

/// The most unread messages kept unless set: 65,536.
///
/// Each one costs a few dozen bytes of bookkeeping besides its data (its `JsValue`
/// handle and a queue entry in wasm memory), so this bounds a flood of tiny messages
/// (about 1 MiB of wasm memory at most), while a reader that keeps up never has more
/// than a handful waiting.
pub const DEFAULT_MAX_BACKLOG_MESSAGES: usize = 65_536;

/// The most bytes of unread messages kept unless set: 64 MiB.
///
/// Unread messages wait in the JavaScript heap, as the browser made them; four
/// largest messages fit, and a reader that stops for a second on a fast link does not
/// fail the socket.
pub const DEFAULT_MAX_BACKLOG_BYTES: usize = 64 << 20;

/// The close code this crate closes a socket with when a message is over the size
/// limit: 4009. RFC 6455 has 1009 ("message too big") for this, but a page may only
/// send 1000 and 3000..=4999 (the WHATWG `close()` throws `InvalidAccessError` for
/// any other), so it is 1009 moved into the private range.
pub const CLOSE_MESSAGE_TOO_LARGE: u16 = 4009;

/// The close code this crate closes a socket with when unread messages exceed the
/// backlog bound: 4008, RFC 6455's 1008 ("policy violation") moved into the private
/// range for the same reason as [`CLOSE_MESSAGE_TOO_LARGE`].
pub const CLOSE_BACKLOG_FULL: u16 = 4008;

/// The receive limits of a socket (set through the builder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_message_size: usize,
    pub(crate) max_backlog_messages: usize,
    pub(crate) max_backlog_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_backlog_messages: DEFAULT_MAX_BACKLOG_MESSAGES,
            max_backlog_bytes: DEFAULT_MAX_BACKLOG_BYTES,
        }
    }
}

/// A received message's size in bytes, read from the JavaScript value alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Size {
    /// Within `max_message_size`: its size for the backlog bound (a text counts
    /// its UTF-16 code units: the bytes of its UTF-8 for ASCII text; counting its
    /// UTF-8 would cost a pass over every text).
    Within(usize),
    /// Over it: its size (exact; a text counts its UTF-8 bytes).
    Over(u64),
}

impl Limits {
    /// The size of a message event's `data`, checked against `max_message_size`
    /// (for which a text counts its UTF-8 bytes), and what kind of value it is (so
    /// that converting it later asks the browser no second time).
    ///
    /// A string's `length` counts UTF-16 code units, and its UTF-8 takes from one to
    /// three bytes per unit: a string of at most a third of the limit is within it,
    /// and only a longer one has its UTF-8 bytes counted (by the browser, without
    /// copying it into wasm memory). Data of another type (which the
    /// standard never delivers) counts as 0 and is refused when read.
    pub(crate) fn size_of(&self, data: &JsValue) -> (Size, DataKind) {
        let limit = self.max_message_size;
        let (bytes, kind) = if let Some(length) = string_length(data) {
            if length <= (limit / 3) as f64 {
                return (Size::Within(whole(length)), DataKind::Text);
            }
            // Counted even when the units alone are over the limit, so that the
            // error says how large it is.
            let utf8 = utf8_length(data);
            if utf8 > limit as f64 {
                return (Size::Over(whole_u64(utf8)), DataKind::Text);
            }
            (length, DataKind::Text)
        } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
            (buffer.byte_length().into(), DataKind::ArrayBuffer)
        } else if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
            (blob.size(), DataKind::Blob)
        } else {
            (0.0, DataKind::Other)
        };
        if bytes > limit as f64 {
            (Size::Over(whole_u64(bytes)), kind)
        } else {
            (Size::Within(whole(bytes)), kind)
        }
    }
}

/// A string's `length` (UTF-16 code units); `None` for any other value.
fn string_length(value: &JsValue) -> Option<f64> {
    value
        .dyn_ref::<js_sys::JsString>()
        .map(|text| f64::from(text.length()))
}

/// The UTF-8 length of a string, measured by the browser without copying it into
/// wasm memory: the size of a `Blob` made of it (which encodes it as UTF-8, an
/// unpaired surrogate as the three bytes of U+FFFD, as the socket did).
fn utf8_length(text: &JsValue) -> f64 {
    web_sys::Blob::new_with_str_sequence(&js_sys::Array::of1(text))
        // The constructor throws only for values it cannot convert; a string always
        // converts. Were it to fail, the UTF-16 length is the least the text takes.
        .map_or_else(
            |_| string_length(text).unwrap_or_default(),
            |blob| blob.size(),
        )
}

/// A size known to be within a `usize` limit.
fn whole(bytes: f64) -> usize {
    // Within 0..=limit (a usize), checked by the callers.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = bytes as usize;
    bytes
}

/// A size from JavaScript (a whole number below 2^53).
fn whole_u64(bytes: f64) -> u64 {
    // JavaScript sizes are whole numbers in 0..2^53; `as` saturates anyway.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = bytes as u64;
    bytes
}
