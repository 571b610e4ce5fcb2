//! The canvas layer's error type.

use crate::{Error, JsError};

/// The canvas functions' result: `Result<T, CanvasError>`.
pub type Result<T, E = CanvasError> = core::result::Result<T, E>;

/// Why a canvas could not be sent, read or drawn, with the data a caller needs.
///
/// Socket failures (a send on a socket that is not open, say) come wrapped as
/// [`CanvasError::Socket`]; everything else is the canvas's or the image's own.
/// `From` conversions go both ways a caller combines them: `?` turns a socket
/// [`Error`] into a `CanvasError`, and an app with a single error type can hold both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanvasError {
    /// The browser would not encode a canvas: `toBlob` gave no image (the canvas has
    /// no pixels, or is too large), or the canvas is tainted by cross-origin data
    /// (`SecurityError`).
    #[error("the {width}x{height} canvas could not be encoded: {reason}")]
    EncodeFailed {
        /// The canvas width at the time of the call.
        width: u32,
        /// The canvas height at the time of the call.
        height: u32,
        /// Why, as the browser reported it.
        reason: String,
    },
    /// The canvas has no 2d context because it already has another kind (such as
    /// `webgl`): `getContext("2d")` returned `null`.
    #[error("the canvas has no 2d context (it already has a context of another kind)")]
    NoContext2d,
    /// Raw pixels shorter than their header.
    #[error("raw pixels are {len} bytes, shorter than their {header}-byte header")]
    PixelsTruncated {
        /// The length of the data.
        len: usize,
        /// The header length ([`PIXELS_HEADER_LEN`](super::PIXELS_HEADER_LEN)).
        header: usize,
    },
    /// Raw pixels that do not start with the magic `RGBA`.
    #[error("raw pixels start with {}, not the magic `RGBA`", Hex(*.found))]
    BadPixelsMagic {
        /// The first four bytes of the data.
        found: [u8; 4],
    },
    /// Raw pixels whose RGBA data is not `width * height * 4` bytes long.
    #[error("{width}x{height} pixels need {expected} bytes of RGBA, got {actual}")]
    InvalidPixels {
        /// The width in the header.
        width: u32,
        /// The height in the header.
        height: u32,
        /// `width * height * 4`.
        expected: usize,
        /// The number of RGBA bytes present.
        actual: usize,
    },
    /// An image with no pixels, or too many to address in memory.
    #[error("an image of {width}x{height} pixels is empty or too large")]
    InvalidDimensions {
        /// The image width.
        width: u32,
        /// The image height.
        height: u32,
    },
    /// An image larger than the draw functions accept (see
    /// [`DrawOptions`](super::DrawOptions)), refused before it was decoded and before
    /// the canvas was touched: by the size raw pixels or an image header declare, or
    /// by the size the browser decoded for other formats.
    #[error(
        "a {width}x{height} image is larger than the limit of {max_side} pixels a side \
         and {max_pixels} pixels in all"
    )]
    TooLarge {
        /// The image width.
        width: u32,
        /// The image height.
        height: u32,
        /// The largest width or height accepted.
        max_side: u32,
        /// The largest `width * height` accepted.
        max_pixels: u64,
    },
    /// Data the browser could not decode as an image (or a text message where an image
    /// was expected).
    #[error("not an image: {reason}")]
    NotAnImage {
        /// Why, as the browser reported it.
        reason: String,
    },
    /// The socket refused the send (for example [`Error::NotOpen`]).
    #[error(transparent)]
    Socket(#[from] Error),
    /// A JavaScript exception, with its `name` and `message`.
    #[error("{0}")]
    Js(JsError),
}

impl From<JsError> for CanvasError {
    fn from(value: JsError) -> Self {
        Self::Js(value)
    }
}

impl From<wasm_bindgen::JsValue> for CanvasError {
    fn from(value: wasm_bindgen::JsValue) -> Self {
        Self::Js(JsError::from_js(&value))
    }
}

/// Four bytes as `{:02x?}` shows them (`[52, 47, 42, 58]`), without the list
/// formatter `Debug` brings into every app that shows a canvas error.
struct Hex([u8; 4]);

impl core::fmt::Display for Hex {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "[{a:02x}, {b:02x}, {c:02x}, {d:02x}]")
    }
}

#[cfg(test)]
mod tests {
    use super::Hex;

    #[test]
    fn four_bytes_are_shown_as_hex_debug_shows_them() {
        for bytes in [*b"RGBX", [0, 1, 0x0f, 0xff], [0x10, 0xa0, 0xab, 9]] {
            assert_eq!(Hex(bytes).to_string(), format!("{bytes:02x?}"));
        }
    }
}
