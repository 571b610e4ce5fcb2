//! Decoding an encoded image (PNG, JPEG, GIF, WebP, SVG...) held in a Blob: with
//! `createImageBitmap` where the browser has it, else (or when it refuses the data,
//! as it does SVG) with an `<img>` element and an object URL that is always revoked.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlImageElement, ImageBitmap};

use super::object_url::ObjectUrl;
use super::{CanvasError, Result};
use crate::JsError;

/// A fully decoded image, ready to draw.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// From `createImageBitmap`; closed (its memory released) on drop.
    Bitmap(ImageBitmap),
    /// From an `<img>` element; the object URL is revoked on drop.
    Element {
        image: HtmlImageElement,
        _url: ObjectUrl,
    },
}

impl Decoded {
    pub(crate) fn size(&self) -> (u32, u32) {
        match self {
            Self::Bitmap(bitmap) => (bitmap.width(), bitmap.height()),
            Self::Element { image, .. } => (image.natural_width(), image.natural_height()),
        }
    }

    pub(crate) fn draw(&self, context: &CanvasRenderingContext2d) -> Result<()> {
        match self {
            Self::Bitmap(bitmap) => context.draw_image_with_image_bitmap(bitmap, 0.0, 0.0)?,
            Self::Element { image, .. } => {
                context.draw_image_with_html_image_element(image, 0.0, 0.0)?;
            }
        }
        Ok(())
    }
}

impl Drop for Decoded {
    fn drop(&mut self) {
        if let Self::Bitmap(bitmap) = self {
            bitmap.close();
        }
    }
}

/// Decodes an encoded image completely.
///
/// # Errors
/// [`CanvasError::NotAnImage`] when neither way can decode it, with the browser's reason.
pub(crate) async fn decode(blob: &Blob) -> Result<Decoded> {
    let first = match create_image_bitmap() {
        Some((global, create)) => match bitmap(&global, &create, blob).await {
            Ok(bitmap) => return Ok(Decoded::Bitmap(bitmap)),
            Err(error) => Some(error),
        },
        None => None,
    };
    element(blob)
        .await
        .map_err(|error| CanvasError::NotAnImage {
            reason: first.unwrap_or(error).to_string(),
        })
}

/// The global object and its `createImageBitmap`, if it has one.
fn create_image_bitmap() -> Option<(JsValue, Function)> {
    let global = JsValue::from(js_sys::global());
    let create = Reflect::get(&global, &"createImageBitmap".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((global, create))
}

async fn bitmap(global: &JsValue, create: &Function, blob: &Blob) -> Result<ImageBitmap, JsError> {
    let promise = create
        .call1(global, blob)
        .map_err(|e| JsError::from_js(&e))?
        .dyn_into::<js_sys::Promise>()
        .map_err(|e| JsError::from_js(&e))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| JsError::from_js(&e))?
        .dyn_into::<ImageBitmap>()
        .map_err(|e| JsError::from_js(&e))
}

async fn element(blob: &Blob) -> Result<Decoded, JsError> {
    let url = ObjectUrl::new(blob).map_err(|e| match e {
        CanvasError::Js(error) => error,
        other => JsError {
            name: "Error".to_owned(),
            message: other.to_string(),
        },
    })?;
    let image = HtmlImageElement::new().map_err(|e| JsError::from_js(&e))?;
    image.set_src(url.as_str());
    // `decode()` settles once the image is fully decoded (or cannot be); no load or
    // error listener is needed. The URL is revoked when `url` drops, on every path,
    // including this future being dropped half-way.
    JsFuture::from(image.decode())
        .await
        .map_err(|e| JsError::from_js(&e))?;
    Ok(Decoded::Element { image, _url: url })
}
