//! The size an encoded image declares in its header, read in Rust from its first
//! bytes (PNG `IHDR`, GIF logical screen and first image descriptor, JPEG `SOF`, WebP
//! `VP8 `/`VP8L`/`VP8X`), so that an image above the size limit is refused before the
//! browser decodes anything. From a Blob only the bytes needed are read: 30 for PNG
//! and WebP, and for GIF and JPEG the blocks or segment headers up to the first image
//! or frame header, a 4 KiB window at a time.
//!
//! The walks skip what the browsers' decoders skip (JPEG fill bytes and junk between
//! segments, as libjpeg's `next_marker` does; GIF extension blocks), so an image they
//! would decode cannot slip past the check; a GIF or JPEG whose first image cannot be
//! found within a bounded walk is refused as not an image.

use web_sys::Blob;

use super::{CanvasError, Result};
use crate::read_blob;

/// How many bytes of a Blob one read fetches (at least).
const WINDOW: usize = 4096;

/// The JPEG segments (or 4 KiB windows of junk between them) walked looking for the
/// frame header before giving up.
const MAX_JPEG_SEGMENTS: usize = 4096;

/// The GIF blocks and sub-blocks walked looking for the first image descriptor before
/// giving up (a 255-byte sub-block each: up to 16 MiB of extensions).
const MAX_GIF_BLOCKS: usize = 65_536;

const PNG_SIGNATURE: [u8; 8] = *b"\x89PNG\r\n\x1a\n";

/// Where the image's bytes are: already in wasm memory, or in a Blob read piecemeal.
pub(crate) enum Source<'a> {
    Bytes(&'a [u8]),
    Blob {
        blob: &'a Blob,
        /// The bytes last read, and their offset in the Blob.
        at: u64,
        window: Vec<u8>,
    },
}

impl<'a> Source<'a> {
    pub(crate) fn blob(blob: &'a Blob) -> Self {
        Self::Blob {
            blob,
            at: 0,
            window: Vec::new(),
        }
    }

    /// `len` bytes at `offset`, or fewer where the data ends.
    pub(crate) async fn read(&mut self, offset: u64, len: usize) -> Result<&[u8]> {
        match self {
            Self::Bytes(bytes) => {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let end = start.saturating_add(len).min(bytes.len());
                Ok(&bytes[start..end])
            }
            Self::Blob { blob, at, window } => {
                let cached = offset >= *at && offset + len as u64 <= *at + window.len() as u64;
                if !cached {
                    let size = blob.size();
                    let start = (offset as f64).min(size);
                    let end = (start + len.max(WINDOW) as f64).min(size);
                    *window = read_blob(&blob.slice_with_f64_and_f64(start, end)?).await?;
                    *at = offset;
                }
                // At most `len` bytes from `offset`, which lies inside the window (or
                // at its end, where the data ends).
                let start = usize::try_from(offset - *at)
                    .unwrap_or(usize::MAX)
                    .min(window.len());
                let end = start.saturating_add(len).min(window.len());
                Ok(&window[start..end])
            }
        }
    }
}

/// The width and height the image's header declares, if it is a PNG, GIF, JPEG or
/// WebP whose header can be read; `None` for other formats and malformed headers
/// (left to the browser's decoder).
///
/// A GIF's size is the larger of its logical screen and its first image's extent
/// (decoders grow the screen to fit the first frame).
///
/// # Errors
/// [`CanvasError::NotAnImage`] for a JPEG without a readable frame header before its
/// scan data, its end or 4096 segments, and for a GIF whose first image descriptor
/// does not come within 65,536 blocks; the errors of reading a Blob.
pub(crate) async fn declared_size(source: &mut Source<'_>) -> Result<Option<(u32, u32)>> {
    let head = source.read(0, 30).await?.to_vec();
    if head.starts_with(&PNG_SIGNATURE) {
        return Ok(png(&head));
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return gif(source, &head).await;
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Ok(webp(&head));
    }
    if head.starts_with(&[0xff, 0xd8]) {
        return jpeg(source).await;
    }
    Ok(None)
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        bytes.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        bytes.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// PNG: the signature, then the `IHDR` chunk (length 13) with width and height as
/// big-endian `u32`.
fn png(head: &[u8]) -> Option<(u32, u32)> {
    if head.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let word = |at: usize| Some(u32::from_be_bytes(head.get(at..at + 4)?.try_into().ok()?));
    Some((word(16)?, word(20)?))
}

/// GIF: the logical screen's width and height (little-endian `u16` after the 6-byte
/// signature), grown to the first image's extent: after the global color table (if
/// the screen's flags say there is one) and any extension blocks (`0x21`, a label,
/// then sub-blocks to an empty one), the image descriptor (`0x2c`) holds the image's
/// left, top, width and height. A trailer or unknown block first: the screen's size
/// (no image follows that a decoder would draw).
async fn gif(source: &mut Source<'_>, head: &[u8]) -> Result<Option<(u32, u32)>> {
    let (Some(screen_width), Some(screen_height), Some(&flags)) =
        (le16(head, 6), le16(head, 8), head.get(10))
    else {
        return Ok(None);
    };
    let mut at: u64 = 13;
    if flags & 0x80 != 0 {
        at += 3 << ((flags & 0x07) + 1);
    }
    let mut blocks = 0;
    while blocks < MAX_GIF_BLOCKS {
        blocks += 1;
        let block = source.read(at, 10).await?;
        match block.first() {
            Some(0x2c) => {
                let extent =
                    |offset: usize, size: usize| Some(le16(block, offset)? + le16(block, size)?);
                return Ok(Some(match (extent(1, 5), extent(3, 7)) {
                    (Some(width), Some(height)) => {
                        (screen_width.max(width), screen_height.max(height))
                    }
                    // Cut inside the descriptor: no image to decode.
                    _ => (screen_width, screen_height),
                }));
            }
            Some(0x21) => {
                // The introducer and the label, then the sub-blocks.
                at += 2;
                loop {
                    blocks += 1;
                    if blocks > MAX_GIF_BLOCKS {
                        break;
                    }
                    let Some(&size) = source.read(at, 1).await?.first() else {
                        return Ok(Some((screen_width, screen_height)));
                    };
                    at += 1 + u64::from(size);
                    if size == 0 {
                        break;
                    }
                }
            }
            _ => return Ok(Some((screen_width, screen_height))),
        }
    }
    Err(CanvasError::NotAnImage {
        reason: format!("a GIF with no image in its first {MAX_GIF_BLOCKS} blocks"),
    })
}

/// WebP: `RIFF`, size, `WEBP`, then the first chunk: `VP8 ` (lossy: a key frame's
/// 14-bit width and height), `VP8L` (lossless: 14-bit width - 1 and height - 1
/// packed after the 0x2f signature) or `VP8X` (extended: the canvas's 24-bit
/// width - 1 and height - 1).
fn webp(head: &[u8]) -> Option<(u32, u32)> {
    match head.get(12..16)? {
        b"VP8 " => {
            if head.get(23..26)? != [0x9d, 0x01, 0x2a] {
                return None;
            }
            Some((le16(head, 26)? & 0x3fff, le16(head, 28)? & 0x3fff))
        }
        b"VP8L" => {
            if *head.get(20)? != 0x2f {
                return None;
            }
            let bits = u32::from_le_bytes(head.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        b"VP8X" => Some((le24(head, 24)? + 1, le24(head, 27)? + 1)),
        _ => None,
    }
}

/// JPEG: walks the segments after `SOI` to the first frame header (`SOF0`..`SOF15`
/// but `DHT`, `JPG` and `DAC`), which holds the height and width as big-endian `u16`.
/// Bytes other than `0xff` between segments are skipped to the next `0xff`, and a
/// `0xff` followed by `0x00` is junk too, as libjpeg's `next_marker` skips them.
async fn jpeg(source: &mut Source<'_>) -> Result<Option<(u32, u32)>> {
    let not_an_image = |why: &str| CanvasError::NotAnImage {
        reason: format!("a JPEG {why}"),
    };
    let mut at: u64 = 2;
    for _ in 0..MAX_JPEG_SEGMENTS {
        // Marker (0xff, kind), length (2 bytes), then for a frame header: precision,
        // height, width.
        let segment = source.read(at, 9).await?;
        let (Some(&first), Some(&kind)) = (segment.first(), segment.get(1)) else {
            return Err(not_an_image("that ends before its frame header"));
        };
        if first != 0xff {
            // Junk between segments: on to the next 0xff (in this window, or after it).
            let window = source.read(at, WINDOW).await?;
            at += window
                .iter()
                .position(|&byte| byte == 0xff)
                .unwrap_or(window.len()) as u64;
            continue;
        }
        match kind {
            // A fill byte before a marker, or a stuffed zero (junk here).
            0xff => at += 1,
            0x00 | 0x01 | 0xd0..=0xd8 => at += 2,
            0xc0..=0xcf if !matches!(kind, 0xc4 | 0xc8 | 0xcc) => {
                return match be16(segment, 7).zip(be16(segment, 5)) {
                    Some(size) => Ok(Some(size)),
                    None => Err(not_an_image("cut inside its frame header")),
                };
            }
            0xd9 | 0xda => {
                return Err(not_an_image(
                    "with scan data or its end before a frame header",
                ))
            }
            _ => match be16(segment, 2) {
                Some(len) if len >= 2 => at += 2 + u64::from(len),
                _ => return Err(not_an_image("with a segment of a malformed length")),
            },
        }
    }
    Err(not_an_image(&format!(
        "with no frame header in its first {MAX_JPEG_SEGMENTS} segments"
    )))
}
