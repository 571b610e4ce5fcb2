//! Drawing a received message into a canvas: an encoded image or raw pixels. The
//! image is decoded in full first, so a failure leaves the canvas as it was; then the
//! canvas is resized to the image, cleared, and the image drawn at its top left.

use js_sys::Uint8Array;
use wasm_bindgen::Clamped;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::context::context_2d;
use super::decode::decode;
use super::pixels::{is_raw_pixels, parse, Pixels, PIXELS_MAGIC};
use super::{CanvasError, Result};
use crate::{read_blob, Message};

/// Draws a message into the canvas: raw pixels (starting with `RGBA`, see
/// [`send_canvas_pixels`](super::send_canvas_pixels)) or an encoded image (PNG, JPEG,
/// WebP, GIF, SVG... as from [`send_canvas_image`](super::send_canvas_image)), held as
/// bytes or as a Blob. Returns the size drawn.
///
/// The canvas is resized to the image and cleared before drawing; on any error it is
/// left untouched. (Browsers decode an encoded image cut short as far as it goes, as
/// they do on a page: only data they cannot decode at all is an error.)
///
/// # Errors
/// - [`CanvasError::NotAnImage`] for a text message, or bytes the browser cannot decode as an
///   image (`createImageBitmap` and `<img>` both refuse them);
/// - the errors of [`decode_pixels`](super::decode_pixels) for raw pixels;
/// - [`CanvasError::InvalidDimensions`] for an image without a size (an SVG with none);
/// - [`CanvasError::NoContext2d`] if the canvas has a context of another kind;
/// - [`CanvasError::Js`] if the browser cannot read a Blob.
pub async fn draw_message(canvas: &HtmlCanvasElement, message: &Message) -> Result<(u32, u32)> {
    match message {
        Message::Text(_) => Err(CanvasError::NotAnImage {
            reason: "a text message is not an image".to_owned(),
        }),
        Message::Binary(bytes) => draw_bytes(canvas, bytes).await,
        Message::Blob(blob) => draw_blob(canvas, blob).await,
    }
}

/// Draws bytes into the canvas: raw pixels or an encoded image, as
/// [`draw_message`]. Returns the size drawn.
///
/// # Errors
/// As [`draw_message`].
pub async fn draw_bytes(canvas: &HtmlCanvasElement, bytes: &[u8]) -> Result<(u32, u32)> {
    let context = context_2d(canvas)?;
    if is_raw_pixels(bytes) {
        let (width, height, rgba) = parse(bytes)?;
        return put_rgba(canvas, &context, width, height, rgba);
    }
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts)?;
    draw_decoded(canvas, &context, &blob).await
}

/// Draws a Blob into the canvas: raw pixels or an encoded image, as
/// [`draw_message`]. Returns the size drawn.
///
/// # Errors
/// As [`draw_message`].
pub async fn draw_blob(canvas: &HtmlCanvasElement, blob: &Blob) -> Result<(u32, u32)> {
    let context = context_2d(canvas)?;
    let magic_len = PIXELS_MAGIC.len() as i32;
    let start = read_blob(&blob.slice_with_i32_and_i32(0, magic_len)?).await?;
    if is_raw_pixels(&start) {
        let bytes = read_blob(blob).await?;
        let (width, height, rgba) = parse(&bytes)?;
        return put_rgba(canvas, &context, width, height, rgba);
    }
    draw_decoded(canvas, &context, blob).await
}

/// Draws pixels into the canvas (resized to them and cleared first). Returns the size
/// drawn.
///
/// # Errors
/// [`CanvasError::NoContext2d`] if the canvas has a context of another kind; [`CanvasError::Js`]
/// if the browser refuses the size (`ImageData` throws for very large images).
pub fn draw_pixels(canvas: &HtmlCanvasElement, pixels: &Pixels) -> Result<(u32, u32)> {
    let context = context_2d(canvas)?;
    put_rgba(
        canvas,
        &context,
        pixels.width(),
        pixels.height(),
        pixels.rgba(),
    )
}

fn put_rgba(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Result<(u32, u32)> {
    // Built before the canvas is touched: this is where a bad size fails.
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)?;
    reset(canvas, context, width, height);
    context.put_image_data(&image, 0.0, 0.0)?;
    Ok((width, height))
}

async fn draw_decoded(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
    blob: &Blob,
) -> Result<(u32, u32)> {
    let decoded = decode(blob).await?;
    let (width, height) = decoded.size();
    if width == 0 || height == 0 {
        return Err(CanvasError::InvalidDimensions { width, height });
    }
    reset(canvas, context, width, height);
    decoded.draw(context)?;
    Ok((width, height))
}

/// Resizes the canvas to the image and clears it (resizing alone resets the bitmap to
/// transparent black; clearing says so and covers a browser that skips an unchanged
/// size).
fn reset(canvas: &HtmlCanvasElement, context: &CanvasRenderingContext2d, width: u32, height: u32) {
    canvas.set_width(width);
    canvas.set_height(height);
    context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
}
