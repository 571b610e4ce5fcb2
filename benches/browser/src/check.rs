//! What every contender shares: payloads, the checks of each echo, the clock.

use wasm_bindgen::JsError;

/// The message that starts the server's push (`/push`, W6).
pub const START: &str = "go";

/// A binary payload of `size` bytes (at least 4, for the index).
pub fn payload(size: u32) -> Vec<u8> {
    (0..size.max(4)).map(|i| (i % 251) as u8).collect()
}

/// Writes message `index` into the first 4 bytes.
pub fn stamp(payload: &mut [u8], index: u32) {
    if let Some(head) = payload.get_mut(..4) {
        head.copy_from_slice(&index.to_le_bytes());
    }
}

/// Checks a binary echo: `size` bytes (at least 4) carrying index `index`.
pub fn binary(bytes: Option<&[u8]>, index: u32, size: u32) -> Result<(), JsError> {
    let Some(bytes) = bytes else {
        return Err(JsError::new(&format!("echo {index}: not a binary message")));
    };
    let size = size.max(4) as usize;
    if bytes.len() != size {
        return Err(JsError::new(&format!(
            "echo {index}: {} bytes, expected {size}",
            bytes.len()
        )));
    }
    let got = bytes
        .get(..4)
        .and_then(|head| <[u8; 4]>::try_from(head).ok())
        .map(u32::from_le_bytes);
    if got != Some(index) {
        return Err(JsError::new(&format!(
            "echo {index}: carries index {got:?} (out of order?)"
        )));
    }
    Ok(())
}

/// `count` distinct ASCII texts of exactly `size` bytes: the index, then filler.
pub fn texts(count: u32, size: u32) -> Vec<String> {
    let filler: String = ('a'..='z').cycle().take(size as usize).collect();
    (0..count)
        .map(|i| {
            let mut text = format!("{i}:");
            let rest = (size as usize).saturating_sub(text.len());
            text.push_str(&filler[..rest]);
            text
        })
        .collect()
}

/// Checks a text echo against what was sent.
pub fn text(text: Option<&str>, expected: &str, index: u32) -> Result<(), JsError> {
    match text {
        Some(text) if text == expected => Ok(()),
        Some(text) => Err(JsError::new(&format!(
            "echo {index}: text differs ({} bytes, expected {})",
            text.len(),
            expected.len()
        ))),
        None => Err(JsError::new(&format!("echo {index}: not a text message"))),
    }
}

thread_local! {
    /// The page's `performance`, looked up once: the clock must not cost the Rust
    /// contenders two more calls into JS per reading than `performance.now()` costs
    /// the JS ones.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|window| window.performance());
}

/// `performance.now()`, in ms.
pub fn now() -> f64 {
    PERFORMANCE.with(|performance| performance.as_ref().map_or(0.0, web_sys::Performance::now))
}

/// An error for a stream that ended before all echoes arrived.
pub fn ended(index: u32) -> JsError {
    JsError::new(&format!("the socket closed before echo {index}"))
}

/// An error from any `Display`.
pub fn failed(error: impl core::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}
