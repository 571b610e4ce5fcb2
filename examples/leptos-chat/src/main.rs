//! A chat page written with Leptos (client-side rendering) on `wasm-websocket`: it
//! connects to the echo server that serves it, shows the connection's state, sends
//! what the user types and lists the echoes.
//!
//! `connection.rs` owns the socket and turns what happens on it into signals; this
//! file is the view. Every text the page shows goes through Leptos's text nodes (no
//! `inner_html`), so an echoed `<img onerror=...>` is shown, not run.

mod connection;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::connection::{Chat, Status};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The whole page: the state line, the form and the list of echoes.
#[component]
fn App() -> impl IntoView {
    let chat = Chat::connect("/echo");
    let draft = RwSignal::new(String::new());
    // Why the last send did not happen, if it did not.
    let notice = RwSignal::new(String::new());

    // Enter in the field submits the form too.
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let text = draft.get_untracked();
        if text.is_empty() {
            return;
        }
        match chat.send(&text) {
            Ok(()) => {
                draft.set(String::new());
                notice.set(String::new());
            }
            Err(error) => notice.set(format!("not sent: {error}")),
        }
    };

    view! {
        <main>
            <h1>"Leptos chat " <span>"on wasm-websocket"</span></h1>
            <p id="status" role="status" data-state=move || chat.status.with(Status::key)>
                {move || chat.status.with(Status::label)}
            </p>
            <form id="composer" on:submit=on_submit>
                <label for="message">"Message"</label>
                <input
                    id="message"
                    type="text"
                    autocomplete="off"
                    placeholder="Say something"
                    bind:value=draft
                />
                <button id="send" type="submit">"Send"</button>
            </form>
            <p id="notice" aria-live="polite">{move || notice.get()}</p>
            <h2>"Echoes"</h2>
            <ol id="echoes">
                <For each=move || chat.echoes.get() key=|echo| echo.id let:echo>
                    <li>{echo.text}</li>
                </For>
            </ol>
        </main>
    }
}
