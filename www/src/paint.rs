//! The source canvas: painting on it with the mouse (or a finger), loading a local
//! image into it, and resetting it to the test pattern.

use core::cell::Cell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

use crate::page::show;
use crate::pattern;
use crate::App;
use wasm_websocket::canvas::{draw_blob, CanvasError};

/// The largest size a loaded image is shown at in the source canvas.
const MAX_WIDTH: f64 = 640.0;
const MAX_HEIGHT: f64 = 480.0;

/// The stroke in progress, if any.
#[derive(Debug, Default)]
pub(crate) struct Brush {
    last: Cell<Option<(f64, f64)>>,
    strokes: Cell<u32>,
}

impl Brush {
    pub(crate) fn down(&self, app: &App, event: &PointerEvent) {
        let point = canvas_point(&app.page.source, event);
        // Keep receiving moves when the pointer leaves the canvas mid-stroke.
        let _ = app.page.source.set_pointer_capture(event.pointer_id());
        self.strokes.set(self.strokes.get().wrapping_add(1));
        self.last.set(Some(point));
        // A dot, so that a click paints too.
        self.line(&app.source_context, point, point);
        event.prevent_default();
    }

    pub(crate) fn moved(&self, app: &App, event: &PointerEvent) {
        if let Some(last) = self.last.get() {
            let point = canvas_point(&app.page.source, event);
            self.line(&app.source_context, last, point);
            self.last.set(Some(point));
        }
    }

    pub(crate) fn up(&self) {
        self.last.set(None);
    }

    fn line(&self, context: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64)) {
        let hue = self.strokes.get().wrapping_mul(47) % 360;
        context.set_stroke_style_str(&format!("hsl({hue}, 90%, 45%)"));
        context.set_line_width(8.0);
        context.set_line_cap("round");
        context.set_line_join("round");
        context.begin_path();
        context.move_to(from.0, from.1);
        context.line_to(to.0, to.1);
        context.stroke();
    }
}

/// The pointer's position in canvas pixels (the canvas may be shown scaled).
fn canvas_point(canvas: &HtmlCanvasElement, event: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let scale_x = f64::from(canvas.width()) / rect.width().max(1.0);
    let scale_y = f64::from(canvas.height()) / rect.height().max(1.0);
    (
        (f64::from(event.client_x()) - rect.left()) * scale_x,
        (f64::from(event.client_y()) - rect.top()) * scale_y,
    )
}

/// Draws the test pattern into the source canvas.
pub(crate) fn reset(app: &App) -> Result<(), JsValue> {
    pattern::draw(&app.page.source, &app.source_context)?;
    show(
        &app.page.source_info,
        &format!(
            "Test pattern, {}×{}: draw on it with the mouse",
            pattern::WIDTH,
            pattern::HEIGHT
        ),
    );
    Ok(())
}

/// Loads the image file the user picked into the source canvas, scaled down to fit,
/// on white (so that it is opaque and a PNG round trip stays exact).
pub(crate) async fn load_file(app: &App) {
    let Some(file) = app.page.file.files().and_then(|files| files.get(0)) else {
        return;
    };
    let name = file.name();
    match load(app, &file).await {
        Ok((width, height)) => show(
            &app.page.source_info,
            &format!("{name}, shown at {width}×{height}: draw on it with the mouse"),
        ),
        Err(error) => show(
            &app.page.source_info,
            &format!("{name} could not be loaded: {error}"),
        ),
    }
    // Picking the same file again fires `change` again.
    app.page.file.set_value("");
}

async fn load(app: &App, file: &web_sys::File) -> Result<(u32, u32), CanvasError> {
    let scratch = app
        .page
        .source
        .owner_document()
        .ok_or_else(|| JsValue::from(js_sys::Error::new("the canvas has no document")))?
        .create_element("canvas")?
        .dyn_into::<HtmlCanvasElement>()
        .map_err(JsValue::from)?;
    let (width, height) = draw_blob(&scratch, file).await?;
    let scale = (MAX_WIDTH / f64::from(width))
        .min(MAX_HEIGHT / f64::from(height))
        .min(1.0);
    let fitted = (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    );
    let source = &app.page.source;
    source.set_width(fitted.0);
    source.set_height(fitted.1);
    let context = &app.source_context;
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(fitted.0), f64::from(fitted.1));
    context.draw_image_with_html_canvas_element_and_dw_and_dh(
        &scratch,
        0.0,
        0.0,
        f64::from(fitted.0),
        f64::from(fitted.1),
    )?;
    Ok(fitted)
}
