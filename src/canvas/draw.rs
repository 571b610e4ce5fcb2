//! Drawing a received message into a canvas: an encoded image or raw pixels. The size
//! is checked first (see [`DrawOptions`]), then the image is decoded in full, so a
//! failure leaves the canvas as it was; only then is the canvas resized to the image,
//! cleared, and the image drawn at its top left.

use js_sys::Uint8Array;
use wasm_bindgen::Clamped;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::context::context_2d;
use super::decode::decode;
use super::header::{declared_size, Source};
use super::pixels::{
    check_rgba_len, declared_pixels_size, is_raw_pixels, parse, Pixels, PIXELS_HEADER_LEN,
};
use super::{CanvasError, DrawOptions, Result};
use crate::{read_blob, Message};

/// Draws a message into the canvas: raw pixels (starting with `RGBA`, see
/// [`send_canvas_pixels`](super::send_canvas_pixels)) or an encoded image (PNG, JPEG,
/// WebP, GIF, SVG... as from [`send_canvas_image`](super::send_canvas_image)), held as
/// bytes or as a Blob. Returns the size drawn. Uses the default size limit; see
/// [`DrawOptions::draw_message`] to set another.
///
/// The canvas is resized to the image and cleared before drawing; on any error it is
/// left untouched. (Browsers decode an encoded image cut short as far as it goes, as
/// they do on a page: only data they cannot decode at all is an error.)
///
/// # Errors
/// - [`CanvasError::TooLarge`] for an image above the size limit (see [`DrawOptions`]),
///   before it is decoded;
/// - [`CanvasError::NotAnImage`] for a text message, or bytes the browser cannot decode as an
///   image (`createImageBitmap` and `<img>` both refuse them), or a JPEG whose frame
///   header does not come within its first 4096 segments;
/// - the errors of [`decode_pixels`](super::decode_pixels) for raw pixels;
/// - [`CanvasError::InvalidDimensions`] for an image without a size (an SVG with none);
/// - [`CanvasError::NoContext2d`] if the canvas has a context of another kind;
/// - [`CanvasError::Js`] if the browser cannot read a Blob.
pub async fn draw_message(canvas: &HtmlCanvasElement, message: &Message) -> Result<(u32, u32)> {
    DrawOptions::new().draw_message(canvas, message).await
}

/// Draws bytes into the canvas: raw pixels or an encoded image, as
/// [`draw_message`]. Returns the size drawn.
///
/// # Errors
/// As [`draw_message`].
pub async fn draw_bytes(canvas: &HtmlCanvasElement, bytes: &[u8]) -> Result<(u32, u32)> {
    DrawOptions::new().draw_bytes(canvas, bytes).await
}

/// Draws a Blob into the canvas: raw pixels or an encoded image, as
/// [`draw_message`]. Only the first bytes are read before the size is checked.
/// Returns the size drawn.
///
/// # Errors
/// As [`draw_message`].
pub async fn draw_blob(canvas: &HtmlCanvasElement, blob: &Blob) -> Result<(u32, u32)> {
    DrawOptions::new().draw_blob(canvas, blob).await
}

/// Draws pixels into the canvas (resized to them and cleared first). Returns the size
/// drawn.
///
/// # Errors
/// [`CanvasError::TooLarge`] for pixels above the default size limit (see
/// [`DrawOptions`]); [`CanvasError::NoContext2d`] if the canvas has a context of another
/// kind; [`CanvasError::Js`] if the browser refuses the size (`ImageData` throws for
/// very large images). The canvas is untouched on every error.
pub fn draw_pixels(canvas: &HtmlCanvasElement, pixels: &Pixels) -> Result<(u32, u32)> {
    DrawOptions::new().draw_pixels(canvas, pixels)
}

impl DrawOptions {
    /// [`draw_message`] with these options.
    ///
    /// # Errors
    /// As [`draw_message`], with this size limit.
    pub async fn draw_message(
        &self,
        canvas: &HtmlCanvasElement,
        message: &Message,
    ) -> Result<(u32, u32)> {
        match message {
            Message::Text(_) => Err(CanvasError::NotAnImage {
                reason: "a text message is not an image".to_owned(),
            }),
            Message::Binary(bytes) => self.draw_bytes(canvas, bytes).await,
            Message::Blob(blob) => self.draw_blob(canvas, blob).await,
        }
    }

    /// [`draw_bytes`] with these options.
    ///
    /// # Errors
    /// As [`draw_message`], with this size limit.
    pub async fn draw_bytes(&self, canvas: &HtmlCanvasElement, bytes: &[u8]) -> Result<(u32, u32)> {
        let context = context_2d(canvas)?;
        if is_raw_pixels(bytes) {
            if let Some((width, height)) = declared_pixels_size(bytes) {
                self.check(width, height)?;
            }
            let (width, height, rgba) = parse(bytes)?;
            return self.put_rgba(canvas, &context, width, height, rgba);
        }
        if let Some((width, height)) = declared_size(&mut Source::Bytes(bytes)).await? {
            self.check(width, height)?;
        }
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
        let blob = Blob::new_with_u8_array_sequence(&parts)?;
        self.draw_decoded(canvas, &context, &blob).await
    }

    /// [`draw_blob`] with these options.
    ///
    /// # Errors
    /// As [`draw_message`], with this size limit.
    pub async fn draw_blob(&self, canvas: &HtmlCanvasElement, blob: &Blob) -> Result<(u32, u32)> {
        let context = context_2d(canvas)?;
        let mut source = Source::blob(blob);
        let head = source.read(0, PIXELS_HEADER_LEN).await?;
        if is_raw_pixels(head) {
            if let Some((width, height)) = declared_pixels_size(head) {
                self.check(width, height)?;
                // A Blob of the wrong length is refused before it is read into wasm
                // memory.
                let rgba = (blob.size() as u64).saturating_sub(PIXELS_HEADER_LEN as u64);
                check_rgba_len(width, height, usize::try_from(rgba).unwrap_or(usize::MAX))?;
            }
            let bytes = read_blob(blob).await?;
            let (width, height, rgba) = parse(&bytes)?;
            return self.put_rgba(canvas, &context, width, height, rgba);
        }
        if let Some((width, height)) = declared_size(&mut source).await? {
            self.check(width, height)?;
        }
        self.draw_decoded(canvas, &context, blob).await
    }

    /// [`draw_pixels`] with these options.
    ///
    /// # Errors
    /// As [`draw_pixels`], with this size limit.
    pub fn draw_pixels(&self, canvas: &HtmlCanvasElement, pixels: &Pixels) -> Result<(u32, u32)> {
        let context = context_2d(canvas)?;
        self.put_rgba(
            canvas,
            &context,
            pixels.width(),
            pixels.height(),
            pixels.rgba(),
        )
    }

    /// Every step that can fail comes before the canvas is touched: the size check
    /// (a canvas resized beyond what the browser can hold loses its pixels without an
    /// error), then the `ImageData` (which throws for sizes it cannot hold). Only then
    /// is the canvas resized, cleared and the pixels put.
    fn put_rgba(
        &self,
        canvas: &HtmlCanvasElement,
        context: &CanvasRenderingContext2d,
        width: u32,
        height: u32,
        rgba: &[u8],
    ) -> Result<(u32, u32)> {
        self.check(width, height)?;
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)?;
        reset(canvas, context, width, height);
        // putImageData only throws for an ImageData whose buffer was detached, which
        // this one, just made, cannot be.
        context.put_image_data(&image, 0.0, 0.0)?;
        Ok((width, height))
    }

    async fn draw_decoded(
        &self,
        canvas: &HtmlCanvasElement,
        context: &CanvasRenderingContext2d,
        blob: &Blob,
    ) -> Result<(u32, u32)> {
        let decoded = decode(blob).await?;
        let (width, height) = decoded.size();
        if width == 0 || height == 0 {
            return Err(CanvasError::InvalidDimensions { width, height });
        }
        // Formats whose header we do not read are checked here, still before the
        // canvas is resized.
        self.check(width, height)?;
        reset(canvas, context, width, height);
        decoded.draw(context)?;
        Ok((width, height))
    }
}

/// Resizes the canvas to the image and clears it (resizing alone resets the bitmap to
/// transparent black; clearing says so and covers a browser that skips an unchanged
/// size).
fn reset(canvas: &HtmlCanvasElement, context: &CanvasRenderingContext2d, width: u32, height: u32) {
    canvas.set_width(width);
    canvas.set_height(height);
    context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
}
