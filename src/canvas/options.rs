//! [`DrawOptions`]: the largest image the draw functions accept, checked before
//! anything is decoded or resized.

use super::{CanvasError, Result};

/// How the draw functions treat what they are given; today, the largest image they
/// accept. The free functions ([`draw_message`](super::draw_message) and the others)
/// use the defaults; build options to change them:
///
/// ```no_run
/// # async fn run(canvas: &web_sys::HtmlCanvasElement, message: &wasm_websocket::Message)
/// # -> Result<(), wasm_websocket::canvas::CanvasError> {
/// use wasm_websocket::canvas::DrawOptions;
///
/// // At most 4096 pixels a side and 8 megapixels (32 MiB of RGBA) in all.
/// let options = DrawOptions::new().max_side(4096).max_pixels(8 << 20);
/// let (width, height) = options.draw_message(canvas, message).await?;
/// # Ok(()) }
/// ```
///
/// # The size limit
///
/// An image whose width or height is above [`max_side`](Self::max_side), or whose
/// `width * height` is above [`max_pixels`](Self::max_pixels), is refused with
/// [`CanvasError::TooLarge`] **before anything is decoded or resized**: raw pixels by
/// their 12-byte header, PNG, GIF, JPEG and WebP by the size their header declares
/// (read in Rust from the first bytes; for a Blob, only those bytes are read). A small
/// message can declare a huge image (a 100 KB PNG can declare 30000x30000, 3.4 GiB of
/// RGBA once decoded), so the declared size is what counts. Other formats (SVG, AVIF,
/// BMP...) are decoded by the browser, and their decoded size is checked before the
/// canvas is resized.
///
/// The defaults are what both Chromium and Firefox can draw into a canvas, measured
/// in Chromium 156 and Firefox 153 (a 2d canvas of that size keeps a pixel drawn in
/// its far corner): [`DEFAULT_MAX_SIDE`](Self::DEFAULT_MAX_SIDE) = 65535 pixels a
/// side (both refuse 65536) and [`DEFAULT_MAX_PIXELS`](Self::DEFAULT_MAX_PIXELS) =
/// 2^28 = 268,435,456 pixels in all, the area of a 16384x16384 image and 1 GiB of
/// RGBA (Chromium's largest canvas area: 16384x16385 and 32767x8193 are refused;
/// Firefox draws 20000x20000 but not 23170x23170). Past them a browser leaves the
/// resized canvas without pixels (Chromium: drawing silently does nothing) or throws
/// (Firefox: `NS_ERROR_FAILURE`). Those are ceilings, not advice: a page that expects
/// photos can lower them to what it can afford (other browsers, Safari on iOS in
/// particular, are known to allow smaller canvases; they were not measured here).
/// Raised above a browser's own limits, they let a draw resize the canvas to a size
/// the browser cannot hold, and fail (or draw nothing) after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DrawOptions {
    max_side: u32,
    max_pixels: u64,
}

impl Default for DrawOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DrawOptions {
    /// The default largest width or height: 65535 pixels.
    pub const DEFAULT_MAX_SIDE: u32 = 65_535;

    /// The default largest `width * height`: 2^28 pixels (16384x16384).
    pub const DEFAULT_MAX_PIXELS: u64 = 1 << 28;

    /// The defaults ([`DEFAULT_MAX_SIDE`](Self::DEFAULT_MAX_SIDE) and
    /// [`DEFAULT_MAX_PIXELS`](Self::DEFAULT_MAX_PIXELS)).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_side: Self::DEFAULT_MAX_SIDE,
            max_pixels: Self::DEFAULT_MAX_PIXELS,
        }
    }

    /// Refuses images wider or taller than `pixels`.
    #[must_use]
    pub const fn max_side(mut self, pixels: u32) -> Self {
        self.max_side = pixels;
        self
    }

    /// Refuses images of more than `pixels` pixels (`width * height`).
    #[must_use]
    pub const fn max_pixels(mut self, pixels: u64) -> Self {
        self.max_pixels = pixels;
        self
    }

    /// The largest width or height accepted.
    #[must_use]
    pub const fn side_limit(&self) -> u32 {
        self.max_side
    }

    /// The largest `width * height` accepted.
    #[must_use]
    pub const fn pixel_limit(&self) -> u64 {
        self.max_pixels
    }

    /// Checks a size against the limit.
    ///
    /// # Errors
    /// [`CanvasError::TooLarge`] if `width` or `height` is above the side limit or
    /// `width * height` above the pixel limit.
    pub fn check(&self, width: u32, height: u32) -> Result<()> {
        let pixels = u64::from(width) * u64::from(height);
        if width > self.max_side || height > self.max_side || pixels > self.max_pixels {
            return Err(CanvasError::TooLarge {
                width,
                height,
                max_side: self.max_side,
                max_pixels: self.max_pixels,
            });
        }
        Ok(())
    }
}
