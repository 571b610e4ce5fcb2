//! The demo's state and what its buttons do: connect, disconnect, send text, an
//! encoded image or raw pixels, and show what comes back.

use core::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use futures_core::Stream;
use wasm_bindgen_futures::spawn_local;
use web_sys::CanvasRenderingContext2d;

use crate::page::{show, Page};
use crate::stats::{size, Stats};
use wasm_websocket::canvas::{draw_message, send_canvas_image, send_canvas_pixels, ImageFormat};
use wasm_websocket::{
    Message, ReadyState, Result, Subscription, WebSocket, WebSocketReceiver, WebSocketSender,
};

/// The status texts, worded as in the classic sample.
pub(crate) const STATUS_OPEN: &str = "WebSocket Status:: Socket Open";
pub(crate) const STATUS_CLOSED: &str = "WebSocket Status:: Socket Closed";
pub(crate) const STATUS_ERROR: &str = "WebSocket Status:: Error was reported";
const REPLY: &str = "Server Reply:: ";

/// Everything the demo's listeners act on. They hold it weakly; the page's [`Demo`]
/// handle holds it strongly.
///
/// [`Demo`]: crate::Demo
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) page: Page,
    pub(crate) source_context: CanvasRenderingContext2d,
    url: String,
    stats: RefCell<Stats>,
    connection: RefCell<Option<Connection>>,
    /// Bumped on every connect, so that a task reading an older socket stops.
    generation: Cell<u32>,
}

/// An open (or opening, or closed) socket and the callbacks that report its state.
#[derive(Debug)]
struct Connection {
    sender: WebSocketSender,
    _subscriptions: [Subscription; 3],
}

impl App {
    pub(crate) fn new(page: Page, source_context: CanvasRenderingContext2d, url: String) -> Self {
        show(&page.socket_url, &url);
        Self {
            page,
            source_context,
            url,
            stats: RefCell::default(),
            connection: RefCell::default(),
            generation: Cell::new(0),
        }
    }

    /// Connects to nothing yet: the status names the server a link asked for and asks
    /// the user to press Connect.
    pub(crate) fn await_consent(&self) {
        self.set_status(
            "idle",
            &format!(
                "WebSocket Status:: Not connected. This link asks to use the server {}: \
                 press Connect to talk to it",
                self.url
            ),
        );
    }

    /// Opens a new socket (closing any previous one), reporting its state in the status.
    pub(crate) fn connect(self: &Rc<Self>) {
        self.close_connection();
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        self.set_status(
            "connecting",
            &format!("WebSocket Status:: Connecting to {}", self.url),
        );

        let ws = match WebSocket::builder(self.url.as_str()).build() {
            Ok(ws) => ws,
            Err(error) => {
                self.set_status("error", &format!("{STATUS_ERROR}. {error}"));
                return;
            }
        };
        let weak = Rc::downgrade(self);
        let subscriptions = [
            ws.on_open(on(&weak, |app| app.set_status("open", STATUS_OPEN))),
            ws.on_error(on(&weak, |app| app.set_status("error", STATUS_ERROR))),
            ws.on_close({
                let weak = weak.clone();
                move |event| {
                    if let Some(app) = weak.upgrade() {
                        if event.was_clean {
                            app.set_status("closed", STATUS_CLOSED);
                        } else {
                            let text = format!("{STATUS_CLOSED} (code {}, not clean)", event.code);
                            app.set_status("error", &text);
                        }
                    }
                }
            }),
        ];
        let (sender, receiver) = ws.split();
        self.stats.borrow_mut().new_connection();
        *self.connection.borrow_mut() = Some(Connection {
            sender,
            _subscriptions: subscriptions,
        });
        spawn_local(read(weak, generation, receiver));
    }

    /// Starts the closing handshake; the status changes when the socket has closed.
    pub(crate) fn disconnect(&self) {
        let state = self.sender().map(|s| s.ready_state());
        match state {
            Some(ReadyState::Connecting | ReadyState::Open) => {
                if let Some(sender) = self.sender() {
                    if let Err(error) = sender.close() {
                        self.set_status("error", &format!("{STATUS_ERROR}. {error}"));
                    }
                }
            }
            Some(ReadyState::Closing) => {}
            Some(ReadyState::Closed) | None => self.set_status("closed", STATUS_CLOSED),
        }
    }

    pub(crate) fn send_text(&self) {
        let text = self.page.text.value();
        let sent = self.sender().ok_or_else(not_connected).and_then(|sender| {
            sender
                .send_text(&text)
                .map_err(|error| self.refusal(&error))
        });
        match sent {
            Ok(()) => self.count_sent(text.len() as u64),
            Err(why) => self.refused(&why),
        }
    }

    pub(crate) async fn send_image(&self) {
        let Some(sender) = self.sender() else {
            return self.refused(NOT_CONNECTED);
        };
        let format = match self.page.format.value().as_str() {
            "jpeg" => ImageFormat::Jpeg { quality: 0.85 },
            "webp" => ImageFormat::Webp { quality: 0.85 },
            _ => ImageFormat::Png,
        };
        match send_canvas_image(&sender, &self.page.source, format).await {
            Ok(blob) => self.count_sent(blob.size() as u64),
            Err(error) => self.refused(&self.refusal(&error)),
        }
    }

    pub(crate) fn send_pixels(&self) {
        let sent = self.sender().ok_or_else(not_connected).and_then(|sender| {
            send_canvas_pixels(&sender, &self.page.source).map_err(|error| self.refusal(&error))
        });
        match sent {
            Ok(bytes) => self.count_sent(bytes as u64),
            Err(why) => self.refused(&why),
        }
    }

    /// Shows a received message: text as text, binary drawn into the destination.
    async fn received(&self, message: Message) {
        let bytes = match &message {
            Message::Text(text) => text.len() as u64,
            Message::Binary(bytes) => bytes.len() as u64,
            Message::Blob(blob) => blob.size() as u64,
        };
        self.stats.borrow_mut().received(bytes, now());
        self.show_stats();
        let reply = match &message {
            Message::Text(text) => format!("{REPLY}{text}"),
            _ => match draw_message(&self.page.destination, &message).await {
                Ok((width, height)) => {
                    format!("{REPLY}{}, drawn as a {width}×{height} image", size(bytes))
                }
                Err(error) => format!("{REPLY}{} that could not be drawn: {error}", size(bytes)),
            },
        };
        show(&self.page.response, &reply);
    }

    fn sender(&self) -> Option<WebSocketSender> {
        self.connection
            .borrow()
            .as_ref()
            .map(|connection| connection.sender.clone())
    }

    fn close_connection(&self) {
        if let Some(old) = self.connection.borrow_mut().take() {
            // Its callbacks are gone with it; this ends its reading task too.
            let _ = old.sender.close();
        }
    }

    fn count_sent(&self, bytes: u64) {
        self.stats.borrow_mut().sent(bytes, now());
        self.show_stats();
    }

    fn show_stats(&self) {
        show(&self.page.data, &self.stats.borrow().render());
    }

    /// Why a send failed, after the socket's state in the classic wording.
    fn refusal(&self, error: &impl core::fmt::Display) -> String {
        let state = match self.sender().map(|s| s.ready_state()) {
            Some(ReadyState::Open) => STATUS_OPEN,
            Some(ReadyState::Connecting) => "WebSocket Status:: Connecting",
            _ => STATUS_CLOSED,
        };
        format!("{state}. Not sent: {error}")
    }

    fn refused(&self, why: &str) {
        self.set_status("refused", why);
    }

    fn set_status(&self, state: &str, text: &str) {
        // An attribute, not a style: the page's CSS colours the status by it.
        let _ = self.page.status.set_attribute("data-state", state);
        show(&self.page.status, text);
    }
}

const NOT_CONNECTED: &str =
    "WebSocket Status:: Socket Closed. Not sent: not connected (press Connect)";

fn not_connected() -> String {
    NOT_CONNECTED.to_owned()
}

impl Drop for App {
    fn drop(&mut self) {
        self.close_connection();
    }
}

/// A socket callback that runs `f` on the app while the page still has it.
fn on(weak: &Weak<App>, f: impl Fn(&App) + 'static) -> impl FnMut() + 'static {
    let weak = weak.clone();
    move || {
        if let Some(app) = weak.upgrade() {
            f(&app);
        }
    }
}

/// Reads one socket's messages in order, drawing each before the next, until the
/// socket closes or a newer one replaces it.
async fn read(weak: Weak<App>, generation: u32, mut receiver: WebSocketReceiver) {
    while let Some(item) = next(&mut receiver).await {
        let Some(app) = weak.upgrade() else { return };
        if app.generation.get() != generation {
            return;
        }
        // An abnormal close also arrives here as an error; the close callback has
        // already reported it in the status.
        if let Ok(message) = item {
            app.received(message).await;
        }
    }
}

async fn next(receiver: &mut WebSocketReceiver) -> Option<Result<Message>> {
    core::future::poll_fn(|cx| core::pin::Pin::new(&mut *receiver).poll_next(cx)).await
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
