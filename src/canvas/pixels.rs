//! Raw pixels: a canvas's RGBA bytes behind a small header, so that the other side can
//! rebuild the image exactly (the format is documented on [`Pixels`]).

use js_sys::{Uint8Array, Uint8ClampedArray};
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::context::context_2d;
use super::{CanvasError, Result};
use crate::{Error, JsError, ReadyState, WebSocketSender};

/// The magic bytes raw pixels start with.
pub const PIXELS_MAGIC: [u8; 4] = *b"RGBA";

/// The length of the raw pixels header: magic, width, height.
pub const PIXELS_HEADER_LEN: usize = 12;

/// An image as RGBA bytes: `width * height * 4` of them, row by row from the top
/// left, not premultiplied (the layout of `ImageData`). Never empty.
///
/// # The raw pixels format
///
/// What [`send_canvas_pixels`] sends, [`Pixels::encode`] makes and [`decode_pixels`]
/// reads; integers are little-endian:
///
/// | offset | size                 | content                                          |
/// |--------|----------------------|--------------------------------------------------|
/// | 0      | 4                    | the magic bytes `RGBA` ([`PIXELS_MAGIC`])        |
/// | 4      | 4                    | width in pixels, `u32`                           |
/// | 8      | 4                    | height in pixels, `u32`                          |
/// | 12     | `width * height * 4` | red, green, blue, alpha: one byte each, a pixel after another |
///
/// Nothing follows the pixels. The 12-byte header is [`PIXELS_HEADER_LEN`].
///
/// ```
/// use wasm_websocket::canvas::{decode_pixels, Pixels};
///
/// let red = Pixels::new(2, 1, vec![255, 0, 0, 255, 255, 0, 0, 255])?;
/// let bytes = red.encode();
/// assert_eq!(&bytes[..4], b"RGBA");
/// assert_eq!(decode_pixels(&bytes)?, red);
/// # Ok::<(), wasm_websocket::canvas::CanvasError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Pixels {
    /// Checks that `rgba` holds `width * height * 4` bytes.
    ///
    /// # Errors
    /// [`CanvasError::InvalidDimensions`] if `width` or `height` is 0 or their product
    /// overflows; [`CanvasError::InvalidPixels`] if `rgba` has the wrong length.
    pub fn new(width: u32, height: u32, rgba: Vec<u8>) -> Result<Self> {
        check_rgba_len(width, height, rgba.len())?;
        Ok(Self {
            width,
            height,
            rgba,
        })
    }

    /// The width in pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The height in pixels.
    #[must_use]
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The RGBA bytes.
    #[must_use]
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }

    /// The RGBA bytes, owned.
    #[must_use]
    pub fn into_rgba(self) -> Vec<u8> {
        self.rgba
    }

    /// The pixels in the raw format (header, then RGBA), ready to send.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(PIXELS_HEADER_LEN + self.rgba.len());
        bytes.extend_from_slice(&header(self.width, self.height));
        bytes.extend_from_slice(&self.rgba);
        bytes
    }
}

/// Decodes raw pixels (header, then RGBA) into [`Pixels`].
///
/// # Errors
/// - [`CanvasError::PixelsTruncated`] when `bytes` is shorter than the 12-byte header;
/// - [`CanvasError::BadPixelsMagic`] when it does not start with `RGBA`;
/// - [`CanvasError::InvalidDimensions`] for a width or height of 0 (or a product that
///   overflows);
/// - [`CanvasError::InvalidPixels`] when the RGBA data after the header is not
///   `width * height * 4` bytes long (truncated, or with bytes left over).
pub fn decode_pixels(bytes: &[u8]) -> Result<Pixels> {
    let (width, height, rgba) = parse(bytes)?;
    Ok(Pixels {
        width,
        height,
        rgba: rgba.to_vec(),
    })
}

/// Whether `bytes` start like raw pixels (with the magic `RGBA`). Encoded images never
/// do: PNG, JPEG, GIF, WebP, BMP and AVIF all start otherwise.
#[must_use]
pub fn is_raw_pixels(bytes: &[u8]) -> bool {
    bytes.starts_with(&PIXELS_MAGIC)
}

/// The width and height in a raw pixels header, if `bytes` hold one (whatever follows).
pub(crate) fn declared_pixels_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !is_raw_pixels(bytes) {
        return None;
    }
    let word = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((word(4)?, word(8)?))
}

/// Checks raw pixels without copying them: width, height and the RGBA bytes.
pub(crate) fn parse(bytes: &[u8]) -> Result<(u32, u32, &[u8])> {
    let truncated = || CanvasError::PixelsTruncated {
        len: bytes.len(),
        header: PIXELS_HEADER_LEN,
    };
    let (head, rgba) = bytes
        .split_at_checked(PIXELS_HEADER_LEN)
        .ok_or_else(truncated)?;
    let word = |at: usize| -> Result<[u8; 4]> {
        head.get(at..at + 4)
            .and_then(|w| w.try_into().ok())
            .ok_or_else(truncated)
    };
    let magic = word(0)?;
    if magic != PIXELS_MAGIC {
        return Err(CanvasError::BadPixelsMagic { found: magic });
    }
    let width = u32::from_le_bytes(word(4)?);
    let height = u32::from_le_bytes(word(8)?);
    check_rgba_len(width, height, rgba.len())?;
    Ok((width, height, rgba))
}

/// Checks that `actual` bytes are the RGBA of a `width` x `height` image.
pub(crate) fn check_rgba_len(width: u32, height: u32, actual: usize) -> Result<()> {
    let expected = rgba_len(width, height)?;
    if actual != expected {
        return Err(CanvasError::InvalidPixels {
            width,
            height,
            expected,
            actual,
        });
    }
    Ok(())
}

/// `width * height * 4`, for a non-empty image that fits in memory.
fn rgba_len(width: u32, height: u32) -> Result<usize> {
    let invalid = || CanvasError::InvalidDimensions { width, height };
    if width == 0 || height == 0 {
        return Err(invalid());
    }
    usize::try_from(width)
        .ok()
        .zip(usize::try_from(height).ok())
        .and_then(|(w, h)| w.checked_mul(h))
        .and_then(|n| n.checked_mul(4))
        .filter(|&n| n <= isize::MAX as usize - PIXELS_HEADER_LEN)
        .ok_or_else(invalid)
}

fn header(width: u32, height: u32) -> [u8; PIXELS_HEADER_LEN] {
    let mut header = [0; PIXELS_HEADER_LEN];
    header[..4].copy_from_slice(&PIXELS_MAGIC);
    header[4..8].copy_from_slice(&width.to_le_bytes());
    header[8..].copy_from_slice(&height.to_le_bytes());
    header
}

/// Reads the whole canvas (`getImageData`) into wasm memory.
///
/// # Errors
/// [`CanvasError::EncodeFailed`] for a canvas with no pixels or one tainted by
/// cross-origin images (`getImageData` throws `IndexSizeError` or `SecurityError`);
/// [`CanvasError::NoContext2d`] if the canvas has a context of another kind.
pub fn read_pixels(canvas: &HtmlCanvasElement) -> Result<Pixels> {
    let (width, height, data) = image_data(canvas)?;
    Pixels::new(width, height, data.to_vec())
}

/// Sends the whole canvas as raw pixels (see [`Pixels`] for the format), in one
/// binary message, at once. Returns the number of bytes sent.
///
/// The RGBA bytes go from the canvas to the socket without passing through wasm
/// memory.
///
/// # Errors
/// - [`Error::NotOpen`] if the socket is not open (the canvas is then not read);
/// - the errors of [`read_pixels`];
/// - the errors of [`WebSocketSender::send_view`].
pub fn send_canvas_pixels(sender: &WebSocketSender, canvas: &HtmlCanvasElement) -> Result<usize> {
    let state = sender.ready_state();
    if state != ReadyState::Open {
        return Err(Error::NotOpen { state }.into());
    }
    let (width, height, data) = image_data(canvas)?;
    let rgba_len = data.length() as usize;
    let message = Uint8Array::new_with_length((PIXELS_HEADER_LEN + rgba_len) as u32);
    message
        .subarray(0, PIXELS_HEADER_LEN as u32)
        .copy_from(&header(width, height));
    message.set(&data, PIXELS_HEADER_LEN as u32);
    sender.send_view(&message)?;
    Ok(PIXELS_HEADER_LEN + rgba_len)
}

/// The canvas's size and its `ImageData`'s RGBA array (still in JavaScript).
fn image_data(canvas: &HtmlCanvasElement) -> Result<(u32, u32, Uint8ClampedArray)> {
    let (width, height) = (canvas.width(), canvas.height());
    let failed = |reason: String| CanvasError::EncodeFailed {
        width,
        height,
        reason,
    };
    if width == 0 || height == 0 {
        return Err(failed("the canvas has no pixels".to_owned()));
    }
    let context = context_2d(canvas)?;
    let image = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(|thrown| failed(JsError::from_js(&thrown).to_string()))?;
    // `ImageData.data` through the property, to keep it in JavaScript (web-sys's
    // `data()` copies it into wasm memory).
    let data = js_sys::Reflect::get(&image, &"data".into())?
        .dyn_into::<Uint8ClampedArray>()
        .map_err(|_| failed("ImageData.data is not a Uint8ClampedArray".to_owned()))?;
    Ok((image.width(), image.height(), data))
}
