//! The demo page's wasm (its own crate, built on the library): wires the elements of
//! `www/index.html` to a socket on the echo server, with the work done in Rust.
//!
//! `www/main.js` calls [`start_demo`] once and keeps the returned [`Demo`] for the
//! page's lifetime: it owns every listener the demo registers (each removed when it is
//! dropped) and, through them, the socket.

mod app;
mod page;
mod paint;
mod pattern;
mod stats;

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{KeyboardEvent, PointerEvent};

use self::app::App;
use self::page::Page;
use self::paint::Brush;

/// The running demo. Dropping it (`demo.free()` in JavaScript) removes every listener
/// and closes the socket.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Demo {
    app: Rc<App>,
    _listeners: Vec<EventListener>,
}

#[wasm_bindgen]
impl Demo {
    /// The URL the demo connects to.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn url(&self) -> String {
        self.app.page.socket_url.text_content().unwrap_or_default()
    }
}

/// Starts the demo on the current page: draws the test pattern, wires the buttons and
/// connects to `ws(s)://<page host>/echo`. A URL in the `ws` query parameter
/// (`?ws=ws://127.0.0.1:9001/echo`) is shown, and connected to only when the user
/// presses Connect: a link alone cannot make the page send anything to a server the
/// link chose.
///
/// # Errors
/// A JavaScript `Error` naming the first element of the page that is missing or of
/// the wrong kind.
#[wasm_bindgen]
pub fn start_demo() -> Result<Demo, JsValue> {
    console_error_panic_hook::set_once();
    let window = web_sys::window().ok_or_else(|| js_sys::Error::new("no window"))?;
    let document = window
        .document()
        .ok_or_else(|| js_sys::Error::new("no document"))?;
    let page = Page::find(&document)?;
    let source_context = canvas_context(&page.source)?;
    let (url, origin) = socket_url(&window.location());
    let app = Rc::new(App::new(page, source_context, url));
    paint::reset(&app)?;
    let listeners = listen(&app);
    match origin {
        // The page's own echo server: connect at once.
        UrlFrom::Page => app.connect(),
        // A link chose the server: nothing is sent anywhere until the user agrees.
        UrlFrom::Query => app.await_consent(),
    }
    Ok(Demo {
        app,
        _listeners: listeners,
    })
}

/// Every listener of the page, each holding the app weakly.
fn listen(app: &Rc<App>) -> Vec<EventListener> {
    let page = &app.page;
    let brush = Rc::new(Brush::default());
    let mut listeners = vec![
        click(app, &page.connect, App::connect),
        click(app, &page.disconnect, |app| app.disconnect()),
        click(app, &page.send_text, |app| app.send_text()),
        click(app, &page.send_pixels, |app| app.send_pixels()),
        click(app, &page.reset_source, |app| {
            let _ = paint::reset(app);
        }),
        click(app, &page.send_image, |app| {
            let app = Rc::clone(app);
            spawn_local(async move { app.send_image().await });
        }),
        on(app, &page.file, "change", |app, _| {
            let app = Rc::clone(app);
            spawn_local(async move { paint::load_file(&app).await });
        }),
        on(app, &page.text, "keydown", |app, event| {
            if event
                .dyn_ref::<KeyboardEvent>()
                .is_some_and(|e| e.key() == "Enter")
            {
                app.send_text();
            }
        }),
    ];
    for (kind, action) in [
        ("pointerdown", Stroke::Down),
        ("pointermove", Stroke::Move),
        ("pointerup", Stroke::Up),
        ("pointercancel", Stroke::Up),
    ] {
        let brush = Rc::clone(&brush);
        let weak = Rc::downgrade(app);
        let options = EventListenerOptions::enable_prevent_default();
        listeners.push(EventListener::new_with_options(
            &page.source,
            kind,
            options,
            move |event| {
                let (Some(app), Some(event)) = (weak.upgrade(), event.dyn_ref::<PointerEvent>())
                else {
                    return;
                };
                match action {
                    Stroke::Down => brush.down(&app, event),
                    Stroke::Move => brush.moved(&app, event),
                    Stroke::Up => brush.up(),
                }
            },
        ));
    }
    listeners
}

#[derive(Debug, Clone, Copy)]
enum Stroke {
    Down,
    Move,
    Up,
}

fn click(
    app: &Rc<App>,
    target: &web_sys::EventTarget,
    action: impl Fn(&Rc<App>) + 'static,
) -> EventListener {
    on(app, target, "click", move |app, _| action(app))
}

fn on(
    app: &Rc<App>,
    target: &web_sys::EventTarget,
    kind: &'static str,
    action: impl Fn(&Rc<App>, &web_sys::Event) + 'static,
) -> EventListener {
    let weak = Rc::downgrade(app);
    EventListener::new(target, kind, move |event| {
        if let Some(app) = weak.upgrade() {
            action(&app, event);
        }
    })
}

/// The source canvas's 2d context, made for frequent reads (every raw pixels send
/// reads it back), which keeps it in memory the CPU can read quickly.
fn canvas_context(
    canvas: &web_sys::HtmlCanvasElement,
) -> Result<web_sys::CanvasRenderingContext2d, JsValue> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"willReadFrequently".into(), &JsValue::TRUE)?;
    canvas
        .get_context_with_context_options("2d", &options)?
        .and_then(|context| context.dyn_into().ok())
        .ok_or_else(|| {
            js_sys::Error::new(&wasm_websocket::canvas::CanvasError::NoContext2d.to_string()).into()
        })
}

/// Where the URL the demo talks to came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlFrom {
    /// The page's own host.
    Page,
    /// The `ws` query parameter: a link can name any server, so the demo connects to
    /// it only when the user presses Connect.
    Query,
}

/// `ws(s)://<page host>/echo`, or the `ws` query parameter.
fn socket_url(location: &web_sys::Location) -> (String, UrlFrom) {
    let query = location.search().unwrap_or_default();
    if let Some(url) = web_sys::UrlSearchParams::new_with_str(&query)
        .ok()
        .and_then(|params| params.get("ws"))
        .filter(|url| !url.is_empty())
    {
        return (url, UrlFrom::Query);
    }
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    (
        format!("{scheme}//{}/echo", location.host().unwrap_or_default()),
        UrlFrom::Page,
    )
}
