//! `sendCanvas`, `sendCanvasPixels` and `drawMessage`: the [`canvas`](wasm_websocket::canvas)
//! module for JavaScript (cargo features `js` and `canvas`).

use js_sys::{ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::future_to_promise;
use web_sys::HtmlCanvasElement;

use crate::convert::{describe, optional_string, quoted, whole};
use crate::error::{range_error, to_js, type_error};
use crate::socket::checked;
use crate::WasmSocket;
use wasm_websocket::canvas::{send_canvas_image, send_canvas_pixels, DrawOptions, ImageFormat};
use wasm_websocket::Message;

#[wasm_bindgen]
impl WasmSocket {
    /// Encodes the canvas as an image with `toBlob` and sends it as one binary
    /// message; resolves with the `Blob` that was sent (its `type` says which format
    /// the browser made: one that cannot encode the requested type makes PNG).
    ///
    /// `type` is `"image/png"` (the default, lossless), `"image/jpeg"` or
    /// `"image/webp"`; `quality` (0 to 1) applies to the latter two. The canvas is read
    /// at the call; messages sent while it is being encoded go out before it.
    ///
    /// Rejects with `NotOpen` unless the socket is open (at the call and once the
    /// image is encoded), `CanvasEncodeFailed` for a canvas with no pixels or one
    /// tainted by cross-origin images, `TypeError` for bad arguments (a `type` that is
    /// not one of the three, a `quality` that is not a number) and `RangeError` for a
    /// `quality` outside 0 to 1.
    #[wasm_bindgen(js_name = sendCanvas, unchecked_return_type = "Promise<Blob>")]
    pub fn send_canvas(
        &self,
        canvas: &HtmlCanvasElement,
        #[wasm_bindgen(unchecked_optional_param_type = "ImageType")] r#type: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] quality: JsValue,
    ) -> Promise {
        let (r#type, quality) = match (
            optional_string(&r#type, "sendCanvas: type"),
            image_quality(&quality),
        ) {
            (Ok(r#type), Ok(quality)) => (r#type, quality),
            (Err(error), _) | (_, Err(error)) => return Promise::reject(&error),
        };
        let format = match r#type.as_deref() {
            None | Some("image/png") => ImageFormat::Png,
            Some("image/jpeg") => ImageFormat::Jpeg { quality },
            Some("image/webp") => ImageFormat::Webp { quality },
            Some(other) => {
                return Promise::reject(&type_error(&format!(
                    "sendCanvas: type must be \"image/png\", \"image/jpeg\" or \"image/webp\", \
                     got {}",
                    quoted(other)
                )))
            }
        };
        let canvas = match checked(canvas, "sendCanvas", "an HTMLCanvasElement") {
            Ok(canvas) => canvas,
            Err(error) => return Promise::reject(&error),
        };
        let sending = send_canvas_image(&self.sender, canvas, format);
        future_to_promise(async move {
            let blob = sending.await.map_err(|error| to_js(&error))?;
            Ok(blob.into())
        })
    }

    /// Sends the canvas's pixels, uncompressed, as one binary message: the magic
    /// bytes `RGBA`, the width and the height (each a little-endian 32-bit integer),
    /// then `width * height * 4` bytes of RGBA, row by row from the top left (the
    /// layout of `ImageData`). Lossless for every pixel. Returns the number of bytes
    /// sent.
    ///
    /// Throws `NotOpen` unless the socket is open, `CanvasEncodeFailed` for a canvas
    /// with no pixels or a tainted one, `NoContext2d` for a canvas that has a context
    /// of another kind (such as `webgl`), `TypeError` for another value.
    #[wasm_bindgen(js_name = sendCanvasPixels)]
    pub fn send_canvas_pixels(&self, canvas: &HtmlCanvasElement) -> Result<usize, JsValue> {
        let canvas = checked(canvas, "sendCanvasPixels", "an HTMLCanvasElement")?;
        send_canvas_pixels(&self.sender, canvas).map_err(|error| to_js(&error))
    }

    /// Draws a received message into the canvas: an encoded image (PNG, JPEG,
    /// WebP...) or raw pixels from `sendCanvasPixels`, as a `Uint8Array`, an
    /// `ArrayBuffer` or a `Blob`. The size is checked first, from the raw pixels
    /// header or the PNG, GIF, JPEG or WebP header (only the first bytes are read:
    /// bytes are wrapped in a `Blob`, not copied into wasm memory); then the image is
    /// decoded in full; then the canvas is resized to it, cleared, and the image
    /// drawn. Resolves with the size drawn.
    ///
    /// `options.maxSide` (default 65535) and `options.maxPixels` (default 2^28, a
    /// 16384x16384 image: what both Chromium and Firefox can draw) bound the image's
    /// width or height and its `width * height`.
    ///
    /// Rejects with `TooLarge` for an image above those limits (before it is decoded;
    /// the canvas is left as it was), `NotAnImage` for a text message or data that is
    /// not an image (the canvas is then left as it was), `PixelsTruncated`,
    /// `BadPixelsMagic` or `InvalidPixels` for malformed raw pixels, `NoContext2d`,
    /// `TypeError` for bad arguments, or `RangeError` for a limit that is not a whole
    /// number in range.
    #[wasm_bindgen(js_name = drawMessage, unchecked_return_type = "Promise<ImageSize>")]
    pub fn draw_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WsMessage | ArrayBuffer")] message: JsValue,
        canvas: &HtmlCanvasElement,
        #[wasm_bindgen(unchecked_optional_param_type = "DrawOptions")] options: JsValue,
    ) -> Promise {
        let message = match message_from_js(message, "drawMessage") {
            Ok(message) => message,
            Err(error) => return Promise::reject(&error),
        };
        let options = match draw_options(&options) {
            Ok(options) => options,
            Err(error) => return Promise::reject(&error),
        };
        let canvas = match checked(canvas, "drawMessage", "an HTMLCanvasElement") {
            Ok(canvas) => canvas.clone(),
            Err(error) => return Promise::reject(&error),
        };
        future_to_promise(async move {
            let (width, height) = options
                .draw_message(&canvas, &message)
                .await
                .map_err(|error| to_js(&error))?;
            let size = Object::new();
            // Setting properties on a fresh plain object cannot fail.
            let _ = Reflect::set(&size, &"width".into(), &width.into());
            let _ = Reflect::set(&size, &"height".into(), &height.into());
            Ok(size.into())
        })
    }
}

/// A message JavaScript hands in: a `string`, a `Uint8Array` (the bytes it covers), an
/// `ArrayBuffer` or a `Blob`. Bytes become a `Blob` (a copy within JavaScript), not a
/// `Vec` in wasm memory: the draw then reads only their first bytes before the size
/// check, and hands an encoded image to the browser's decoder without a round trip
/// through wasm.
///
/// # Errors
/// A `TypeError` for any other value.
fn message_from_js(value: JsValue, what: &str) -> Result<Message, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Message::Text(text));
    }
    if value.is_instance_of::<ArrayBuffer>() || value.is_instance_of::<Uint8Array>() {
        // A Uint8Array part contributes the bytes it covers, not its whole buffer.
        let blob = web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(&value))?;
        return Ok(Message::Blob(blob));
    }
    match value.dyn_into::<web_sys::Blob>() {
        Ok(blob) => Ok(Message::Blob(blob)),
        Err(value) => Err(type_error(&format!(
            "{what}: expected a string, Uint8Array, ArrayBuffer or Blob, got {}",
            describe(&value)
        ))),
    }
}

/// The `DrawOptions` of `drawMessage`: `undefined`, `null` or an object with
/// `maxSide` and `maxPixels`, each a whole number (or absent, for the default).
///
/// # Errors
/// A `TypeError` for another value or a field that is not a number; a `RangeError`
/// for `maxSide` outside 0..=2^32 - 1 or `maxPixels` outside 0..=2^53.
fn draw_options(options: &JsValue) -> Result<DrawOptions, JsValue> {
    let mut draw = DrawOptions::new();
    if options.is_undefined() || options.is_null() {
        return Ok(draw);
    }
    if !options.is_object() {
        return Err(type_error(&format!(
            "drawMessage: options must be an object, got {}",
            describe(options)
        )));
    }
    let max_side = Reflect::get(options, &"maxSide".into())?;
    if !max_side.is_undefined() {
        let pixels = whole(&max_side, "drawMessage: maxSide", u32::MAX.into())?;
        draw = draw.max_side(u32::try_from(pixels).unwrap_or(u32::MAX));
    }
    let max_pixels = Reflect::get(options, &"maxPixels".into())?;
    if !max_pixels.is_undefined() {
        draw = draw.max_pixels(whole(&max_pixels, "drawMessage: maxPixels", 2f64.powi(53))?);
    }
    Ok(draw)
}

/// `sendCanvas`'s `quality`: `NaN` (the browser's default) when missing, else a
/// number from 0 to 1.
fn image_quality(value: &JsValue) -> Result<f64, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(f64::NAN);
    }
    let Some(quality) = value.as_f64() else {
        return Err(type_error(&format!(
            "sendCanvas: quality must be a number, got {}",
            describe(value)
        )));
    };
    if (0.0..=1.0).contains(&quality) {
        Ok(quality)
    } else {
        Err(range_error(&format!(
            "sendCanvas: quality must be from 0 to 1, got {}",
            crate::number::number(quality)
        )))
    }
}
