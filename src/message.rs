//! Messages: what is sent and received.

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::text::text_from_js;
use crate::{Error, Result};

/// A WebSocket message.
///
/// Binary messages arrive as [`Message::Binary`] unless the socket was built with
/// [`BinaryType::Blob`](crate::BinaryType::Blob), in which case they arrive as
/// [`Message::Blob`], handed over as the browser made them and in arrival order.
///
/// ```
/// use wasm_websocket::Message;
/// let m = Message::text("héllo");
/// assert!(m.is_text());
/// assert_eq!(m.as_text(), Some("héllo"));
/// assert_eq!(Message::binary([1, 2, 3]).as_bytes(), Some(&[1u8, 2, 3][..]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A text message.
    Text(String),
    /// A binary message, as bytes.
    Binary(Vec<u8>),
    /// A binary message as a browser Blob (only received in Blob mode; may be sent).
    Blob(web_sys::Blob),
}

impl Message {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A binary message.
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Self {
        Self::Binary(bytes.into())
    }

    /// Whether this is a text message.
    #[must_use]
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Text(_))
    }

    /// Whether this is a binary message held as bytes.
    #[must_use]
    pub fn is_binary(&self) -> bool {
        matches!(self, Self::Binary(_))
    }

    /// Whether this is a binary message held as a Blob.
    #[must_use]
    pub fn is_blob(&self) -> bool {
        matches!(self, Self::Blob(_))
    }

    /// The text of a text message.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The bytes of a binary message held as bytes.
    #[must_use]
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Binary(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The message's payload as bytes: the UTF-8 of a text, the bytes of a binary
    /// message, or the contents of a Blob, read with `Blob.arrayBuffer()`.
    ///
    /// # Errors
    /// [`Error::Js`] if the browser fails to read the Blob.
    pub async fn into_bytes(self) -> Result<Vec<u8>> {
        match self {
            Self::Text(text) => Ok(text.into_bytes()),
            Self::Binary(bytes) => Ok(bytes),
            Self::Blob(blob) => read_blob(&blob).await,
        }
    }

    /// Converts the `data` of a `MessageEvent` whose kind is known (found when it
    /// was received, by [`Limits::size_of`](crate::limits::Limits::size_of)), asking
    /// the browser only for the conversion itself. One copy is made for binary data:
    /// from the browser's ArrayBuffer into the returned `Vec`.
    pub(crate) fn from_event_data_of(data: JsValue, kind: DataKind) -> Result<Self> {
        match kind {
            // The kind was found by the string check: no second call to ask again.
            DataKind::Text => match text_from_js(data.unchecked_ref()) {
                Some(text) => Ok(Self::Text(text)),
                // Not even wasm-bindgen could convert it (which does not happen for a
                // string): what converting it unclassified ends with too.
                None => Err(Error::UnexpectedData {
                    type_name: type_name(&data),
                }),
            },
            DataKind::ArrayBuffer => Ok(Self::Binary(
                Uint8Array::new(data.unchecked_ref::<ArrayBuffer>()).to_vec(),
            )),
            DataKind::Blob => Ok(Self::Blob(data.unchecked_into())),
            // Neither a string, an ArrayBuffer nor a Blob (found when received).
            DataKind::Other => Err(Error::UnexpectedData {
                type_name: type_name(&data),
            }),
        }
    }

    /// Converts the `data` of a `MessageEvent` (when the message is read). One copy
    /// is made for binary data: from the browser's ArrayBuffer into the returned `Vec`.
    #[cfg(feature = "reconnect")]
    pub(crate) fn from_event_data(data: JsValue) -> Result<Self> {
        if let Some(text) = data.dyn_ref::<js_sys::JsString>().and_then(text_from_js) {
            return Ok(Self::Text(text));
        }
        match data.dyn_into::<ArrayBuffer>() {
            Ok(buffer) => Ok(Self::Binary(Uint8Array::new(&buffer).to_vec())),
            Err(data) => match data.dyn_into::<web_sys::Blob>() {
                Ok(blob) => Ok(Self::Blob(blob)),
                Err(data) => Err(Error::UnexpectedData {
                    type_name: type_name(&data),
                }),
            },
        }
    }
}

/// What a message event's `data` is, found once when it is received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataKind {
    /// A string.
    Text,
    /// An `ArrayBuffer`.
    ArrayBuffer,
    /// A `Blob`.
    Blob,
    /// Anything else (which the standard never delivers).
    Other,
}

/// Reads a Blob's bytes with `Blob.arrayBuffer()`.
///
/// # Errors
/// [`Error::Js`] if the browser fails to read the Blob.
pub async fn read_blob(blob: &web_sys::Blob) -> Result<Vec<u8>> {
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    let buffer: ArrayBuffer = buffer.dyn_into().map_err(|value| Error::UnexpectedData {
        type_name: type_name(&value),
    })?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn type_name(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Object>()
        .map(|object| String::from(object.constructor().name()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| value.js_typeof().as_string().unwrap_or_default())
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<Vec<u8>> for Message {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Binary(bytes)
    }
}

impl From<&[u8]> for Message {
    fn from(bytes: &[u8]) -> Self {
        Self::Binary(bytes.to_vec())
    }
}

impl From<web_sys::Blob> for Message {
    fn from(blob: web_sys::Blob) -> Self {
        Self::Blob(blob)
    }
}
