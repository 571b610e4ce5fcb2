//! The Leptos chat example (`examples/leptos-chat`) end to end, in a real headless
//! Chromium driven through chromedriver.
//!
//! - the page loads under its Content-Security-Policy, Leptos mounts it, and the state
//!   goes from connecting to `open` (`data-state="open"`)
//! - a message typed and sent with the Send button comes back as the last item of the
//!   echo list, and the field is emptied
//! - Enter in the field sends too, and echoes keep their order
//! - the echo of `<img src=x onerror=...>` is shown as text: no element is created and
//!   nothing runs
//! - stopping the server gives `closed (code N)` (`data-state="closed"`); a send then
//!   says why it was not sent and adds no echo
//! - no uncaught error and no CSP violation in the page throughout
//!
//! # Running it by hand
//!
//! From the repository root, after building the example into
//! `examples/leptos-chat/dist` (see `examples/leptos-chat/README.md`; `cargo xtask
//! test` does it):
//!
//! ```sh
//! cargo test -p demo-e2e --test leptos_chat
//! ```
//!
//! The test serves the built page and `/echo` from an echo server started in-process
//! on a free port, so that it can stop it. `CHROMEDRIVER` and `CHROME_BIN` choose the
//! driver and browser, as for the demo's test.

use std::time::Duration;

use anyhow::{ensure, Result};
use demo_e2e::{
    built_page, click, in_chromium, open, page_problems, run_js, serve, text_of, type_into,
    wait_for_js, wait_for_text, within,
};
use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::{json, Value};

/// The texts of the echo list, in order.
const ECHOES: &str =
    "return [...document.querySelectorAll('#echoes li')].map((li) => li.textContent);";

/// The state element's `data-state`.
const STATE: &str = "return document.getElementById('status')?.dataset.state ?? null;";

const PROBE: &str = "<img src=x onerror=\"window.__ran = true\">";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leptos_chat_shows_state_and_echoes() -> Result<()> {
    let dist = built_page(
        "examples/leptos-chat/dist",
        "pkg/leptos_chat.js",
        "build it with `cargo xtask test` or as examples/leptos-chat/README.md says",
    )?;
    let server = serve(dist).await?;
    let url = format!("http://{}/", server.local_addr());
    let outcome = in_chromium(Duration::from_secs(120), |client| async move {
        run(&client, &url, server).await
    })
    .await;
    outcome
}

async fn run(client: &Client, url: &str, server: echo_server::Server) -> Result<()> {
    open(client, url).await?;
    let csp = run_js(
        client,
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content ?? null;",
    )
    .await?;
    ensure!(
        csp.as_str()
            .is_some_and(|csp| csp.contains("script-src 'self' 'wasm-unsafe-eval'")),
        "the page's CSP is not the expected one: {csp}"
    );
    wait_for_text(client, "status", Duration::from_secs(15), |t| t == "open").await?;
    wait_for_js(client, STATE, &json!("open"), Duration::from_secs(5)).await?;

    // The Send button.
    let first = "Hello from WebDriver, 42";
    type_into(client, "message", first).await?;
    click(client, "send").await?;
    wait_for_js(client, ECHOES, &json!([first]), Duration::from_secs(10)).await?;
    let field = run_js(client, "return document.getElementById('message').value;").await?;
    ensure!(
        field == json!(""),
        "the field still holds {field} after sending"
    );

    // Enter, twice: the echoes keep their order.
    let enter = char::from(Key::Enter);
    type_into(client, "message", &format!("second{enter}")).await?;
    type_into(client, "message", &format!("third{enter}")).await?;
    wait_for_js(
        client,
        ECHOES,
        &json!([first, "second", "third"]),
        Duration::from_secs(10),
    )
    .await?;

    // Markup comes back as text.
    type_into(client, "message", &format!("{PROBE}{enter}")).await?;
    wait_for_js(
        client,
        ECHOES,
        &json!([first, "second", "third", PROBE]),
        Duration::from_secs(10),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await; // an onerror would have fired
    let markup = run_js(
        client,
        "return [document.querySelectorAll('img, #echoes li *').length, window.__ran ?? false];",
    )
    .await?;
    ensure!(
        markup == json!([0, false]),
        "the probe was rendered as markup: [elements, ran] = {markup}"
    );

    // The server goes away: the page shows the close code, and refuses to send.
    within(
        "stop the server",
        Duration::from_secs(10),
        server.shutdown(),
    )
    .await??;
    let status = wait_for_text(client, "status", Duration::from_secs(10), |t| {
        t.starts_with("closed (code ")
    })
    .await?;
    wait_for_js(client, STATE, &json!("closed"), Duration::from_secs(5)).await?;
    let code = status
        .trim_start_matches("closed (code ")
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|code| code.parse::<u16>().ok());
    ensure!(code.is_some(), "no close code in {status:?}");
    println!("after the server stopped: {status}");

    type_into(client, "message", &format!("too late{enter}")).await?;
    let notice = wait_for_text(client, "notice", Duration::from_secs(5), |t| !t.is_empty()).await?;
    ensure!(
        notice == "not sent: the socket is not open (it is closed)",
        "notice: {notice:?}"
    );
    let echoes: Value = run_js(client, ECHOES).await?;
    ensure!(
        echoes.as_array().map(Vec::len) == Some(4),
        "a send after the close added an echo: {echoes}"
    );
    let shown = text_of(client, "message").await;
    ensure!(shown.is_ok(), "the field is gone: {shown:?}");

    page_problems(client).await
}
