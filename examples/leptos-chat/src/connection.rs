//! The page's socket: connects, keeps the sender for the form, and turns what the
//! socket does into two signals (its state and the echoes received).

use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_websocket::{resolve_url, CloseEvent, Message, WebSocket, WebSocketSender};

/// The most echoes the list keeps: older ones are dropped from the top.
pub const MAX_ECHOES: usize = 200;

/// The connection as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Waiting for the socket to open.
    Connecting,
    /// Open: messages can be sent.
    Open,
    /// Closed after it had opened, with the browser's close event.
    Closed(CloseEvent),
    /// It could not connect (bad URL, refused, timed out).
    Failed(String),
}

impl Status {
    /// The line the page shows.
    pub fn label(&self) -> String {
        match self {
            Self::Connecting => "connecting…".to_owned(),
            Self::Open => "open".to_owned(),
            Self::Closed(event) if event.reason.is_empty() => {
                format!("closed (code {})", event.code)
            }
            Self::Closed(event) => format!("closed (code {}: {})", event.code, event.reason),
            Self::Failed(why) => format!("failed: {why}"),
        }
    }

    /// A word for the `data-state` attribute (styles and tests).
    pub fn key(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closed(_) => "closed",
            Self::Failed(_) => "failed",
        }
    }
}

/// One received message, keyed for Leptos's `<For>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// Its position among all messages received (it never repeats).
    pub id: u64,
    /// The text, or a description of a binary message.
    pub text: String,
}

/// The chat's handle: `Copy`, so event handlers can take it.
#[derive(Debug, Clone, Copy)]
pub struct Chat {
    /// The connection's state.
    pub status: ReadSignal<Status>,
    /// The last [`MAX_ECHOES`] messages received, oldest first.
    pub echoes: ReadSignal<Vec<Echo>>,
    /// The sending half, from the moment the socket opened. A socket is not `Send`:
    /// it lives in the owner's local storage, not in a signal.
    sender: StoredValue<Option<WebSocketSender>, LocalStorage>,
}

impl Chat {
    /// Starts connecting to `url` (relative to the page: `/echo` on the page's host,
    /// `ws:` or `wss:` after the page's scheme).
    pub fn connect(url: &str) -> Self {
        let (status, set_status) = signal(Status::Connecting);
        let (echoes, set_echoes) = signal(Vec::new());
        let sender = StoredValue::new_local(None);
        let url = resolve_url(url);
        spawn_local(async move {
            let socket = match url {
                Ok(url) => WebSocket::connect(&url).await,
                Err(error) => Err(error),
            };
            let (tx, mut rx) = match socket {
                Ok(socket) => socket.split(),
                Err(error) => {
                    set_status.set(Status::Failed(error.to_string()));
                    return;
                }
            };
            sender.set_value(Some(tx.clone()));
            set_status.set(Status::Open);
            // The stream ends when the socket closes (after one `AbnormalClose` error
            // if the connection was lost); `closed()` then has the close event.
            while let Some(message) = rx.next().await {
                if let Ok(message) = message {
                    set_echoes.update(|list| push_echo(list, describe(&message)));
                }
            }
            // The sender stays: a send now fails with the library's own `NotOpen`.
            set_status.set(Status::Closed(tx.closed().await));
        });
        Self {
            status,
            echoes,
            sender,
        }
    }

    /// Sends `text`.
    ///
    /// # Errors
    /// [`wasm_websocket::Error::NotOpen`] while connecting, after a failed connect, or
    /// after the close (then from the socket itself).
    pub fn send(&self, text: &str) -> wasm_websocket::Result<()> {
        self.sender.with_value(|sender| match sender {
            Some(sender) => sender.send_text(text),
            None => Err(wasm_websocket::Error::NotOpen {
                state: match self.status.get_untracked() {
                    Status::Connecting => wasm_websocket::ReadyState::Connecting,
                    _ => wasm_websocket::ReadyState::Closed,
                },
            }),
        })
    }
}

/// What the list shows for a message.
fn describe(message: &Message) -> String {
    match message {
        Message::Text(text) => text.clone(),
        Message::Binary(bytes) => format!("({} bytes of binary)", bytes.len()),
        Message::Blob(blob) => format!("(a Blob of {} bytes)", blob.size()),
    }
}

/// Appends `text`, dropping the oldest echo past [`MAX_ECHOES`].
fn push_echo(list: &mut Vec<Echo>, text: String) {
    let id = list.last().map_or(0, |last| last.id + 1);
    if list.len() >= MAX_ECHOES {
        list.remove(0);
    }
    list.push(Echo { id, text });
}
