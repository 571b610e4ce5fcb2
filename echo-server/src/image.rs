//! `/image.png`: a 2x2 PNG (red, blue / green, white) served without CORS headers.
//!
//! Any page may show it, but a page on another origin may not read it back: a
//! canvas it is drawn into becomes "tainted", and reading that canvas (`toBlob`,
//! `getImageData`) throws a `SecurityError`. The browser tests use it to check the
//! library's error for a canvas it may not read. It is sent with
//! `Cross-Origin-Resource-Policy: cross-origin`, so that pages which require it
//! (`Cross-Origin-Embedder-Policy: require-corp`, as the wasm test runner's) may still
//! show it: that header lets a page embed the image, not read it.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The image: an 8-bit RGBA PNG, 2x2 pixels.
pub const IMAGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00, 0x72, 0xb6, 0x0d,
    0x24, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x42, 0x60, 0xea, 0x3f, 0x08, 0x00, 0x00, 0x49, 0xc8, 0x09, 0xf7, 0xdb, 0x27, 0x61, 0xd9, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// `GET /image.png`: the image, as `image/png`, embeddable from any origin
/// (`Cross-Origin-Resource-Policy: cross-origin`) but with no
/// `Access-Control-Allow-Origin`.
pub(crate) async fn handler() -> Response {
    let mut response = IMAGE_PNG.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    response
}
