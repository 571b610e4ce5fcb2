//! Sending a canvas as an encoded image (PNG, JPEG or WebP) through
//! `HTMLCanvasElement.toBlob`, as one binary message.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, HtmlCanvasElement};

use super::oneshot::OneShot;
use super::{CanvasError, Result};
use crate::{Error, JsError, ReadyState, WebSocketSender};

/// An image format the browser can encode a canvas in.
///
/// A browser that cannot encode the requested type gives PNG instead (as the HTML
/// standard requires); the Blob's `type` tells which one was made.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG: lossless, so the image comes back pixel for pixel (for opaque pixels:
    /// the canvas stores premultiplied alpha, which loses precision where alpha < 255).
    #[default]
    Png,
    /// JPEG, with a quality from 0.0 to 1.0 (out-of-range values are clamped).
    Jpeg {
        /// 0.0 (smallest) to 1.0 (best).
        quality: f64,
    },
    /// WebP, with a quality from 0.0 to 1.0 (out-of-range values are clamped).
    Webp {
        /// 0.0 (smallest) to 1.0 (best).
        quality: f64,
    },
}

impl ImageFormat {
    /// The MIME type handed to `toBlob`: `image/png`, `image/jpeg` or `image/webp`.
    #[must_use]
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg { .. } => "image/jpeg",
            Self::Webp { .. } => "image/webp",
        }
    }

    /// The quality handed to `toBlob`, clamped to 0.0..=1.0; `undefined` (the browser's
    /// default) for PNG or a NaN quality.
    fn quality(self) -> JsValue {
        match self {
            Self::Png => JsValue::UNDEFINED,
            Self::Jpeg { quality } | Self::Webp { quality } if quality.is_nan() => {
                JsValue::UNDEFINED
            }
            Self::Jpeg { quality } | Self::Webp { quality } => {
                JsValue::from_f64(quality.clamp(0.0, 1.0))
            }
        }
    }
}

/// Encodes the canvas as an image Blob with `toBlob`.
///
/// The canvas is read when this is called (as `toBlob` does), not when the future is
/// first polled, so later drawing does not change the result. Dropping the future
/// before it completes is safe: the browser's callback still runs once and frees
/// itself (see [`live_callbacks`](super::live_callbacks)).
///
/// # Errors
/// The future fails with [`CanvasError::EncodeFailed`] when `toBlob` throws
/// `SecurityError` (the canvas is tainted by cross-origin images) or calls back with
/// `null` (the canvas has no pixels, such as a width or height of 0, or is too large
/// to encode).
pub fn encode_canvas(canvas: &HtmlCanvasElement, format: ImageFormat) -> EncodeCanvas {
    let (width, height) = (canvas.width(), canvas.height());
    let failed = |reason: String| CanvasError::EncodeFailed {
        width,
        height,
        reason,
    };
    let callback = OneShot::new();
    let Some(function) = callback.function() else {
        return EncodeCanvas {
            state: State::Failed(Some(failed("the callback was gone".to_owned()))),
        };
    };
    let state = match canvas.to_blob_with_type_and_encoder_options(
        &function,
        format.mime_type(),
        &format.quality(),
    ) {
        Ok(()) => State::Waiting {
            callback,
            width,
            height,
        },
        Err(thrown) => {
            // The browser refused the callback, so it will never run: free it now.
            callback.cancel();
            State::Failed(Some(failed(JsError::from_js(&thrown).to_string())))
        }
    };
    EncodeCanvas { state }
}

/// Encodes the canvas with `toBlob` and sends the image as one binary message once it
/// is encoded. Resolves with the Blob that was sent (its `size` and `type` say what
/// went out).
///
/// The canvas is read at the call, as for [`encode_canvas`]. Messages sent on the
/// socket while the image is being encoded go out before it.
///
/// # Errors
/// - [`Error::NotOpen`] if the socket is not open at the call (the canvas is then not
///   encoded) or no longer open once the image is encoded;
/// - [`CanvasError::EncodeFailed`] as for [`encode_canvas`];
/// - the errors of [`WebSocketSender::send_blob`].
pub fn send_canvas_image(
    sender: &WebSocketSender,
    canvas: &HtmlCanvasElement,
    format: ImageFormat,
) -> impl Future<Output = Result<Blob>> + 'static {
    let sender = sender.clone();
    let state = sender.ready_state();
    let encoding = (state == ReadyState::Open).then(|| encode_canvas(canvas, format));
    async move {
        let Some(encoding) = encoding else {
            return Err(Error::NotOpen { state }.into());
        };
        let blob = encoding.await?;
        sender.send_blob(&blob)?;
        Ok(blob)
    }
}

/// The future of [`encode_canvas`]: resolves with the encoded image.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct EncodeCanvas {
    state: State,
}

#[derive(Debug)]
enum State {
    Waiting {
        callback: OneShot,
        width: u32,
        height: u32,
    },
    Failed(Option<CanvasError>),
}

impl Future for EncodeCanvas {
    type Output = Result<Blob>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Blob>> {
        match &mut self.state {
            State::Failed(error) => {
                Poll::Ready(Err(error.take().unwrap_or(CanvasError::EncodeFailed {
                    width: 0,
                    height: 0,
                    reason: "polled after completion".to_owned(),
                })))
            }
            State::Waiting {
                callback,
                width,
                height,
            } => {
                let value = match Pin::new(callback).poll(cx) {
                    Poll::Ready(value) => value,
                    Poll::Pending => return Poll::Pending,
                };
                Poll::Ready(value.dyn_into::<Blob>().map_err(|_| {
                    CanvasError::EncodeFailed {
                        width: *width,
                        height: *height,
                        reason: "the browser produced no image (a canvas with no pixels, \
                                     or too large to encode)"
                            .to_owned(),
                    }
                }))
            }
        }
    }
}
