//! Canvases over the echo server: encoded images and raw pixels, sent and drawn back.
//!
//! - a PNG round trip is pixel-exact (opaque pattern); JPEG and WebP round trips draw an
//!   image of the right size, close to the original
//! - a raw pixels round trip is pixel-exact, and the bytes on the wire are the
//!   documented format
//! - Blob receive mode: images and raw pixels drawn from Blobs are exact too
//! - without `createImageBitmap`, the `<img>` fallback draws exactly and revokes its
//!   object URL, also when the data is not an image
//! - decode errors are typed: truncated header, bad magic, size mismatch, empty or
//!   overflowing dimensions
//! - bytes that are not an image, a text message, truncated raw pixels or a PNG cut in
//!   its header give a typed error and leave the destination canvas as it was
//! - a zero-sized canvas, a canvas with another kind of context and a closed socket
//!   give typed errors, and free the `toBlob` callback
//! - a canvas tainted by a cross-origin image (the echo server's `/image.png`, which
//!   sends no CORS headers) cannot be encoded, read or sent: `CanvasEncodeFailed`
//!   naming the `SecurityError`, nothing sent, the `toBlob` callback freed
//! - the size limit: a ~100 KB PNG declaring 30000x30000, and JPEG, WebP (VP8X, VP8L,
//!   VP8) and GIF headers declaring too much, are refused with `TooLarge` from their
//!   header, as bytes and as Blobs (of which only the first 4 KiB are read): nothing is
//!   decoded, the canvas is unchanged, and a normal draw works after; so are a GIF
//!   whose 1x1 screen holds a 30000x30000 first image (after a color table and
//!   extensions) and a JPEG with junk bytes before its frame header; a JPEG whose scan
//!   data comes before any frame header is `NotAnImage`, undecoded
//! - the headers of real PNG, JPEG and WebP images from the browser's encoder are read
//!   right (a limit one pixel below refuses them undecoded, one at their size draws)
//! - other formats (SVG) are checked at their decoded size, before the canvas is resized
//! - raw pixels above the limit (wider than a canvas can be, or declaring more than
//!   they hold) are refused by their header, and the canvas is left as it was; a raw
//!   pixels Blob whose length does not match its header is refused unread
//! - `DrawOptions` limits apply (`max_side`, `max_pixels`)
//! - dropping an encode or a draw half-way leaks nothing and panics nothing
//! - a draw dropped after its decode started draws nothing, checked once every decode
//!   it started has finished (when a draw still running would have drawn)
//! - 500 round trips leave no closure, listener or object URL behind

mod common;

use common::{echo, next, now, settle, url, wait};
use futures::future::{ready, select, Either};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wasm_websocket::canvas::{
    decode_pixels, draw_blob, draw_bytes, draw_message, draw_pixels, encode_canvas, live_callbacks,
    read_pixels, send_canvas_image, send_canvas_pixels, CanvasError, DrawOptions, ImageFormat,
    Pixels, PIXELS_HEADER_LEN,
};
use wasm_websocket::{live_listeners, Error, Message, ReadyState};
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function install_decode_spy() {
  if (globalThis.__decodeSpy !== undefined) return;
  // Wrap the real one, even if a test that failed left it hidden.
  restore_create_image_bitmap();
  const spy = { started: 0, promises: [], reads: [] };
  globalThis.__decodeSpy = spy;
  const counted = (original) => function (...args) {
    spy.started++;
    const promise = original.apply(this, args);
    spy.promises.push(promise);
    return promise;
  };
  if (typeof globalThis.createImageBitmap === "function") {
    globalThis.createImageBitmap = counted(globalThis.createImageBitmap);
  }
  HTMLImageElement.prototype.decode = counted(HTMLImageElement.prototype.decode);
  const arrayBuffer = Blob.prototype.arrayBuffer;
  Blob.prototype.arrayBuffer = function () {
    spy.reads.push(this.size);
    return arrayBuffer.call(this);
  };
}
export function decodes_started() { return globalThis.__decodeSpy.started; }
export async function decodes_fulfilled() {
  const promises = globalThis.__decodeSpy.promises;
  globalThis.__decodeSpy.promises = [];
  const settled = await Promise.allSettled(promises);
  return settled.filter((s) => s.status === "fulfilled").length;
}
export function largest_blob_read() { return Math.max(0, ...globalThis.__decodeSpy.reads); }
export function reset_blob_reads() { globalThis.__decodeSpy.reads = []; }
export function install_url_counter() {
  if (globalThis.__objectUrls !== undefined) return;
  const live = new Set();
  globalThis.__objectUrls = { live, created: 0 };
  const create = URL.createObjectURL;
  const revoke = URL.revokeObjectURL;
  URL.createObjectURL = function (object) {
    const url = create.call(URL, object);
    live.add(url);
    globalThis.__objectUrls.created++;
    return url;
  };
  URL.revokeObjectURL = function (url) {
    live.delete(url);
    return revoke.call(URL, url);
  };
}
export function live_object_urls() { return globalThis.__objectUrls.live.size; }
export function object_urls_created() { return globalThis.__objectUrls.created; }
export function hide_create_image_bitmap() {
  if (globalThis.__createImageBitmap === undefined) {
    globalThis.__createImageBitmap = globalThis.createImageBitmap;
  }
  globalThis.createImageBitmap = undefined;
}
export function restore_create_image_bitmap() {
  if (globalThis.__createImageBitmap !== undefined) {
    globalThis.createImageBitmap = globalThis.__createImageBitmap;
    globalThis.__createImageBitmap = undefined;
  }
}
"#)]
extern "C" {
    fn install_decode_spy();
    fn decodes_started() -> u32;
    async fn decodes_fulfilled() -> JsValue;
    fn largest_blob_read() -> f64;
    fn reset_blob_reads();
    fn install_url_counter();
    fn live_object_urls() -> u32;
    fn object_urls_created() -> u32;
    fn hide_create_image_bitmap();
    fn restore_create_image_bitmap();
}

/// Restores `createImageBitmap` when dropped, so a failing test does not leave it
/// hidden for the next ones.
struct WithoutCreateImageBitmap;

impl WithoutCreateImageBitmap {
    fn new() -> Self {
        hide_create_image_bitmap();
        Self
    }
}

impl Drop for WithoutCreateImageBitmap {
    fn drop(&mut self) {
        restore_create_image_bitmap();
    }
}

/// A canvas, not attached to the document.
fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
        .create_element("canvas")
        .expect("create a canvas")
        .dyn_into::<HtmlCanvasElement>()
        .expect("an HtmlCanvasElement");
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

/// Opaque pixels with smooth red and green ramps and noisy blue, so that an encoder
/// that rounds or smooths anything would show.
fn pattern(width: u32, height: u32, seed: u32) -> Pixels {
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let noise = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed)
                .wrapping_mul(2_654_435_761);
            rgba.extend_from_slice(&[
                (x * 255 / width.max(1)) as u8,
                (y * 255 / height.max(1)) as u8,
                (noise >> 24) as u8,
                255,
            ]);
        }
    }
    Pixels::new(width, height, rgba).expect("a valid pattern")
}

/// Opaque smooth gradients, the kind of picture lossy formats keep close.
fn smooth(width: u32, height: u32) -> Pixels {
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            rgba.extend_from_slice(&[
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                ((x + y) * 255 / (width + height)) as u8,
                255,
            ]);
        }
    }
    Pixels::new(width, height, rgba).expect("a valid gradient")
}

fn painted(pixels: &Pixels) -> HtmlCanvasElement {
    let canvas = canvas(1, 1);
    draw_pixels(&canvas, pixels).expect("draw the pattern");
    canvas
}

fn snapshot(canvas: &HtmlCanvasElement) -> Pixels {
    read_pixels(canvas).expect("read the canvas")
}

fn binary(message: Message) -> Vec<u8> {
    match message {
        Message::Binary(bytes) => bytes,
        other => panic!("expected a binary message, got {other:?}"),
    }
}

/// The mean absolute difference of the colour channels.
fn mean_difference(a: &Pixels, b: &Pixels) -> f64 {
    let total: u64 = a
        .rgba()
        .iter()
        .zip(b.rgba())
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .map(|(_, (x, y))| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / (a.rgba().len() / 4 * 3) as f64
}

#[wasm_bindgen_test]
async fn a_png_round_trip_is_pixel_exact() {
    let mut ws = echo().await;
    let original = pattern(64, 48, 1);
    let source = painted(&original);
    let destination = canvas(10, 10);

    let blob = wait(
        "send PNG",
        send_canvas_image(&ws, &source, ImageFormat::Png),
    )
    .await
    .expect("send the canvas as PNG");
    assert_eq!(blob.type_(), "image/png");
    let bytes = binary(next(&mut ws).await);
    assert_eq!(bytes.len() as f64, blob.size());
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");

    let size = wait(
        "draw PNG",
        draw_message(&destination, &Message::Binary(bytes)),
    )
    .await
    .expect("draw the PNG");
    assert_eq!(size, (64, 48));
    assert_eq!(snapshot(&destination), original);
}

#[wasm_bindgen_test]
async fn a_jpeg_round_trip_draws_an_image_of_the_right_size() {
    let mut ws = echo().await;
    let original = smooth(100, 80);
    let source = painted(&original);
    let destination = canvas(3, 3);

    let format = ImageFormat::Jpeg { quality: 0.9 };
    let blob = wait("send JPEG", send_canvas_image(&ws, &source, format))
        .await
        .expect("send the canvas as JPEG");
    assert_eq!(blob.type_(), "image/jpeg");
    let bytes = binary(next(&mut ws).await);
    assert!(bytes.starts_with(&[0xff, 0xd8, 0xff]), "not a JPEG");

    let size = wait("draw JPEG", draw_bytes(&destination, &bytes))
        .await
        .expect("draw the JPEG");
    assert_eq!(size, (100, 80));
    assert_eq!((destination.width(), destination.height()), (100, 80));
    let difference = mean_difference(&snapshot(&destination), &original);
    assert!(difference < 4.0, "JPEG drifted by {difference} on average");
}

#[wasm_bindgen_test]
async fn a_webp_round_trip_draws_an_image_of_the_right_size() {
    let mut ws = echo().await;
    let original = smooth(40, 30);
    let source = painted(&original);
    let destination = canvas(3, 3);

    let format = ImageFormat::Webp { quality: 1.0 };
    let blob = wait("send WebP", send_canvas_image(&ws, &source, format))
        .await
        .expect("send the canvas as WebP");
    // A browser that cannot encode WebP sends PNG, as the standard says.
    assert!(
        ["image/webp", "image/png"].contains(&blob.type_().as_str()),
        "unexpected type {}",
        blob.type_()
    );
    let message = next(&mut ws).await;
    let size = wait("draw WebP", draw_message(&destination, &message))
        .await
        .expect("draw the WebP");
    assert_eq!(size, (40, 30));
    let difference = mean_difference(&snapshot(&destination), &original);
    assert!(difference < 4.0, "WebP drifted by {difference} on average");
}

#[wasm_bindgen_test]
async fn a_raw_pixels_round_trip_is_pixel_exact() {
    let mut ws = echo().await;
    let original = pattern(33, 17, 2);
    let source = painted(&original);
    let destination = canvas(5, 5);

    let sent = send_canvas_pixels(&ws, &source).expect("send raw pixels");
    assert_eq!(sent, PIXELS_HEADER_LEN + 33 * 17 * 4);
    let bytes = binary(next(&mut ws).await);
    // The documented format: "RGBA", width and height as u32 LE, then the RGBA bytes.
    assert_eq!(&bytes[..4], b"RGBA");
    assert_eq!(&bytes[4..8], &33u32.to_le_bytes());
    assert_eq!(&bytes[8..12], &17u32.to_le_bytes());
    assert_eq!(&bytes[12..], original.rgba());
    assert_eq!(bytes, original.encode());
    assert_eq!(decode_pixels(&bytes), Ok(original.clone()));

    let size = wait(
        "draw raw pixels",
        draw_message(&destination, &Message::Binary(bytes)),
    )
    .await
    .expect("draw raw pixels");
    assert_eq!(size, (33, 17));
    assert_eq!(snapshot(&destination), original);
}

#[wasm_bindgen_test]
async fn blobs_received_in_blob_mode_draw_exactly() {
    let mut ws = common::echo_blob_mode().await;
    let original = pattern(21, 13, 3);
    let source = painted(&original);

    wait(
        "send PNG",
        send_canvas_image(&ws, &source, ImageFormat::Png),
    )
    .await
    .expect("send PNG");
    send_canvas_pixels(&ws, &source).expect("send raw pixels");
    for kind in ["PNG", "raw pixels"] {
        let message = next(&mut ws).await;
        assert!(message.is_blob(), "{kind}: expected a Blob");
        let destination = canvas(2, 2);
        let size = wait(kind, draw_message(&destination, &message))
            .await
            .unwrap_or_else(|e| panic!("draw {kind}: {e}"));
        assert_eq!(size, (21, 13), "{kind}");
        assert_eq!(snapshot(&destination), original, "{kind}");
    }
}

#[wasm_bindgen_test]
async fn without_create_image_bitmap_the_img_fallback_draws_and_revokes_its_url() {
    install_url_counter();
    let original = pattern(24, 16, 4);
    let source = painted(&original);
    let png = wait("encode", encode_canvas(&source, ImageFormat::Png))
        .await
        .expect("encode PNG");
    let destination = canvas(2, 2);
    let created = object_urls_created();
    {
        let _hidden = WithoutCreateImageBitmap::new();
        let size = wait("draw via <img>", draw_blob(&destination, &png))
            .await
            .expect("draw through the <img> fallback");
        assert_eq!(size, (24, 16));
        assert_eq!(
            object_urls_created(),
            created + 1,
            "the fallback was not used"
        );
        assert_eq!(live_object_urls(), 0, "the object URL was not revoked");

        let before = snapshot(&destination);
        let error = wait(
            "draw garbage via <img>",
            draw_bytes(&destination, b"not an image, not even a GIF"),
        )
        .await
        .expect_err("garbage must not draw");
        assert!(matches!(error, CanvasError::NotAnImage { .. }), "{error:?}");
        assert_eq!(object_urls_created(), created + 2);
        assert_eq!(live_object_urls(), 0, "revoked on error too");
        assert_eq!(snapshot(&destination), before);
    }
    assert_eq!(snapshot(&destination), original);
}

#[wasm_bindgen_test]
fn decode_errors_are_typed() {
    let mut valid = Pixels::new(2, 2, vec![7; 16]).expect("2x2").encode();
    assert_eq!(valid.len(), PIXELS_HEADER_LEN + 16);
    assert_eq!(
        decode_pixels(&valid).map(|p| (p.width(), p.height())),
        Ok((2, 2))
    );

    for len in [0, 4, 11] {
        assert_eq!(
            decode_pixels(&valid[..len]),
            Err(CanvasError::PixelsTruncated { len, header: 12 }),
            "{len} bytes"
        );
    }
    assert_eq!(
        decode_pixels(&valid[..PIXELS_HEADER_LEN + 15]),
        Err(CanvasError::InvalidPixels {
            width: 2,
            height: 2,
            expected: 16,
            actual: 15
        })
    );
    valid.push(0);
    assert_eq!(
        decode_pixels(&valid),
        Err(CanvasError::InvalidPixels {
            width: 2,
            height: 2,
            expected: 16,
            actual: 17
        })
    );

    let mut bad_magic = Pixels::new(1, 1, vec![0; 4]).expect("1x1").encode();
    bad_magic[3] = b'X';
    assert_eq!(
        decode_pixels(&bad_magic),
        Err(CanvasError::BadPixelsMagic { found: *b"RGBX" })
    );

    let header = |width: u32, height: u32| {
        let mut bytes = b"RGBA".to_vec();
        bytes.extend_from_slice(&width.to_le_bytes());
        bytes.extend_from_slice(&height.to_le_bytes());
        bytes
    };
    assert_eq!(
        decode_pixels(&header(0, 5)),
        Err(CanvasError::InvalidDimensions {
            width: 0,
            height: 5
        })
    );
    // Dimensions whose byte count overflows are refused before anything is allocated.
    assert_eq!(
        decode_pixels(&header(u32::MAX, u32::MAX)),
        Err(CanvasError::InvalidDimensions {
            width: u32::MAX,
            height: u32::MAX
        })
    );
    assert_eq!(
        Pixels::new(3, 1, vec![0; 11]),
        Err(CanvasError::InvalidPixels {
            width: 3,
            height: 1,
            expected: 12,
            actual: 11
        })
    );
    assert_eq!(
        CanvasError::BadPixelsMagic { found: *b"RGBX" }.to_string(),
        "raw pixels start with [52, 47, 42, 58], not the magic `RGBA`"
    );
    assert_eq!(
        CanvasError::PixelsTruncated { len: 3, header: 12 }.to_string(),
        "raw pixels are 3 bytes, shorter than their 12-byte header"
    );
}

#[wasm_bindgen_test]
async fn bad_data_gives_a_typed_error_and_leaves_the_canvas_unchanged() {
    install_url_counter();
    let original = pattern(30, 20, 5);
    let destination = painted(&original);
    let png = {
        let blob = wait(
            "encode",
            encode_canvas(&painted(&pattern(9, 9, 6)), ImageFormat::Png),
        )
        .await
        .expect("encode PNG");
        wait("read", wasm_websocket::read_blob(&blob))
            .await
            .expect("read PNG")
    };
    let mut truncated_pixels = Pixels::new(4, 4, vec![1; 64]).expect("4x4").encode();
    truncated_pixels.truncate(40);

    let cases: Vec<(&str, Message)> = vec![
        ("not an image", Message::binary(*b"definitely not an image")),
        ("empty", Message::binary(Vec::new())),
        // Cut inside its header (browsers draw a PNG cut later as far as it goes).
        ("a PNG cut short", Message::binary(&png[..30])),
        ("text", Message::text("hello")),
        (
            "truncated raw pixels",
            Message::Binary(truncated_pixels.clone()),
        ),
        (
            "not an image, as a Blob",
            Message::Blob(
                web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
                    &js_sys::Uint8Array::from(&b"nope"[..]),
                ))
                .expect("a Blob"),
            ),
        ),
        (
            "truncated raw pixels, as a Blob",
            Message::Blob(
                web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
                    &js_sys::Uint8Array::from(&truncated_pixels[..]),
                ))
                .expect("a Blob"),
            ),
        ),
    ];
    for (what, message) in &cases {
        let error = wait(what, draw_message(&destination, message))
            .await
            .expect_err(what);
        let expected_kind = match *what {
            "truncated raw pixels" | "truncated raw pixels, as a Blob" => {
                matches!(
                    error,
                    CanvasError::InvalidPixels {
                        expected: 64,
                        actual: 28,
                        ..
                    }
                )
            }
            _ => matches!(error, CanvasError::NotAnImage { .. }),
        };
        assert!(expected_kind, "{what}: {error:?}");
        assert_eq!(
            (destination.width(), destination.height()),
            (30, 20),
            "{what}: the canvas was resized"
        );
        assert_eq!(
            snapshot(&destination),
            original,
            "{what}: the canvas changed"
        );
    }
    assert_eq!(live_object_urls(), 0);
}

#[wasm_bindgen_test]
async fn a_zero_sized_canvas_is_a_typed_error() {
    let ws = echo().await;
    let callbacks = live_callbacks();
    for (width, height) in [(0, 10), (10, 0), (0, 0)] {
        let empty = canvas(width, height);
        let error = wait(
            "send empty PNG",
            send_canvas_image(&ws, &empty, ImageFormat::Png),
        )
        .await
        .expect_err("an empty canvas cannot be encoded");
        assert!(
            matches!(error, CanvasError::EncodeFailed { width: w, height: h, .. } if (w, h) == (width, height)),
            "{error:?}"
        );
        let error = send_canvas_pixels(&ws, &empty).expect_err("no pixels to send");
        assert!(
            matches!(error, CanvasError::EncodeFailed { .. }),
            "{error:?}"
        );
        assert!(matches!(
            read_pixels(&empty),
            Err(CanvasError::EncodeFailed { .. })
        ));
    }
    assert_eq!(
        live_callbacks(),
        callbacks,
        "a toBlob callback was left behind"
    );
}

#[wasm_bindgen_test]
async fn a_canvas_tainted_by_a_cross_origin_image_is_a_typed_error() {
    // The echo server is another origin than the test page, and sends no CORS headers.
    let image = web_sys::HtmlImageElement::new().expect("an <img>");
    image.set_src(&url("/image.png").replacen("ws://", "http://", 1));
    wait(
        "load /image.png",
        wasm_bindgen_futures::JsFuture::from(image.decode()),
    )
    .await
    .expect("the image loads and decodes");
    let tainted = canvas(2, 2);
    tainted
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .expect("a 2d context")
        .draw_image_with_html_image_element(&image, 0.0, 0.0)
        .expect("drawing a cross-origin image is allowed");
    let security_error = |error: &CanvasError| {
        matches!(error, CanvasError::EncodeFailed { width: 2, height: 2, reason }
            if reason.starts_with("SecurityError"))
    };

    let callbacks = live_callbacks();
    let encoded = wait("encode", encode_canvas(&tainted, ImageFormat::Png)).await;
    assert!(encoded.as_ref().is_err_and(security_error), "{encoded:?}");
    let read = read_pixels(&tainted);
    assert!(read.as_ref().is_err_and(security_error), "{read:?}");

    let mut ws = echo().await;
    let sent = wait(
        "send the image",
        send_canvas_image(&ws, &tainted, ImageFormat::Png),
    )
    .await;
    assert!(sent.as_ref().is_err_and(security_error), "{sent:?}");
    let sent = send_canvas_pixels(&ws, &tainted);
    assert!(sent.as_ref().is_err_and(security_error), "{sent:?}");
    // Nothing went out: the next echo is the text sent after the refusals.
    ws.send_text("after").expect("send");
    assert_eq!(next(&mut ws).await, Message::text("after"));
    assert_eq!(
        live_callbacks(),
        callbacks,
        "a toBlob callback was left behind"
    );
}

#[wasm_bindgen_test]
async fn a_canvas_with_another_context_has_no_2d_context() {
    let other = canvas(8, 8);
    assert!(
        other
            .get_context("bitmaprenderer")
            .expect("getContext")
            .is_some(),
        "no bitmaprenderer context"
    );
    assert_eq!(read_pixels(&other), Err(CanvasError::NoContext2d));
    assert_eq!(
        draw_pixels(&other, &pattern(2, 2, 0)),
        Err(CanvasError::NoContext2d)
    );
    let png = pattern(2, 2, 0).encode();
    assert_eq!(
        wait("draw", draw_bytes(&other, &png)).await,
        Err(CanvasError::NoContext2d)
    );
}

#[wasm_bindgen_test]
async fn sending_on_a_closed_socket_is_refused_before_encoding() {
    let ws = echo().await;
    ws.close().expect("close");
    let source = painted(&pattern(4, 4, 7));
    let callbacks = live_callbacks();
    let error = wait(
        "send on closing socket",
        send_canvas_image(&ws, &source, ImageFormat::Png),
    )
    .await
    .expect_err("not open");
    assert!(
        matches!(error, CanvasError::Socket(Error::NotOpen { .. })),
        "{error:?}"
    );
    assert_eq!(live_callbacks(), callbacks, "the canvas was encoded anyway");
    assert!(matches!(
        send_canvas_pixels(&ws, &source),
        Err(CanvasError::Socket(Error::NotOpen { .. }))
    ));
    wait("closed", ws.closed()).await;
    assert_eq!(
        send_canvas_pixels(&ws, &source),
        Err(CanvasError::Socket(Error::NotOpen {
            state: ReadyState::Closed
        }))
    );
}

#[wasm_bindgen_test]
async fn dropping_an_encode_or_a_draw_half_way_leaks_nothing() {
    install_url_counter();
    let callbacks = live_callbacks();
    let source = painted(&pattern(50, 50, 8));
    // The browser still calls toBlob's callback after the future is gone: it must free
    // itself then, without panicking.
    for _ in 0..20 {
        drop(encode_canvas(&source, ImageFormat::Png));
    }
    assert_eq!(live_callbacks(), callbacks + 20);
    settle(300).await;
    assert_eq!(
        live_callbacks(),
        callbacks,
        "dropped encodes left callbacks"
    );

    install_decode_spy();
    let png = wait("encode", encode_canvas(&source, ImageFormat::Png))
        .await
        .expect("encode");
    let destination = painted(&pattern(3, 3, 9));
    {
        let _hidden = WithoutCreateImageBitmap::new();
        for _ in 0..20 {
            // Dropped with an object URL made and the <img> decoding.
            drop_once_decoding(draw_blob(&destination, &png)).await;
        }
        assert_eq!(live_object_urls(), 0, "a dropped draw kept its object URL");
    }
    // Whether a dropped draw draws is checked, once its decode is done, by
    // `a_draw_dropped_while_decoding_draws_nothing_once_the_decode_has_finished`.
}

#[wasm_bindgen_test]
async fn five_hundred_round_trips_leave_nothing_behind() {
    install_url_counter();
    let listeners = live_listeners();
    let callbacks = live_callbacks();
    {
        let mut ws = echo().await;
        let source = canvas(1, 1);
        let destination = canvas(1, 1);
        for i in 0..500u32 {
            let original = pattern(16 + i % 7, 12 + i % 5, i);
            draw_pixels(&source, &original).expect("paint the source");
            let _hidden = (i % 4 == 3).then(WithoutCreateImageBitmap::new);
            if i % 2 == 0 {
                wait(
                    "send PNG",
                    send_canvas_image(&ws, &source, ImageFormat::Png),
                )
                .await
                .expect("send PNG");
            } else {
                send_canvas_pixels(&ws, &source).expect("send raw pixels");
            }
            let message = next(&mut ws).await;
            wait("draw", draw_message(&destination, &message))
                .await
                .unwrap_or_else(|e| panic!("round trip {i}: {e}"));
            assert_eq!(snapshot(&destination), original, "round trip {i}");
            if i % 50 == 0 {
                let error = wait("draw garbage", draw_bytes(&destination, b"garbage"))
                    .await
                    .expect_err("garbage");
                assert!(matches!(error, CanvasError::NotAnImage { .. }));
            }
        }
        assert_eq!(live_callbacks(), callbacks, "toBlob callbacks left behind");
        assert_eq!(live_object_urls(), 0, "object URLs left behind");
    }
    settle(50).await;
    assert_eq!(live_listeners(), listeners, "listeners left behind");
    assert_eq!(live_callbacks(), callbacks);
    assert_eq!(live_object_urls(), 0);
}

/// A Blob of `bytes`.
fn blob(bytes: &[u8]) -> web_sys::Blob {
    web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)))
        .expect("a Blob")
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
    chunk
}

/// A valid PNG start declaring `width` x `height` RGBA, then about 100 KB of IDAT (a
/// zlib stream of stored blocks of zeros: the first rows' pixels, as a decoder would
/// start reading them).
fn huge_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend(png_chunk(b"IHDR", &ihdr));
    let mut zlib = vec![0x78, 0x01];
    for _ in 0..2 {
        let len: u16 = 50_000;
        zlib.push(0); // not final, stored
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend(std::iter::repeat_n(0, usize::from(len)));
    }
    png.extend(png_chunk(b"IDAT", &zlib));
    png
}

/// A JPEG start: SOI, a JFIF APP0, a 6 KB APP1 (so that a Blob's frame header lies
/// past the first 4 KiB read), then a baseline frame header declaring `width` x
/// `height`, and the start of a scan.
fn huge_jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
    jpeg.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    jpeg.extend_from_slice(&[0xff, 0xe1]);
    jpeg.extend_from_slice(&6002u16.to_be_bytes());
    jpeg.extend(std::iter::repeat_n(0x20, 6000));
    jpeg.extend_from_slice(&[0xff, 0xc0, 0, 17, 8]);
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    jpeg.extend_from_slice(&[0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
    jpeg.extend(std::iter::repeat_n(0x55, 2000));
    jpeg
}

/// A WebP whose first chunk is `kind` with `data`, then filler.
fn webp(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = kind.to_vec();
    chunk.extend_from_slice(&(data.len() as u32).to_le_bytes());
    chunk.extend_from_slice(data);
    chunk.extend(std::iter::repeat_n(0, 1000));
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(chunk.len() as u32 + 4).to_le_bytes());
    webp.extend_from_slice(b"WEBP");
    webp.extend(chunk);
    webp
}

fn webp_vp8x(width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![0; 4];
    data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    webp(b"VP8X", &data)
}

fn webp_vp8l(width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![0x2f];
    data.extend_from_slice(&((width - 1) | (height - 1) << 14).to_le_bytes());
    webp(b"VP8L", &data)
}

fn webp_vp8(width: u16, height: u16) -> Vec<u8> {
    let mut data = vec![0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a];
    data.extend_from_slice(&width.to_le_bytes());
    data.extend_from_slice(&height.to_le_bytes());
    webp(b"VP8 ", &data)
}

fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&width.to_le_bytes());
    gif.extend_from_slice(&height.to_le_bytes());
    gif.extend_from_slice(&[0xf7, 0, 0]);
    gif.extend(std::iter::repeat_n(0, 1000));
    gif
}

/// A GIF whose logical screen is 1x1 and whose first image, after a global color
/// table, a graphic control extension and a comment of two sub-blocks, is
/// `width`x`height` at (`left`, 0): decoders grow the screen to fit it.
fn gif_with_a_larger_image(left: u16, width: u16, height: u16) -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[1, 0, 1, 0, 0x80, 0, 0]);
    gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    gif.extend_from_slice(&[0x21, 0xf9, 4, 0, 0, 0, 0, 0]);
    gif.extend_from_slice(&[0x21, 0xfe, 5]);
    gif.extend_from_slice(b"hello");
    gif.push(200);
    gif.extend(std::iter::repeat_n(b'.', 200));
    gif.push(0);
    gif.push(0x2c);
    for value in [left, 0, width, height] {
        gif.extend_from_slice(&value.to_le_bytes());
    }
    gif.extend_from_slice(&[0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    gif
}

/// [`huge_jpeg`] with 100 junk bytes, then a stuffed `0xff 0x00`, before the frame
/// header: libjpeg skips both.
fn jpeg_with_junk(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = huge_jpeg(width, height);
    let frame = 6 + 14 + 2 + 6002;
    assert_eq!(&jpeg[frame..frame + 2], &[0xff, 0xc0]);
    let mut junk = vec![0x20; 100];
    junk.extend_from_slice(&[0xff, 0x00]);
    jpeg.splice(frame..frame, junk);
    jpeg
}

/// A JPEG whose scan data starts before any frame header.
fn jpeg_without_a_frame() -> Vec<u8> {
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
    jpeg.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    jpeg.extend_from_slice(&[0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
    jpeg.extend(std::iter::repeat_n(0x55, 200));
    jpeg
}

fn raw_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"RGBA".to_vec();
    bytes.extend_from_slice(&width.to_le_bytes());
    bytes.extend_from_slice(&height.to_le_bytes());
    bytes
}

fn too_large(width: u32, height: u32, options: DrawOptions) -> CanvasError {
    CanvasError::TooLarge {
        width,
        height,
        max_side: options.side_limit(),
        max_pixels: options.pixel_limit(),
    }
}

/// Draws `message` with `options`, expecting `expected`, with nothing decoded, the
/// canvas unchanged, quickly.
async fn refused(
    what: &str,
    options: DrawOptions,
    destination: &HtmlCanvasElement,
    message: &Message,
    expected: &CanvasError,
) {
    let before = snapshot(destination);
    let decodes = decodes_started();
    reset_blob_reads();
    let started = now();
    let result = wait(what, options.draw_message(destination, message)).await;
    let took = now() - started;
    assert_eq!(result.as_ref(), Err(expected), "{what}");
    assert!(took < 1000.0, "{what}: took {took} ms to refuse");
    assert_eq!(decodes_started(), decodes, "{what}: the image was decoded");
    assert!(
        largest_blob_read() <= 4096.0,
        "{what}: read {} bytes of a Blob",
        largest_blob_read()
    );
    assert_eq!(snapshot(destination), before, "{what}: the canvas changed");
}

#[wasm_bindgen_test]
async fn an_image_declaring_a_huge_size_is_refused_from_its_header_before_decoding() {
    install_decode_spy();
    let defaults = DrawOptions::new();
    assert_eq!(defaults, DrawOptions::default());
    assert_eq!(
        (defaults.side_limit(), defaults.pixel_limit()),
        (65_535, 1 << 28)
    );
    let small = DrawOptions::new().max_pixels(1 << 20);
    let png = huge_png(30_000, 30_000);
    assert!(
        (100_000..110_000).contains(&png.len()),
        "{} bytes",
        png.len()
    );
    let cases = [
        ("PNG 30000x30000", png, defaults, (30_000, 30_000)),
        ("PNG 70000x1", huge_png(70_000, 1), defaults, (70_000, 1)),
        (
            "JPEG 30000x30000",
            huge_jpeg(30_000, 30_000),
            defaults,
            (30_000, 30_000),
        ),
        (
            "WebP VP8X 30000x30000",
            webp_vp8x(30_000, 30_000),
            defaults,
            (30_000, 30_000),
        ),
        (
            "WebP VP8L 16384x16384",
            webp_vp8l(16_384, 16_384),
            small,
            (16_384, 16_384),
        ),
        (
            "WebP VP8 16383x16383",
            webp_vp8(16_383, 16_383),
            small,
            (16_383, 16_383),
        ),
        (
            "GIF 65535x65535",
            gif(65_535, 65_535),
            defaults,
            (65_535, 65_535),
        ),
        (
            "GIF screen 1x1, first image 30000x30000 at left 100",
            gif_with_a_larger_image(100, 30_000, 30_000),
            defaults,
            (30_100, 30_000),
        ),
        (
            "JPEG 30000x30000 after junk bytes",
            jpeg_with_junk(30_000, 30_000),
            defaults,
            (30_000, 30_000),
        ),
    ];
    let original = pattern(30, 20, 10);
    let destination = painted(&original);
    for (what, bytes, options, (width, height)) in &cases {
        let expected = too_large(*width, *height, *options);
        let as_bytes = Message::Binary(bytes.clone());
        refused(what, *options, &destination, &as_bytes, &expected).await;
        let as_blob = Message::Blob(blob(bytes));
        refused(what, *options, &destination, &as_blob, &expected).await;
    }
    // A JPEG without a frame header before its scan data is no image to decode.
    let no_frame = jpeg_without_a_frame();
    let expected = CanvasError::NotAnImage {
        reason: "a JPEG with scan data or its end before a frame header".to_owned(),
    };
    for message in [
        Message::Binary(no_frame.clone()),
        Message::Blob(blob(&no_frame)),
    ] {
        refused(
            "JPEG without a frame",
            defaults,
            &destination,
            &message,
            &expected,
        )
        .await;
    }
    assert_eq!(snapshot(&destination), original);

    // The page still works: a normal image draws.
    let normal = pattern(12, 8, 11);
    let png = wait("encode", encode_canvas(&painted(&normal), ImageFormat::Png))
        .await
        .expect("encode PNG");
    assert_eq!(
        wait("draw a normal PNG", draw_blob(&destination, &png)).await,
        Ok((12, 8))
    );
    assert_eq!(snapshot(&destination), normal);
    assert_eq!(
        too_large(30_000, 30_000, defaults).to_string(),
        "a 30000x30000 image is larger than the limit of 65535 pixels a side and \
         268435456 pixels in all"
    );
}

#[wasm_bindgen_test]
async fn the_headers_of_real_png_jpeg_and_webp_images_are_read_right() {
    install_decode_spy();
    let (width, height) = (37, 23);
    let opaque = pattern(width, height, 12);
    let mut translucent = smooth(width, height).into_rgba();
    for alpha in translucent.iter_mut().skip(3).step_by(4) {
        *alpha = 128;
    }
    let translucent = Pixels::new(width, height, translucent).expect("translucent");
    let formats = [
        ImageFormat::Png,
        ImageFormat::Jpeg { quality: 0.9 },
        ImageFormat::Webp { quality: 1.0 },
        ImageFormat::Webp { quality: 0.5 },
    ];
    let destination = canvas(2, 2);
    let area = u64::from(width * height);
    for source in [&opaque, &translucent] {
        for format in formats {
            let what = format!("{format:?}");
            let encoded = wait(&what, encode_canvas(&painted(source), format))
                .await
                .expect("encode");
            let bytes = wait(&what, wasm_websocket::read_blob(&encoded))
                .await
                .expect("read");
            let what = format!("{what} ({}, {} bytes)", encoded.type_(), bytes.len());
            for options in [
                DrawOptions::new().max_pixels(area - 1),
                DrawOptions::new().max_side(width - 1),
            ] {
                let expected = too_large(width, height, options);
                for message in [
                    Message::Binary(bytes.clone()),
                    Message::Blob(encoded.clone()),
                ] {
                    refused(&what, options, &destination, &message, &expected).await;
                }
            }
            let exact = DrawOptions::new().max_side(width).max_pixels(area);
            assert_eq!(
                wait(&what, exact.draw_bytes(&destination, &bytes)).await,
                Ok((width, height)),
                "{what}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn other_formats_are_checked_at_their_decoded_size_before_the_canvas_is_resized() {
    install_decode_spy();
    // An SVG Blob, typed: browsers decode SVG only by its MIME type.
    let svg = |width: u32, height: u32| {
        let text = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"><rect width="{width}" height="{height}" fill="red"/></svg>"#
        );
        // A plain object, as web-sys's setters differ between its versions.
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"type".into(), &"image/svg+xml".into()).expect("set type");
        web_sys::Blob::new_with_str_sequence_and_options(
            &js_sys::Array::of1(&text.into()),
            options.unchecked_ref(),
        )
        .expect("an SVG Blob")
    };
    let original = pattern(30, 20, 13);
    let destination = painted(&original);
    // (Chromium refuses to decode an SVG above the default limit itself, with
    // `NotAnImage`, so a lower limit shows the check.)
    let options = DrawOptions::new().max_pixels(999);
    let decodes = decodes_started();
    let error = wait(
        "draw a 40x25 SVG",
        options.draw_message(&destination, &Message::Blob(svg(40, 25))),
    )
    .await
    .expect_err("over 999 pixels");
    assert_eq!(error, too_large(40, 25, options));
    assert!(decodes_started() > decodes, "SVG has no header we read");
    assert_eq!(snapshot(&destination), original, "the canvas changed");
    assert_eq!(
        wait(
            "draw a 40x24 SVG",
            options.draw_blob(&destination, &svg(40, 24))
        )
        .await,
        Ok((40, 24))
    );
}

#[wasm_bindgen_test]
async fn raw_pixels_above_the_limit_are_refused_by_their_header_and_leave_the_canvas_as_it_was() {
    install_decode_spy();
    let original = pattern(30, 20, 14);
    let destination = painted(&original);
    let defaults = DrawOptions::new();

    // Wider than a canvas can be (Chromium would keep no pixels, Firefox throws after
    // the resize): refused before the canvas is touched.
    let wide = Pixels::new(65_536, 1, vec![200; 65_536 * 4]).expect("65536x1");
    assert_eq!(
        draw_pixels(&destination, &wide),
        Err(too_large(65_536, 1, defaults))
    );
    assert_eq!(snapshot(&destination), original, "the canvas changed");
    let message = Message::Binary(wide.encode());
    refused(
        "65536x1 raw pixels",
        defaults,
        &destination,
        &message,
        &too_large(65_536, 1, defaults),
    )
    .await;

    // A header that declares more than it holds is refused by its size, not its length.
    for (width, height) in [(20_000, 20_000), (65_536, 1), (u32::MAX, u32::MAX)] {
        let header = raw_header(width, height);
        let expected = too_large(width, height, defaults);
        let what = format!("{width}x{height} header");
        refused(
            &what,
            defaults,
            &destination,
            &Message::Binary(header.clone()),
            &expected,
        )
        .await;
        refused(
            &what,
            defaults,
            &destination,
            &Message::Blob(blob(&header)),
            &expected,
        )
        .await;
    }

    // A Blob whose length does not match its header is refused unread.
    let mut long = raw_header(2, 2);
    long.extend(vec![0; 100_000]);
    reset_blob_reads();
    assert_eq!(
        wait("draw a long Blob", draw_blob(&destination, &blob(&long))).await,
        Err(CanvasError::InvalidPixels {
            width: 2,
            height: 2,
            expected: 16,
            actual: 100_000
        })
    );
    assert!(largest_blob_read() <= 4096.0, "the long Blob was read");
    assert_eq!(snapshot(&destination), original, "the canvas changed");

    // The options apply.
    let narrow = DrawOptions::new().max_side(10).max_pixels(50);
    let eleven = Pixels::new(11, 1, vec![9; 44]).expect("11x1");
    assert_eq!(
        narrow.draw_pixels(&destination, &eleven),
        Err(too_large(11, 1, narrow))
    );
    let many = Pixels::new(10, 6, vec![9; 240]).expect("10x6");
    assert_eq!(
        narrow.draw_pixels(&destination, &many),
        Err(too_large(10, 6, narrow))
    );
    assert_eq!(snapshot(&destination), original, "the canvas changed");
    let fits = pattern(10, 5, 15);
    assert_eq!(narrow.draw_pixels(&destination, &fits), Ok((10, 5)));
    assert_eq!(snapshot(&destination), fits);
    assert_eq!(
        wait(
            "draw raw pixels as a Blob",
            narrow.draw_blob(&destination, &blob(&original.encode()))
        )
        .await,
        Err(too_large(30, 20, narrow))
    );
    assert_eq!(draw_pixels(&destination, &original), Ok((30, 20)));
    assert_eq!(snapshot(&destination), original);
}

/// Polls `draw` until it has started a decode (`createImageBitmap` or `<img>`), then
/// drops it.
async fn drop_once_decoding<F: core::future::Future<Output = Result<(u32, u32), CanvasError>>>(
    draw: F,
) {
    let decodes = decodes_started();
    let mut draw = Box::pin(draw);
    for _ in 0..100 {
        match select(draw, ready(())).await {
            Either::Left((result, _)) => panic!("drew before it could be dropped: {result:?}"),
            Either::Right(((), pending)) => draw = pending,
        }
        if decodes_started() > decodes {
            return;
        }
        // Let the Blob read it waits for complete.
        settle(0).await;
    }
    panic!("the draw never started decoding");
}

#[wasm_bindgen_test]
async fn a_draw_dropped_while_decoding_draws_nothing_once_the_decode_has_finished() {
    install_decode_spy();
    install_url_counter();
    let source = painted(&pattern(64, 64, 16));
    let png = wait("encode", encode_canvas(&source, ImageFormat::Png))
        .await
        .expect("encode");
    let bytes = wait("read", wasm_websocket::read_blob(&png))
        .await
        .expect("read");
    let destination = painted(&pattern(3, 3, 17));
    let before = snapshot(&destination);
    // Forget the decodes other tests started.
    wait("earlier decodes", decodes_fulfilled()).await;
    for hide in [false, true] {
        let _hidden = hide.then(WithoutCreateImageBitmap::new);
        for i in 0..10 {
            if i % 2 == 0 {
                drop_once_decoding(draw_bytes(&destination, &bytes)).await;
            } else {
                drop_once_decoding(draw_blob(&destination, &png)).await;
            }
        }
        // Every decode those draws started has settled: a draw still running would
        // now have drawn (it draws as soon as its decode is done). With
        // createImageBitmap the decodes succeed; an <img> fails once the dropped
        // draw revoked its object URL, as it should.
        let fulfilled = wait("the dropped draws' decodes", decodes_fulfilled())
            .await
            .as_f64()
            .unwrap_or_default();
        if !hide {
            assert_eq!(fulfilled, 10.0, "the decodes did not all succeed");
        }
        settle(20).await;
        let (width, height) = (destination.width(), destination.height());
        assert!(
            snapshot(&destination) == before,
            "a dropped draw drew: the canvas is now {width}x{height} (createImageBitmap \
             hidden: {hide})"
        );
        assert_eq!(live_object_urls(), 0, "a dropped draw kept its object URL");
    }
}
