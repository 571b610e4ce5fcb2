//! Canvases over a socket (cargo feature `canvas`, on by default): send a canvas as an
//! encoded image or as raw pixels, and draw what arrives into another canvas.
//!
//! - [`send_canvas_image`] encodes with `toBlob` (PNG, JPEG or WebP) and sends the
//!   image as one binary message; [`encode_canvas`] gives the Blob alone.
//! - [`send_canvas_pixels`] sends the canvas's RGBA bytes behind a 12-byte header
//!   (see [`Pixels`] and [`decode_pixels`] for the format); lossless for every pixel.
//! - [`draw_message`] draws either kind into a canvas, resized to the image, decoding
//!   it in full first so that bad data leaves the canvas as it was.
//!
//! # The size limit
//!
//! A message a few kilobytes long can declare an image of gigabytes (a PNG header
//! says 30000x30000, and the browser would try to decode 3.4 GiB of RGBA). So the draw
//! functions read the size first, in Rust, from the raw pixels header or the image's
//! own header (PNG, GIF, JPEG, WebP; from a Blob only those first bytes), and refuse
//! an image above the limit with [`CanvasError::TooLarge`] before anything is decoded
//! or the canvas touched. Other formats are decoded by the browser and their decoded
//! size is checked before the canvas is resized. The default limit is what both
//! Chromium and Firefox can draw: at most [`DrawOptions::DEFAULT_MAX_SIDE`] (65535)
//! pixels a side and [`DrawOptions::DEFAULT_MAX_PIXELS`] (2^28, a 16384x16384 image,
//! 1 GiB of RGBA) in all; set another with [`DrawOptions`], whose docs give the
//! browsers' measured limits.
//!
//! These functions only use the socket's public API: they take a
//! [`WebSocketSender`](crate::WebSocketSender) (a [`WebSocket`](crate::WebSocket)
//! derefs to one) or a received [`Message`](crate::Message).
//!
//! # Example
//!
//! ```no_run
//! use futures::StreamExt;
//! use wasm_websocket::canvas::{
//!     draw_message, send_canvas_image, send_canvas_pixels, CanvasError, ImageFormat,
//! };
//! use wasm_websocket::WebSocket;
//! use web_sys::HtmlCanvasElement;
//!
//! async fn mirror(
//!     source: &HtmlCanvasElement,
//!     destination: &HtmlCanvasElement,
//! ) -> Result<(), CanvasError> {
//!     let mut ws = WebSocket::connect("wss://example.com/echo").await?;
//!     send_canvas_image(&ws, source, ImageFormat::Png).await?;
//!     send_canvas_pixels(&ws, source)?;
//!     while let Some(message) = ws.next().await {
//!         let (width, height) = draw_message(destination, &message?).await?;
//!         destination.set_title(&format!("drew {width}x{height}"));
//!     }
//!     Ok(())
//! }
//! ```

mod context;
mod decode;
mod draw;
mod encode;
mod error;
mod header;
mod object_url;
mod oneshot;
mod options;
mod pixels;

pub use draw::{draw_blob, draw_bytes, draw_message, draw_pixels};
pub use encode::{encode_canvas, send_canvas_image, EncodeCanvas, ImageFormat};
pub use error::{CanvasError, Result};
#[doc(hidden)]
pub use oneshot::live_callbacks;
pub use options::DrawOptions;
pub use pixels::{
    decode_pixels, is_raw_pixels, read_pixels, send_canvas_pixels, Pixels, PIXELS_HEADER_LEN,
    PIXELS_MAGIC,
};
