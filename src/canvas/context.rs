//! The canvas's 2d context, with a typed error when it has none.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{CanvasError, Result};

/// The canvas's 2d context (the one it already has, or a new one).
///
/// # Errors
/// [`CanvasError::NoContext2d`] when the canvas already has a context of another kind.
pub(crate) fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")?
        .and_then(|context| context.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or(CanvasError::NoContext2d)
}
