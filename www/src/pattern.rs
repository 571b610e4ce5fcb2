//! The source canvas's test pattern: colourful, fully opaque (so that a PNG round trip
//! is pixel-exact), with edges, gradients and text that show any loss.

use core::f64::consts::TAU;

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The pattern's size.
pub(crate) const WIDTH: u32 = 480;
/// The pattern's size.
pub(crate) const HEIGHT: u32 = 320;

/// Resizes the canvas and draws the pattern.
pub(crate) fn draw(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
) -> Result<(), JsValue> {
    canvas.set_width(WIDTH);
    canvas.set_height(HEIGHT);
    let (w, h) = (f64::from(WIDTH), f64::from(HEIGHT));

    // A rainbow from left to right, darkening towards the bottom.
    let rainbow = context.create_linear_gradient(0.0, 0.0, w, 0.0);
    for (i, hue) in [0, 60, 120, 180, 240, 300, 360].into_iter().enumerate() {
        rainbow.add_color_stop(i as f32 / 6.0, &format!("hsl({hue}, 85%, 55%)"))?;
    }
    context.set_fill_style_canvas_gradient(&rainbow);
    context.fill_rect(0.0, 0.0, w, h);
    let shade = context.create_linear_gradient(0.0, 0.0, 0.0, h);
    shade.add_color_stop(0.0, "rgba(255, 255, 255, 0.25)")?;
    shade.add_color_stop(1.0, "rgba(0, 0, 0, 0.55)")?;
    context.set_fill_style_canvas_gradient(&shade);
    context.fill_rect(0.0, 0.0, w, h);

    // A checkerboard strip: hard edges.
    for i in 0..24 {
        for row in 0..2 {
            let dark = (i + row) % 2 == 0;
            context.set_fill_style_str(if dark { "#111" } else { "#f5f5f5" });
            context.fill_rect(
                f64::from(i) * 20.0,
                h - 40.0 + f64::from(row) * 20.0,
                20.0,
                20.0,
            );
        }
    }

    // Discs in primary colours.
    for (i, colour) in ["#e53935", "#fdd835", "#1e88e5", "#43a047"]
        .into_iter()
        .enumerate()
    {
        context.begin_path();
        context.arc(70.0 + i as f64 * 110.0, 150.0, 42.0, 0.0, TAU)?;
        context.set_fill_style_str(colour);
        context.fill();
        context.set_line_width(4.0);
        context.set_stroke_style_str("#fff");
        context.stroke();
    }

    context.set_fill_style_str("#fff");
    context.set_font("bold 34px sans-serif");
    context.set_text_align("center");
    context.set_text_baseline("middle");
    context.fill_text("wasm-websocket", w / 2.0, 52.0)?;
    context.set_font("16px sans-serif");
    context.fill_text("draw on me, then send", w / 2.0, 232.0)?;
    Ok(())
}
