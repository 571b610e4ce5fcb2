//! The size an encoded image declares in its header, read in Rust from its first
//! bytes (PNG `IHDR`, GIF logical screen, JPEG `SOF`, WebP `VP8 `/`VP8L`/`VP8X`), so
//! that an image above the size limit is refused before the browser decodes anything.
//! From a Blob only the bytes needed are read: 30 for PNG, GIF and WebP, and for JPEG
//! the segment headers up to the frame header, a 4 KiB window at a time.

use web_sys::Blob;

use super::{CanvasError, Result};
use crate::read_blob;

/// How many bytes of a Blob one read fetches (at least).
const WINDOW: usize = 4096;

/// The JPEG segments walked looking for the frame header before giving up.
const MAX_JPEG_SEGMENTS: usize = 4096;

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
/// # Errors
/// [`CanvasError::NotAnImage`] for a JPEG with no frame header in its first
/// 4096 segments; the errors of reading a Blob.
pub(crate) async fn declared_size(source: &mut Source<'_>) -> Result<Option<(u32, u32)>> {
    let head = source.read(0, 30).await?.to_vec();
    if head.starts_with(&PNG_SIGNATURE) {
        return Ok(png(&head));
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Ok(gif(&head));
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

/// GIF: the logical screen's width and height, little-endian `u16`, after the
/// 6-byte signature.
fn gif(head: &[u8]) -> Option<(u32, u32)> {
    Some((le16(head, 6)?, le16(head, 8)?))
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
async fn jpeg(source: &mut Source<'_>) -> Result<Option<(u32, u32)>> {
    let mut at: u64 = 2;
    for _ in 0..MAX_JPEG_SEGMENTS {
        // Marker (0xff, kind), length (2 bytes), then for a frame header: precision,
        // height, width.
        let segment = source.read(at, 9).await?;
        let (Some(&0xff), Some(&kind)) = (segment.first(), segment.get(1)) else {
            return Ok(None);
        };
        match kind {
            // A fill byte before a marker.
            0xff => at += 1,
            // Markers without a length.
            0x01 | 0xd0..=0xd8 => at += 2,
            0xc0..=0xcf if !matches!(kind, 0xc4 | 0xc8 | 0xcc) => {
                return Ok(be16(segment, 7).zip(be16(segment, 5)));
            }
            // Scan data or the end before any frame header.
            0xd9 | 0xda => return Ok(None),
            _ => match be16(segment, 2) {
                Some(len) if len >= 2 => at += 2 + u64::from(len),
                _ => return Ok(None),
            },
        }
    }
    Err(CanvasError::NotAnImage {
        reason: format!("a JPEG with no frame header in its first {MAX_JPEG_SEGMENTS} segments"),
    })
}
